/**
 * The write-ahead log's record format. A segment file is a sequence of records:
 *
 *   u32 payload length | u32 line count | f64 published-at epoch ms | u32 crc32 | payload
 *
 * little-endian; the CRC covers the line count, the time and the payload, so a torn or
 * corrupt record is found by reading, never trusted.
 */
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 20;
/** Larger than any batch Hermes takes (bodies are capped well below); a length above it is corruption. */
export const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

export function recordHeader(payload: Buffer, lines: number, publishedAtMs: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(lines, 4);
  header.writeDoubleLE(publishedAtMs, 8);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(4, 16))), 16);
  return header;
}

export interface ParsedRecord {
  offset: number;
  length: number;
  lines: number;
  publishedAtMs: number;
  payload: Buffer;
}

/**
 * Reads the records of a segment's bytes in order. Stops at the first record that is
 * incomplete or fails its checksum: `validBytes` is where the good records end.
 */
export function parseRecords(bytes: Buffer): { records: ParsedRecord[]; validBytes: number } {
  const records: ParsedRecord[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32LE(offset);
    const end = offset + HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || end > bytes.length) break;
    const payload = bytes.subarray(offset + HEADER_BYTES, end);
    const expected = bytes.readUInt32LE(offset + 16);
    if (crc32(payload, crc32(bytes.subarray(offset + 4, offset + 16))) !== expected) break;
    records.push({ offset, length, lines: bytes.readUInt32LE(offset + 4), publishedAtMs: bytes.readDoubleLE(offset + 8), payload });
    offset = end;
  }
  return { records, validBytes: offset };
}
