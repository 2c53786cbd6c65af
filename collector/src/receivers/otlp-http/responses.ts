/**
 * The OTLP/HTTP response bodies: Export*ServiceResponse (with partial_success) on
 * success and google.rpc.Status on error, in protobuf or JSON like the request.
 * The protobuf encoder is hand-written because these messages have four fields in all.
 */
import type { Signal } from '../../model/telemetry';
import type { OtlpFormat } from '../otlp/decode';

export const contentTypeOf: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The ExportPartialSuccess field that counts rejected items, per signal (OTLP/JSON names). */
const rejectedField: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** Appends a base-128 varint; `value` is a non-negative safe integer (int64 fields fit up to 2^53). */
function pushVarint(out: number[], value: number): void {
  let v = value;
  // Division rather than bit shifts: shifts would truncate values above 2^31.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function pushTag(out: number[], field: number, wireType: number): void {
  pushVarint(out, (field << 3) | wireType);
}

function pushBytes(out: number[], field: number, bytes: Uint8Array | number[]): void {
  pushTag(out, field, WIRE_LEN);
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** A varint field; proto3 omits zero, so do we. */
function pushVarintField(out: number[], field: number, value: number): void {
  if (value === 0) return;
  pushTag(out, field, WIRE_VARINT);
  pushVarint(out, value);
}

/** A string field; proto3 omits the empty string. */
function pushStringField(out: number[], field: number, value: string): void {
  if (value === '') return;
  pushBytes(out, field, Buffer.from(value, 'utf8'));
}

/**
 * The body of a 200: an empty Export*ServiceResponse, or one with partial_success
 * (field 1: rejected count int64 field 1, error_message string field 2) when items were rejected.
 */
export function exportResponseBody(
  signal: Signal,
  format: OtlpFormat,
  rejected: number,
  errorMessage: string,
): Buffer {
  if (format === 'json') {
    if (rejected <= 0) return Buffer.from('{}');
    // OTLP/JSON maps int64 to a decimal string.
    const partialSuccess = { [rejectedField[signal]]: String(rejected), errorMessage };
    return Buffer.from(JSON.stringify({ partialSuccess }));
  }
  if (rejected <= 0) return Buffer.alloc(0);
  const partial: number[] = [];
  pushVarintField(partial, 1, rejected);
  pushStringField(partial, 2, errorMessage);
  const out: number[] = [];
  pushBytes(out, 1, partial);
  return Buffer.from(out);
}

/** The body of an error response: google.rpc.Status (code int32 field 1, message string field 2). */
export function statusBody(format: OtlpFormat, grpcCode: number, message: string): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify({ code: grpcCode, message }));
  const out: number[] = [];
  pushVarintField(out, 1, grpcCode);
  pushStringField(out, 2, message);
  return Buffer.from(out);
}
