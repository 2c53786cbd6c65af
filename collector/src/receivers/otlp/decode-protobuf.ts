/**
 * Decodes OTLP/protobuf Export{Trace,Metrics,Logs}ServiceRequest bodies straight into the
 * telemetry model, without generated code. Field numbers follow opentelemetry-proto
 * (common/v1, resource/v1, trace/v1, metrics/v1, logs/v1 and the collector/{trace,metrics,logs}/v1 services).
 *
 * Each `case` is a full tag, (field number << 3) | wire type: a known field sent with the
 * wrong wire type falls through to `skip`, as unknown fields do (protobuf's rule).
 * Validation (ids, names) is not done here; see validate.ts.
 */
import {
  AggregationTemporality,
  type AnyValue,
  type Exemplar,
  type ExponentialBuckets,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type InstrumentationScope,
  type KeyValue,
  type LogRecord,
  type Metric,
  type MetricData,
  type NumberDataPoint,
  type Resource,
  type Signal,
  type Span,
  SpanKind,
  type SpanEvent,
  type SpanLink,
  StatusCode,
  type SummaryDataPoint,
  type TelemetryBatch,
} from '../../model/telemetry';
import { MAX_ANY_VALUE_DEPTH, toSeverityNumber, toSpanKind, toStatusCode, toTemporality } from './normalize';
import { ProtobufReader, WireType, malformed } from './protobuf-reader';
import { type ResourceLevel, type ScopeLevel, toBatch } from './signal-shape';

export function decodeProtobuf(signal: Signal, body: Uint8Array): TelemetryBatch {
  const r = new ProtobufReader(body);
  const readItem = ITEM_READERS[signal];
  // Export*ServiceRequest { repeated Resource* resource_* = 1; }
  const levels: ResourceLevel<unknown>[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) levels.push(readResourceLevel(r, readItem));
    else r.skip(tag);
  }
  return toBatch(signal, levels);
}

// ---- common/v1 and resource/v1 ----

function readAttribute(r: ProtobufReader, depth = 0): KeyValue {
  const outer = r.enterMessage();
  let key = '';
  let value: AnyValue = null;
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: key = r.internedString(); break;
      case (2 << 3) | 2: value = readAnyValue(r, depth); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return { key, value };
}

/** Reads a length-delimited AnyValue; an empty one (no oneof field set) is `null`. */
function readAnyValue(r: ProtobufReader, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw malformed(`values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels at byte ${r.pos}`);
  const outer = r.enterMessage();
  let value: AnyValue = null;
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: value = r.string(); break;
      case (2 << 3) | 0: value = r.bool(); break;
      case (3 << 3) | 0: value = r.int64(); break;
      case (4 << 3) | 1: value = r.double(); break;
      case (5 << 3) | 2: value = readValueList(r, depth + 1); break;
      case (6 << 3) | 2: value = { kvlist: readKeyValueList(r, depth + 1) }; break;
      case (7 << 3) | 2: value = r.bytesCopy(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return value;
}

/** ArrayValue { repeated AnyValue values = 1; } */
function readValueList(r: ProtobufReader, depth: number): AnyValue[] {
  const outer = r.enterMessage();
  const values: AnyValue[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) values.push(readAnyValue(r, depth));
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return values;
}

/** KeyValueList { repeated KeyValue values = 1; } */
function readKeyValueList(r: ProtobufReader, depth: number): KeyValue[] {
  const outer = r.enterMessage();
  const values: KeyValue[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) values.push(readAttribute(r, depth));
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return values;
}

function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

function readResource(r: ProtobufReader): Resource {
  const outer = r.enterMessage();
  const resource = emptyResource();
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: resource.attributes.push(readAttribute(r)); break;
      case (2 << 3) | 0: resource.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag); // entity_refs (3) and anything newer
    }
  }
  r.leaveMessage(outer);
  return resource;
}

function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

