/** Byte ↔ lowercase hex conversion for trace and span ids (a lookup table, no per-byte toString). */

const HEX_BY_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start, end)`; '' for an empty range (an absent id). */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  let hex = '';
  for (let i = start; i < end; i++) hex += HEX_BY_BYTE[bytes[i]];
  return hex;
}

const HEX_STRING = /^(?:[0-9a-fA-F]{2})*$/;

/** Whether `s` is an even-length string of hex digits (either case), i.e. whole bytes. */
export function isHexBytes(s: string): boolean {
  return HEX_STRING.test(s);
}

const ALL_ZEROS = /^0*$/;

/** Whether a hex id is all zeros, which OTLP defines as invalid for trace and span ids. */
export function isZeroHex(hex: string): boolean {
  return ALL_ZEROS.test(hex);
}
