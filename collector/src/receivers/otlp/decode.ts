/**
 * The OTLP decoding contract shared by the HTTP receiver (and, later, gRPC): bytes of
 * one Export*ServiceRequest in, a validated batch plus partial-success counts out.
 */
import type { OtlpBatch } from '../../model/telemetry';

export type OtlpFormat = 'protobuf' | 'json';

export interface DecodeResult {
  /** Only the valid items; invalid ones are removed and counted in `rejected`. */
  batch: OtlpBatch;
  /** Items (spans, data points, log records) in `batch`. */
  accepted: number;
  /** Items dropped as invalid (e.g. a span with a zero trace id). */
  rejected: number;
  /** Why items were rejected; empty when none were. */
  rejectedMessage: string;
}