function readScope(r: ProtobufReader): InstrumentationScope {
  const outer = r.enterMessage();
  const scope = emptyScope();
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: scope.name = r.internedString(); break;
      case (2 << 3) | 2: scope.version = r.internedString(); break;
      case (3 << 3) | 2: scope.attributes.push(readAttribute(r)); break;
      case (4 << 3) | 0: scope.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return scope;
}

/**
 * The resource → scope → items nesting is identical for all signals: Resource* { resource = 1;
 * repeated Scope* = 2; schema_url = 3 } and Scope* { scope = 1; repeated item = 2; schema_url = 3 }.
 */
function readResourceLevel<T>(r: ProtobufReader, readItem: (r: ProtobufReader) => T): ResourceLevel<T> {
  const outer = r.enterMessage();
  const level: ResourceLevel<T> = { resource: emptyResource(), schemaUrl: '', scopes: [] };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: level.resource = readResource(r); break;
      case (2 << 3) | 2: level.scopes.push(readScopeLevel(r, readItem)); break;
      case (3 << 3) | 2: level.schemaUrl = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return level;
}

function readScopeLevel<T>(r: ProtobufReader, readItem: (r: ProtobufReader) => T): ScopeLevel<T> {
  const outer = r.enterMessage();
  const level: ScopeLevel<T> = { scope: emptyScope(), schemaUrl: '', items: [] };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: level.scope = readScope(r); break;
      case (2 << 3) | 2: level.items.push(readItem(r)); break;
      case (3 << 3) | 2: level.schemaUrl = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return level;
}

// ---- trace/v1 ----


function readSpan(r: ProtobufReader): Span {
  const outer = r.enterMessage();
  const span: Span = {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.UNSET, message: '' },
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: span.traceId = r.hex(); break;
      case (2 << 3) | 2: span.spanId = r.hex(); break;
      case (3 << 3) | 2: span.traceState = r.string(); break;
      case (4 << 3) | 2: span.parentSpanId = r.hex(); break;
      case (5 << 3) | 2: span.name = r.internedString(); break;
      case (6 << 3) | 0: span.kind = toSpanKind(r.int32()); break;
      case (7 << 3) | 1: span.startTimeUnixNano = r.fixed64BigInt(); break;
      case (8 << 3) | 1: span.endTimeUnixNano = r.fixed64BigInt(); break;
      case (9 << 3) | 2: span.attributes.push(readAttribute(r)); break;
      case (10 << 3) | 0: span.droppedAttributesCount = r.uint32(); break;
      case (11 << 3) | 2: span.events.push(readEvent(r)); break;
      case (12 << 3) | 0: span.droppedEventsCount = r.uint32(); break;
      case (13 << 3) | 2: span.links.push(readLink(r)); break;
      case (14 << 3) | 0: span.droppedLinksCount = r.uint32(); break;
      case (15 << 3) | 2: span.status = readStatus(r); break;
      case (16 << 3) | 5: span.flags = r.fixed32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return span;
}

function readEvent(r: ProtobufReader): SpanEvent {
  const outer = r.enterMessage();
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: event.timeUnixNano = r.fixed64BigInt(); break;
      case (2 << 3) | 2: event.name = r.internedString(); break;
      case (3 << 3) | 2: event.attributes.push(readAttribute(r)); break;
      case (4 << 3) | 0: event.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return event;
}

function readLink(r: ProtobufReader): SpanLink {
  const outer = r.enterMessage();
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: link.traceId = r.hex(); break;
      case (2 << 3) | 2: link.spanId = r.hex(); break;
      case (3 << 3) | 2: link.traceState = r.string(); break;
      case (4 << 3) | 2: link.attributes.push(readAttribute(r)); break;
      case (5 << 3) | 0: link.droppedAttributesCount = r.uint32(); break;
      case (6 << 3) | 5: link.flags = r.fixed32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return link;
}

