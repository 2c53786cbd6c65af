/**
 * Bounds that both decoders apply to decoded values: enum numbers outside the known range
 * (a newer or broken sender) become the model's "unspecified", and value nesting is capped.
 */
import { AggregationTemporality, SpanKind, StatusCode } from '../../model/telemetry';

/**
 * AnyValue arrays and kvlists nest; a hostile body could nest them deep enough to overflow
 * the stack, so nesting is capped well above anything a real sender produces.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

export function toSpanKind(n: number): SpanKind {
  return n >= 0 && n <= 5 ? (n as SpanKind) : SpanKind.UNSPECIFIED;
}

export function toStatusCode(n: number): StatusCode {
  return n === 1 || n === 2 ? n : StatusCode.UNSET;
}

export function toTemporality(n: number): AggregationTemporality {
  return n === 1 || n === 2 ? n : AggregationTemporality.UNSPECIFIED;
}

/** OTLP SeverityNumber runs from 0 (unspecified) to 24 (FATAL4). */
export function toSeverityNumber(n: number): number {
  return n >= 0 && n <= 24 ? n : 0;
}
