/**
 * The decoded OTLP data model that flows through the pipeline.
 *
 * It mirrors OTLP's resource → scope → item nesting so analyzers see exactly what
 * the sender sent; translation into the hermes schema happens only in exporters.
 * Ids are lowercase hex strings (empty when absent), timestamps are nanoseconds
 * since the epoch as bigint (they exceed 2^53), and 64-bit integers that are
 * counts or attribute values are plain numbers (exact up to 2^53).
 */

/** An OTLP AnyValue. Integers and doubles are both `number`; bytes are `Uint8Array`. */
export type AnyValue = string | number | boolean | Uint8Array | AnyValue[] | KeyValueList | null;

/** OTLP's kvlist_value, kept distinct from arrays so it round-trips as a map. */
export interface KeyValueList {
  readonly kvlist: KeyValue[];
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

// ---- traces ----

/** OTLP Span.SpanKind numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP Status.StatusCode numbers. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: { code: StatusCode; message: string };
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

// ---- metrics ----

/** OTLP AggregationTemporality numbers. */
export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;
export type AggregationTemporality =
  (typeof AggregationTemporality)[keyof typeof AggregationTemporality];

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  value: number;
  spanId: string;
  traceId: string;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** as_double or as_int; `undefined` when the sender set neither. */
  value: number | undefined;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  /** Per-bucket (not cumulative) counts, one more than explicitBounds. */
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
  flags: number;
}

export type MetricData =
  | { type: 'gauge'; dataPoints: NumberDataPoint[] }
  | {
      type: 'sum';
      dataPoints: NumberDataPoint[];
      aggregationTemporality: AggregationTemporality;
      isMonotonic: boolean;
    }
  | {
      type: 'histogram';
      dataPoints: HistogramDataPoint[];
      aggregationTemporality: AggregationTemporality;
    }
  | {
      type: 'exponential_histogram';
      dataPoints: ExponentialHistogramDataPoint[];
      aggregationTemporality: AggregationTemporality;
    }
  | { type: 'summary'; dataPoints: SummaryDataPoint[] };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  metadata: KeyValue[];
  /** `undefined` when the sender set no data kind (such a metric is rejected). */
  data: MetricData | undefined;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl: string;
  scopeMetrics: ScopeMetrics[];
}

// ---- logs ----

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** OTLP SeverityNumber, 0 (unspecified) to 24 (FATAL4). */
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  logRecords: LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  schemaUrl: string;
  scopeLogs: ScopeLogs[];
}

// ---- batches ----

/** The OTLP signals a receiver decodes. */
export type Signal = 'traces' | 'metrics' | 'logs';

export interface TracesBatch {
  signal: 'traces';
  resourceSpans: ResourceSpans[];
}

export interface MetricsBatch {
  signal: 'metrics';
  resourceMetrics: ResourceMetrics[];
}

export interface LogsBatch {
  signal: 'logs';
  resourceLogs: ResourceLogs[];
}

/**
 * A record Hermes derives itself (a deployment, an error issue occurrence, a RED metric),
 * already shaped as one hermes-schema point. Analyzers and API routes emit these through
 * the same consumer interface as decoded telemetry, so storage stays the exporter's job.
 */
export interface HermesRecord {
  measurement: string;
  /** Low-cardinality dimensions only (see docs/schema.md); empty values are left out. */
  tags: Record<string, string>;
  /** number is stored as a float, bigint as an integer. */
  fields: Record<string, string | number | boolean | bigint>;
  timeUnixNano: bigint;
  /**
   * What makes this record distinct from others in the same series and time (e.g. an
   * occurrence id); writing a record with the same identity again overwrites it.
   */
  identity: string;
}

/** What an OTLP request decodes to. */
export type OtlpBatch = TracesBatch | MetricsBatch | LogsBatch;

export interface RecordsBatch {
  signal: 'records';
  records: HermesRecord[];
}

/** One request's worth of telemetry of one signal, or records Hermes derived. */
export type TelemetryBatch = OtlpBatch | RecordsBatch;