/** Status { reserved 1; string message = 2; StatusCode code = 3; } */
function readStatus(r: ProtobufReader): Span['status'] {
  const outer = r.enterMessage();
  const status: Span['status'] = { code: StatusCode.UNSET, message: '' };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 2: status.message = r.string(); break;
      case (3 << 3) | 0: status.code = toStatusCode(r.int32()); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return status;
}

// ---- metrics/v1 ----


function readMetric(r: ProtobufReader): Metric {
  const outer = r.enterMessage();
  const metric: Metric = { name: '', description: '', unit: '', metadata: [], data: undefined };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: metric.name = r.internedString(); break;
      case (2 << 3) | 2: metric.description = r.internedString(); break;
      case (3 << 3) | 2: metric.unit = r.internedString(); break;
      case (5 << 3) | 2: metric.data = readMetricData(r, 'gauge'); break;
      case (7 << 3) | 2: metric.data = readMetricData(r, 'sum'); break;
      case (9 << 3) | 2: metric.data = readMetricData(r, 'histogram'); break;
      case (10 << 3) | 2: metric.data = readMetricData(r, 'exponential_histogram'); break;
      case (11 << 3) | 2: metric.data = readMetricData(r, 'summary'); break;
      case (12 << 3) | 2: metric.metadata.push(readAttribute(r)); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return metric;
}

/**
 * Gauge/Sum/Histogram/ExponentialHistogram/Summary share one layout: data_points = 1,
 * aggregation_temporality = 2 (not in Gauge/Summary), is_monotonic = 3 (Sum only).
 */
function readMetricData(r: ProtobufReader, type: MetricData['type']): MetricData {
  const outer = r.enterMessage();
  const points: unknown[] = [];
  let temporality: AggregationTemporality = AggregationTemporality.UNSPECIFIED;
  let isMonotonic = false;
  const readPoint = POINT_READERS[type];
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: points.push(readPoint(r)); break;
      case (2 << 3) | 0: temporality = toTemporality(r.int32()); break;
      case (3 << 3) | 0: isMonotonic = r.bool(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points as NumberDataPoint[] };
    case 'sum':
      return { type, dataPoints: points as NumberDataPoint[], aggregationTemporality: temporality, isMonotonic };
    case 'histogram':
      return { type, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
    case 'exponential_histogram':
      return { type, dataPoints: points as ExponentialHistogramDataPoint[], aggregationTemporality: temporality };
    case 'summary':
      return { type, dataPoints: points as SummaryDataPoint[] };
  }
}

const POINT_READERS: Record<MetricData['type'], (r: ProtobufReader) => unknown> = {
  gauge: readNumberPoint,
  sum: readNumberPoint,
  histogram: readHistogramPoint,
  exponential_histogram: readExponentialPoint,
  summary: readSummaryPoint,
};

