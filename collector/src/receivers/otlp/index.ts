/** OTLP request decoding (protobuf and JSON) with validation, for the OTLP receivers. */
import type { Signal } from '../../model/telemetry';
import type { DecodeResult, OtlpFormat } from './decode';
import { decodeJson } from './decode-json';
import { decodeProtobuf } from './decode-protobuf';
import { validateBatch } from './validate';

export type { DecodeResult, OtlpFormat } from './decode';

/**
 * Decodes one Export{Trace,Metrics,Logs}ServiceRequest body (already decompressed) and
 * removes invalid items, counting them for the OTLP partial-success response.
 *
 * Called by the OTLP receivers once per request, synchronously; it does no I/O.
 * @throws HermesError HERMES_ERR_BAD_REQUEST when the body cannot be decoded; the message
 *   names the byte offset (protobuf) or the JSON path of the problem.
 */
export function decodeOtlp(signal: Signal, format: OtlpFormat, body: Uint8Array): DecodeResult {
  const batch = format === 'protobuf' ? decodeProtobuf(signal, body) : decodeJson(signal, body);
  return validateBatch(batch);
}
