/**
 * Removes invalid items from a decoded batch and counts them, for OTLP partial success.
 * One mechanism for protobuf and JSON: both decoders yield ids as hex, so the checks here
 * see the same shapes whatever the wire format was.
 *
 * Rules:
 * - a span whose trace id is not 16 bytes or all zeros, or whose span id is not 8 bytes or
 *   all zeros, or whose parent span id is present but not 8 bytes, is rejected;
 * - a log record whose trace or span id is present but not 16 / 8 bytes is rejected; an
 *   all-zero id on a log record means "no trace context" and is cleared to '';
 * - a metric without a name or without data is rejected and counts as its data points (at
 *   least 1);
 * - data points with time_unix_nano 0 are kept: the spec says consumers SHOULD reject them,
 *   but some bridges leave it unset, and the exporter can stamp them with the receive time
 *   instead of silently losing the values.
 */
import type { LogRecord, Metric, Span, OtlpBatch } from '../../model/telemetry';
import type { DecodeResult } from './decode';
import { filterItems } from './signal-shape';
import { isZeroHex } from './hex';

const TRACE_ID_HEX_CHARS = 32;
const SPAN_ID_HEX_CHARS = 16;

/** Validates `batch` in place (invalid items are removed) and returns the partial-success result. */
export function validateBatch(batch: OtlpBatch): DecodeResult {
  const check = CHECKS[batch.signal];
  let accepted = 0;
  let rejected = 0;
  let firstProblem = '';
  filterItems(batch, (items, path) =>
    items.filter((item, k) => {
      const reason = check.problem(item);
      if (reason === undefined) {
        accepted += check.count(item);
        return true;
      }
      if (rejected === 0) firstProblem = `${reason} at ${path}[${k}]`;
      rejected += Math.max(1, check.count(item));
      return false;
    }),
  );
  const noun = rejected === 1 ? check.noun[0] : check.noun[1];
  const rejectedMessage = rejected === 0 ? '' : `${rejected} ${noun} rejected: ${firstProblem}`;
  return { batch, accepted, rejected, rejectedMessage };
}

interface ItemCheck {
  /** What `count` counts, [singular, plural]: the unit of `accepted` / `rejected`. */
  noun: [string, string];
  /** Why the item is invalid, or undefined when it is valid. May normalise the item. */
  problem(item: unknown): string | undefined;
  count(item: unknown): number;
}

const CHECKS: Readonly<Record<OtlpBatch['signal'], ItemCheck>> = {
  traces: { noun: ['span', 'spans'], problem: (item) => spanProblem(item as Span), count: () => 1 },
  metrics: {
    noun: ['data point', 'data points'],
    problem: (item) => metricProblem(item as Metric),
    count: (item) => (item as Metric).data?.dataPoints.length ?? 0,
  },
  logs: { noun: ['log record', 'log records'], problem: (item) => logRecordProblem(item as LogRecord), count: () => 1 },
};

function idProblem(what: string, hex: string, hexChars: number): string | undefined {
  if (hex.length !== hexChars) return `invalid ${what} (expected ${hexChars / 2} bytes, got ${hex.length / 2})`;
  if (isZeroHex(hex)) return `invalid ${what} (all zeros)`;
  return undefined;
}

function spanProblem(span: Span): string | undefined {
  return (
    idProblem('trace id', span.traceId, TRACE_ID_HEX_CHARS) ??
    idProblem('span id', span.spanId, SPAN_ID_HEX_CHARS) ??
    (span.parentSpanId === '' ? undefined : idProblem('parent span id', span.parentSpanId, SPAN_ID_HEX_CHARS))
  );
}

function logRecordProblem(record: LogRecord): string | undefined {
  if (isZeroHex(record.traceId)) record.traceId = '';
  if (isZeroHex(record.spanId)) record.spanId = '';
  return (
    (record.traceId === '' ? undefined : idProblem('trace id', record.traceId, TRACE_ID_HEX_CHARS)) ??
    (record.spanId === '' ? undefined : idProblem('span id', record.spanId, SPAN_ID_HEX_CHARS))
  );
}

function metricProblem(metric: Metric): string | undefined {
  if (metric.name === '') return 'metric without a name';
  if (metric.data === undefined) return `metric "${metric.name}" without data (no gauge, sum, histogram, exponential histogram or summary)`;
  return undefined;
}