function readNumberPoint(r: ProtobufReader): NumberDataPoint {
  const outer = r.enterMessage();
  const point: NumberDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    value: undefined,
    exemplars: [],
    flags: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.value = r.double(); break;
      case (5 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (6 << 3) | 1: point.value = r.sfixed64(); break;
      case (7 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (8 << 3) | 0: point.flags = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

function readHistogramPoint(r: ProtobufReader): HistogramDataPoint {
  const outer = r.enterMessage();
  const point: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
    min: undefined,
    max: undefined,
  };
  const pushBucketCount = () => point.bucketCounts.push(r.fixed64());
  const pushBound = () => point.explicitBounds.push(r.double());
  while (r.more()) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 6: r.repeated(tag, WireType.I64, pushBucketCount); continue;
      case 7: r.repeated(tag, WireType.I64, pushBound); continue;
    }
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (8 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (9 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (10 << 3) | 0: point.flags = r.uint32(); break;
      case (11 << 3) | 1: point.min = r.double(); break;
      case (12 << 3) | 1: point.max = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

function readExponentialPoint(r: ProtobufReader): ExponentialHistogramDataPoint {
  const outer = r.enterMessage();
  const point: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: undefined,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (6 << 3) | 0: point.scale = r.sint32(); break;
      case (7 << 3) | 1: point.zeroCount = r.fixed64(); break;
      case (8 << 3) | 2: point.positive = readBuckets(r); break;
      case (9 << 3) | 2: point.negative = readBuckets(r); break;
      case (10 << 3) | 0: point.flags = r.uint32(); break;
      case (11 << 3) | 2: point.exemplars.push(readExemplar(r)); break;
      case (12 << 3) | 1: point.min = r.double(); break;
      case (13 << 3) | 1: point.max = r.double(); break;
      case (14 << 3) | 1: point.zeroThreshold = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

/** Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2; } */
function readBuckets(r: ProtobufReader): ExponentialBuckets {
  const outer = r.enterMessage();
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  const pushCount = () => buckets.bucketCounts.push(r.uint64());
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 0)) buckets.offset = r.sint32();
    else if (tag >>> 3 === 2) r.repeated(tag, WireType.VARINT, pushCount);
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return buckets;
}

function readSummaryPoint(r: ProtobufReader): SummaryDataPoint {
  const outer = r.enterMessage();
  const point: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: point.startTimeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: point.timeUnixNano = r.fixed64BigInt(); break;
      case (4 << 3) | 1: point.count = r.fixed64(); break;
      case (5 << 3) | 1: point.sum = r.double(); break;
      case (6 << 3) | 2: point.quantileValues.push(readQuantile(r)); break;
      case (7 << 3) | 2: point.attributes.push(readAttribute(r)); break;
      case (8 << 3) | 0: point.flags = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return point;
}

/** ValueAtQuantile { double quantile = 1; double value = 2; } */
function readQuantile(r: ProtobufReader): { quantile: number; value: number } {
  const outer = r.enterMessage();
  const q = { quantile: 0, value: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: q.quantile = r.double(); break;
      case (2 << 3) | 1: q.value = r.double(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return q;
}

/** An exemplar that sets neither as_double nor as_int reads as value 0. */
function readExemplar(r: ProtobufReader): Exemplar {
  const outer = r.enterMessage();
  const exemplar: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, value: 0, spanId: '', traceId: '' };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 1: exemplar.timeUnixNano = r.fixed64BigInt(); break;
      case (3 << 3) | 1: exemplar.value = r.double(); break;
      case (4 << 3) | 2: exemplar.spanId = r.hex(); break;
      case (5 << 3) | 2: exemplar.traceId = r.hex(); break;
      case (6 << 3) | 1: exemplar.value = r.sfixed64(); break;
      case (7 << 3) | 2: exemplar.filteredAttributes.push(readAttribute(r)); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return exemplar;
}

// ---- logs/v1 ----


function readLogRecord(r: ProtobufReader): LogRecord {
  const outer = r.enterMessage();
  const record: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: record.timeUnixNano = r.fixed64BigInt(); break;
      case (2 << 3) | 0: record.severityNumber = toSeverityNumber(r.int32()); break;
      case (3 << 3) | 2: record.severityText = r.internedString(); break;
      case (5 << 3) | 2: record.body = readAnyValue(r, 0); break;
      case (6 << 3) | 2: record.attributes.push(readAttribute(r)); break;
      case (7 << 3) | 0: record.droppedAttributesCount = r.uint32(); break;
      case (8 << 3) | 5: record.flags = r.fixed32(); break;
      case (9 << 3) | 2: record.traceId = r.hex(); break;
      case (10 << 3) | 2: record.spanId = r.hex(); break;
      case (11 << 3) | 1: record.observedTimeUnixNano = r.fixed64BigInt(); break;
      case (12 << 3) | 2: record.eventName = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return record;
}


const ITEM_READERS: Record<Signal, (r: ProtobufReader) => unknown> = {
  traces: readSpan,
  metrics: readMetric,
  logs: readLogRecord,
};
