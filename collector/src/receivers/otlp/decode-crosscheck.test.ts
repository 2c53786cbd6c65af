/**
 * Cross-checks Hermes' hand-written OTLP/protobuf decoder (`decodeOtlp`) against an independent
 * one: the protobufjs static code generated from the official opentelemetry-proto files that
 * @opentelemetry/otlp-transformer 0.203.0 ships (devDependency `otlp-proto-reference`).
 *
 * Random requests of every signal are encoded by the reference encoder (and, in the other
 * direction, by the test writer with unpacked repeats and unknown fields), decoded by both, and
 * compared field by field once the reference's representations (Long, byte arrays, null
 * defaults) are mapped onto the model's (bigint nanos, numbers, hex ids, '' / 0 defaults).
 * Validation is checked against the README's rules, written again here from scratch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import referenceRoot from 'otlp-proto-reference/build/src/generated/root';
import type {
  AnyValue,
  Exemplar,
  ExponentialBuckets,
  InstrumentationScope,
  KeyValue,
  LogRecord,
  LogsBatch,
  Metric,
  MetricData,
  OtlpBatch,
  Resource,
  Signal,
  Span,
} from '../../model/telemetry';
import { decodeOtlp } from './index';
import { ProtobufWriter } from './testdata/protobuf-writer';

// ---- the reference decoder's message shapes (what protobufjs encodes from and decodes to) ----

/** A 64-bit integer as the reference takes it (a decimal string) or returns it (a Long). */
type Int64 = string | { low: number; high: number };
/** A field the reference may leave unset: absent (generated) or null (its decoded default). */
type Opt<T> = T | null | undefined;

interface RefAnyValue {
  stringValue?: Opt<string>;
  boolValue?: Opt<boolean>;
  intValue?: Opt<Int64>;
  doubleValue?: Opt<number>;
  arrayValue?: Opt<{ values?: RefAnyValue[] }>;
  kvlistValue?: Opt<{ values?: RefKeyValue[] }>;
  bytesValue?: Opt<Uint8Array>;
}
interface RefKeyValue { key?: Opt<string>; value?: Opt<RefAnyValue> }
interface RefResource { attributes?: RefKeyValue[]; droppedAttributesCount?: Opt<number> }
interface RefScope { name?: Opt<string>; version?: Opt<string>; attributes?: RefKeyValue[]; droppedAttributesCount?: Opt<number> }

interface RefEvent { timeUnixNano?: Opt<Int64>; name?: Opt<string>; attributes?: RefKeyValue[]; droppedAttributesCount?: Opt<number> }
interface RefLink {
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  traceState?: Opt<string>;
  attributes?: RefKeyValue[];
  droppedAttributesCount?: Opt<number>;
  flags?: Opt<number>;
}
interface RefSpan {
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  traceState?: Opt<string>;
  parentSpanId?: Opt<Uint8Array>;
  flags?: Opt<number>;
  name?: Opt<string>;
  kind?: Opt<number>;
  startTimeUnixNano?: Opt<Int64>;
  endTimeUnixNano?: Opt<Int64>;
  attributes?: RefKeyValue[];
  droppedAttributesCount?: Opt<number>;
  events?: RefEvent[];
  droppedEventsCount?: Opt<number>;
  links?: RefLink[];
  droppedLinksCount?: Opt<number>;
  status?: Opt<{ message?: Opt<string>; code?: Opt<number> }>;
}

interface RefExemplar {
  filteredAttributes?: RefKeyValue[];
  timeUnixNano?: Opt<Int64>;
  asDouble?: Opt<number>;
  asInt?: Opt<Int64>;
  spanId?: Opt<Uint8Array>;
  traceId?: Opt<Uint8Array>;
}
interface RefPointBase { attributes?: RefKeyValue[]; startTimeUnixNano?: Opt<Int64>; timeUnixNano?: Opt<Int64>; flags?: Opt<number> }
interface RefNumberPoint extends RefPointBase { asDouble?: Opt<number>; asInt?: Opt<Int64>; exemplars?: RefExemplar[] }
interface RefHistogramPoint extends RefPointBase {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
  exemplars?: RefExemplar[];
  min?: Opt<number>;
  max?: Opt<number>;
}
interface RefBuckets { offset?: Opt<number>; bucketCounts?: Int64[] }
interface RefExponentialPoint extends RefPointBase {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  scale?: Opt<number>;
  zeroCount?: Opt<Int64>;
  positive?: Opt<RefBuckets>;
  negative?: Opt<RefBuckets>;
  exemplars?: RefExemplar[];
  min?: Opt<number>;
  max?: Opt<number>;
  zeroThreshold?: Opt<number>;
}
interface RefSummaryPoint extends RefPointBase {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  quantileValues?: { quantile?: Opt<number>; value?: Opt<number> }[];
}
interface RefMetric {
  name?: Opt<string>;
  description?: Opt<string>;
  unit?: Opt<string>;
  metadata?: RefKeyValue[];
  gauge?: Opt<{ dataPoints?: RefNumberPoint[] }>;
  sum?: Opt<{ dataPoints?: RefNumberPoint[]; aggregationTemporality?: Opt<number>; isMonotonic?: Opt<boolean> }>;
  histogram?: Opt<{ dataPoints?: RefHistogramPoint[]; aggregationTemporality?: Opt<number> }>;
  exponentialHistogram?: Opt<{ dataPoints?: RefExponentialPoint[]; aggregationTemporality?: Opt<number> }>;
  summary?: Opt<{ dataPoints?: RefSummaryPoint[] }>;
}

interface RefLogRecord {
  timeUnixNano?: Opt<Int64>;
  observedTimeUnixNano?: Opt<Int64>;
  severityNumber?: Opt<number>;
  severityText?: Opt<string>;
  body?: Opt<RefAnyValue>;
  attributes?: RefKeyValue[];
  droppedAttributesCount?: Opt<number>;
  flags?: Opt<number>;
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  eventName?: Opt<string>;
}

/** The resource → scope → items nesting, one generic shape for the three request types. */
interface RefScopeLevel<T> { scope?: Opt<RefScope>; schemaUrl?: Opt<string>; items: T[] }
interface RefResourceLevel<T> { resource?: Opt<RefResource>; schemaUrl?: Opt<string>; scopes: RefScopeLevel<T>[] }
interface RefItems { traces: RefSpan; metrics: RefMetric; logs: RefLogRecord }
type RefRequest = Record<string, Record<string, unknown>[] | undefined>;

interface ReferenceType {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
}
interface ReferenceRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ReferenceType } };
        metrics: { v1: { ExportMetricsServiceRequest: ReferenceType } };
        logs: { v1: { ExportLogsServiceRequest: ReferenceType } };
      };
      common: { v1: { AnyValue: ReferenceType } };
    };
  };
}
const reference = (referenceRoot as unknown as ReferenceRoot).opentelemetry.proto;
const REFERENCE_REQUEST: Record<Signal, ReferenceType> = {
  traces: reference.collector.trace.v1.ExportTraceServiceRequest,
  metrics: reference.collector.metrics.v1.ExportMetricsServiceRequest,
  logs: reference.collector.logs.v1.ExportLogsServiceRequest,
};

/** Request field names per signal, as in the .proto files (camelCase, as protobufjs spells them). */
const KEYS: Record<Signal, { resources: string; scopes: string; items: string }> = {
  traces: { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
  metrics: { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' },
  logs: { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
};

function toRequest<S extends Signal>(signal: S, levels: RefResourceLevel<RefItems[S]>[]): RefRequest {
  const k = KEYS[signal];
  return {
    [k.resources]: levels.map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      [k.scopes]: r.scopes.map((s) => ({ scope: s.scope, schemaUrl: s.schemaUrl, [k.items]: s.items })),
    })),
  };
}

function fromRequest<S extends Signal>(signal: S, request: RefRequest): RefResourceLevel<RefItems[S]>[] {
  const k = KEYS[signal];
  return (request[k.resources] ?? []).map((r) => ({
    resource: r.resource as Opt<RefResource>,
    schemaUrl: r.schemaUrl as Opt<string>,
    scopes: ((r[k.scopes] ?? []) as Record<string, unknown>[]).map((s) => ({
      scope: s.scope as Opt<RefScope>,
      schemaUrl: s.schemaUrl as Opt<string>,
      items: (s[k.items] ?? []) as RefItems[S][],
    })),
  }));
}

// ---- reference representation → model (no validation) ----

const str = (s: Opt<string>): string => s ?? '';
const num = (n: Opt<number>): number => n ?? 0;
/** The 64 bits of an Int64, unsigned. */
function bits(v: Opt<Int64>): bigint {
  if (v == null) return 0n;
  if (typeof v === 'string') return BigInt.asUintN(64, BigInt(v));
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}
/** fixed64 / uint64 as the model keeps timestamps. */
const nanos = (v: Opt<Int64>): bigint => bits(v);
/** uint64 counts: the model's numbers, exact to 2^53 and rounded to nearest above. */
const count = (v: Opt<Int64>): number => Number(bits(v));
/** int64 / sfixed64 values as numbers. */
const signed = (v: Opt<Int64>): number => Number(BigInt.asIntN(64, bits(v)));
/** Byte ids as lowercase hex, spelled out here rather than with Buffer (which Hermes uses). */
const hex = (b: Opt<Uint8Array>): string => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : '');
const opt = (d: Opt<number>): number | undefined => d ?? undefined;

function anyValue(v: Opt<RefAnyValue>): AnyValue {
  if (v == null) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return signed(v.intValue);
  if (v.doubleValue != null) return v.doubleValue;
  if (v.arrayValue != null) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue != null) return { kvlist: attributes(v.kvlistValue.values) };
  if (v.bytesValue != null) return Uint8Array.from(v.bytesValue);
  return null;
}

function attributes(list: RefKeyValue[] | undefined): KeyValue[] {
  return (list ?? []).map((kv) => ({ key: str(kv.key), value: anyValue(kv.value) }));
}

function resource(r: Opt<RefResource>): Resource {
  return { attributes: attributes(r?.attributes), droppedAttributesCount: num(r?.droppedAttributesCount) };
}

function scope(s: Opt<RefScope>): InstrumentationScope {
  return { name: str(s?.name), version: str(s?.version), attributes: attributes(s?.attributes), droppedAttributesCount: num(s?.droppedAttributesCount) };
}

function span(s: RefSpan): Span {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    traceState: str(s.traceState),
    parentSpanId: hex(s.parentSpanId),
    flags: num(s.flags),
    name: str(s.name),
    kind: num(s.kind) as Span['kind'],
    startTimeUnixNano: nanos(s.startTimeUnixNano),
    endTimeUnixNano: nanos(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    droppedAttributesCount: num(s.droppedAttributesCount),
    events: (s.events ?? []).map((e) => ({
      timeUnixNano: nanos(e.timeUnixNano),
      name: str(e.name),
      attributes: attributes(e.attributes),
      droppedAttributesCount: num(e.droppedAttributesCount),
    })),
    droppedEventsCount: num(s.droppedEventsCount),
    links: (s.links ?? []).map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: str(l.traceState),
      attributes: attributes(l.attributes),
      droppedAttributesCount: num(l.droppedAttributesCount),
      flags: num(l.flags),
    })),
    droppedLinksCount: num(s.droppedLinksCount),
    status: { code: num(s.status?.code) as Span['status']['code'], message: str(s.status?.message) },
  };
}

function exemplar(e: RefExemplar): Exemplar {
  return {
    filteredAttributes: attributes(e.filteredAttributes),
    timeUnixNano: nanos(e.timeUnixNano),
    value: e.asDouble ?? (e.asInt != null ? signed(e.asInt) : 0),
    spanId: hex(e.spanId),
    traceId: hex(e.traceId),
  };
}

function buckets(b: Opt<RefBuckets>): ExponentialBuckets {
  return { offset: num(b?.offset), bucketCounts: (b?.bucketCounts ?? []).map(count) };
}

function metricData(m: RefMetric): MetricData | undefined {
  const kinds = [m.gauge, m.sum, m.histogram, m.exponentialHistogram, m.summary].filter((k) => k != null);
  if (kinds.length > 1) throw new Error('the generators set one data kind per metric');
  const points = <P extends RefPointBase, T>(list: P[] | undefined, rest: (p: P) => T) =>
    (list ?? []).map((p) => ({ attributes: attributes(p.attributes), startTimeUnixNano: nanos(p.startTimeUnixNano), timeUnixNano: nanos(p.timeUnixNano), flags: num(p.flags), ...rest(p) }));
  const numberPoint = (p: RefNumberPoint) => ({ value: p.asDouble ?? (p.asInt != null ? signed(p.asInt) : undefined), exemplars: (p.exemplars ?? []).map(exemplar) });
  if (m.gauge != null) return { type: 'gauge', dataPoints: points(m.gauge.dataPoints, numberPoint) };
  if (m.sum != null) {
    const temporality = num(m.sum.aggregationTemporality) as 0 | 1 | 2;
    return { type: 'sum', dataPoints: points(m.sum.dataPoints, numberPoint), aggregationTemporality: temporality, isMonotonic: m.sum.isMonotonic ?? false };
  }
  if (m.histogram != null) {
    const dataPoints = points(m.histogram.dataPoints, (p) => ({
      count: count(p.count),
      sum: opt(p.sum),
      bucketCounts: (p.bucketCounts ?? []).map(count),
      explicitBounds: [...(p.explicitBounds ?? [])],
      exemplars: (p.exemplars ?? []).map(exemplar),
      min: opt(p.min),
      max: opt(p.max),
    }));
    return { type: 'histogram', dataPoints, aggregationTemporality: num(m.histogram.aggregationTemporality) as 0 | 1 | 2 };
  }
  if (m.exponentialHistogram != null) {
    const dataPoints = points(m.exponentialHistogram.dataPoints, (p) => ({
      count: count(p.count),
      sum: opt(p.sum),
      scale: num(p.scale),
      zeroCount: count(p.zeroCount),
      positive: buckets(p.positive),
      negative: buckets(p.negative),
      exemplars: (p.exemplars ?? []).map(exemplar),
      min: opt(p.min),
      max: opt(p.max),
      zeroThreshold: num(p.zeroThreshold),
    }));
    return { type: 'exponential_histogram', dataPoints, aggregationTemporality: num(m.exponentialHistogram.aggregationTemporality) as 0 | 1 | 2 };
  }
  if (m.summary != null) {
    const dataPoints = points(m.summary.dataPoints, (p) => ({
      count: count(p.count),
      sum: num(p.sum),
      quantileValues: (p.quantileValues ?? []).map((q) => ({ quantile: num(q.quantile), value: num(q.value) })),
    }));
    return { type: 'summary', dataPoints };
  }
  return undefined;
}

function metric(m: RefMetric): Metric {
  return { name: str(m.name), description: str(m.description), unit: str(m.unit), metadata: attributes(m.metadata), data: metricData(m) };
}

function logRecord(l: RefLogRecord): LogRecord {
  return {
    timeUnixNano: nanos(l.timeUnixNano),
    observedTimeUnixNano: nanos(l.observedTimeUnixNano),
    severityNumber: num(l.severityNumber),
    severityText: str(l.severityText),
    body: anyValue(l.body),
    attributes: attributes(l.attributes),
    droppedAttributesCount: num(l.droppedAttributesCount),
    flags: num(l.flags),
    traceId: hex(l.traceId),
    spanId: hex(l.spanId),
    eventName: str(l.eventName),
  };
}

/** What decodeOtlp should return for a request, partial-success counts included. */
interface Expected { batch: OtlpBatch; accepted: number; rejected: number }

/** Converts each item and applies validation; `check` says whether an item is kept and how many it counts. */
function expectedBatch<S extends Signal, T>(
  signal: S,
  request: RefRequest,
  convert: (item: RefItems[S]) => T,
  check: (item: T) => { valid: boolean; count: number },
): Expected {
  const k = KEYS[signal];
  let accepted = 0;
  let rejected = 0;
  const resources = fromRequest(signal, request).map((r) => ({
    resource: resource(r.resource),
    schemaUrl: str(r.schemaUrl),
    [k.scopes]: r.scopes.map((s) => ({
      scope: scope(s.scope),
      schemaUrl: str(s.schemaUrl),
      [k.items]: s.items.map(convert).filter((item) => {
        const { valid, count: n } = check(item);
        if (valid) accepted += n;
        else rejected += Math.max(1, n);
        return valid;
      }),
    })),
  }));
  return { batch: { signal, [k.resources]: resources } as unknown as OtlpBatch, accepted, rejected };
}

/** The README's validation rules, restated: ids of the right size and not all zeros. */
const isId = (id: string, bytes: number) => id.length === bytes * 2 && /[^0]/.test(id);

const EXPECTED: Record<Signal, (request: RefRequest) => Expected> = {
  traces: (request) =>
    expectedBatch('traces', request, span, (s) => ({
      valid: isId(s.traceId, 16) && isId(s.spanId, 8) && (s.parentSpanId === '' || isId(s.parentSpanId, 8)),
      count: 1,
    })),
  metrics: (request) =>
    expectedBatch('metrics', request, metric, (m) => ({ valid: m.name !== '' && m.data !== undefined, count: m.data?.dataPoints.length ?? 0 })),
  logs: (request) =>
    expectedBatch('logs', request, logRecord, (l) => {
      // An all-zero id on a log record means "no trace context".
      if (!/[^0]/.test(l.traceId)) l.traceId = '';
      if (!/[^0]/.test(l.spanId)) l.spanId = '';
      return { valid: (l.traceId === '' || isId(l.traceId, 16)) && (l.spanId === '' || isId(l.spanId, 8)), count: 1 };
    }),
};

// ---- generators, in the reference's shapes ----

const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
const uint32 = fc.nat({ max: 0xffffffff });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
/** Small values most of the time, the whole 64-bit range (beyond 2^53) otherwise. */
const uint64 = fc.oneof(fc.bigInt({ min: 0n, max: 5000n }), fc.bigInt({ min: 0n, max: 0xffffffffffffffffn })).map(String);
const int64 = fc.oneof(fc.bigInt({ min: -5000n, max: 5000n }), fc.bigInt({ min: -0x8000000000000000n, max: 0x7fffffffffffffffn })).map(String);
const double = fc.double(); // NaN, ±Infinity and -0 included
const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const validId = (n: number) => bytesOf(n).filter((b) => b.some((x) => x !== 0));
/** Mostly valid ids, sometimes all zeros or of a wrong length, which validation must reject. */
const someId = (n: number) =>
  fc.oneof({ weight: 8, arbitrary: validId(n) }, { weight: 1, arbitrary: fc.constant(new Uint8Array(n)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) });

const { anyValue: anyValueArb, keyValue: keyValueArb } = fc.letrec((tie) => ({
  anyValue: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'anyValue' },
    fc.record({ stringValue: text }),
    fc.record({ boolValue: fc.boolean() }),
    fc.record({ intValue: int64 }),
    fc.record({ doubleValue: double }),
    fc.record({ bytesValue: fc.uint8Array({ maxLength: 8 }) }),
    fc.constant({}),
    fc.record({ arrayValue: fc.record({ values: fc.array(tie('anyValue') as fc.Arbitrary<RefAnyValue>, { maxLength: 3 }) }) }),
    fc.record({ kvlistValue: fc.record({ values: fc.array(tie('keyValue') as fc.Arbitrary<RefKeyValue>, { maxLength: 3 }) }) }),
  ) as fc.Arbitrary<RefAnyValue>,
  keyValue: fc.record({ key: text, value: tie('anyValue') as fc.Arbitrary<RefAnyValue> }, { requiredKeys: ['key'] }) as fc.Arbitrary<RefKeyValue>,
}));
const attrs = fc.array(keyValueArb, { maxLength: 3 });

const resourceArb: fc.Arbitrary<RefResource> = fc.record({ attributes: attrs, droppedAttributesCount: uint32 }, { requiredKeys: [] });
const scopeArb: fc.Arbitrary<RefScope> = fc.record({ name: text, version: text, attributes: attrs, droppedAttributesCount: uint32 }, { requiredKeys: [] });

function requestArb<T>(item: fc.Arbitrary<T>): fc.Arbitrary<RefResourceLevel<T>[]> {
  const scopeLevel = fc.record({ scope: scopeArb, schemaUrl: text, items: fc.array(item, { maxLength: 3 }) }, { requiredKeys: ['items'] });
  return fc.array(fc.record({ resource: resourceArb, schemaUrl: text, scopes: fc.array(scopeLevel, { maxLength: 2 }) }, { requiredKeys: ['scopes'] }), {
    minLength: 1,
    maxLength: 2,
  });
}

const spanArb: fc.Arbitrary<RefSpan> = fc.record(
  {
    traceId: someId(16),
    spanId: someId(8),
    traceState: text,
    parentSpanId: fc.oneof(fc.constant(new Uint8Array(0)), validId(8), fc.uint8Array({ maxLength: 12 })),
    flags: uint32,
    name: text,
    kind: fc.integer({ min: 0, max: 5 }),
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes: attrs,
    droppedAttributesCount: uint32,
    events: fc.array(fc.record({ timeUnixNano: uint64, name: text, attributes: attrs, droppedAttributesCount: uint32 }, { requiredKeys: [] }), { maxLength: 2 }),
    droppedEventsCount: uint32,
    links: fc.array(
      fc.record({ traceId: validId(16), spanId: validId(8), traceState: text, attributes: attrs, droppedAttributesCount: uint32, flags: uint32 }, { requiredKeys: [] }),
      { maxLength: 2 },
    ),
    droppedLinksCount: uint32,
    status: fc.record({ message: text, code: fc.constantFrom(0, 1, 2) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['traceId', 'spanId'] },
);

/** A oneof: the base record plus at most one of the alternatives. */
const withOneOf = <T extends object>(base: fc.Arbitrary<T>, ...alternatives: fc.Arbitrary<Partial<T>>[]): fc.Arbitrary<T> =>
  fc.tuple(base, fc.oneof(fc.constant({}), ...alternatives)).map(([b, alt]) => ({ ...b, ...alt }));

const exemplarArb = withOneOf<RefExemplar>(
  fc.record({ filteredAttributes: attrs, timeUnixNano: uint64, spanId: fc.oneof(bytesOf(8), fc.constant(new Uint8Array(0))), traceId: fc.oneof(bytesOf(16), fc.constant(new Uint8Array(0))) }, { requiredKeys: [] }),
  fc.record({ asDouble: double }),
  fc.record({ asInt: int64 }),
);
const exemplars = fc.array(exemplarArb, { maxLength: 2 });
const pointBase = { attributes: attrs, startTimeUnixNano: uint64, timeUnixNano: uint64, flags: uint32 };
const numberPointArb = withOneOf<RefNumberPoint>(
  fc.record({ ...pointBase, exemplars }, { requiredKeys: [] }),
  fc.record({ asDouble: double }),
  fc.record({ asInt: int64 }),
);
const histogramPointArb: fc.Arbitrary<RefHistogramPoint> = fc.record(
  { ...pointBase, count: uint64, sum: double, bucketCounts: fc.array(uint64, { maxLength: 5 }), explicitBounds: fc.array(double, { maxLength: 4 }), exemplars, min: double, max: double },
  { requiredKeys: [] },
);
const bucketsArb: fc.Arbitrary<RefBuckets> = fc.record({ offset: int32, bucketCounts: fc.array(uint64, { maxLength: 5 }) }, { requiredKeys: [] });
const exponentialPointArb: fc.Arbitrary<RefExponentialPoint> = fc.record(
  { ...pointBase, count: uint64, sum: double, scale: int32, zeroCount: uint64, positive: bucketsArb, negative: bucketsArb, exemplars, min: double, max: double, zeroThreshold: double },
  { requiredKeys: [] },
);
const summaryPointArb: fc.Arbitrary<RefSummaryPoint> = fc.record(
  { ...pointBase, count: uint64, sum: double, quantileValues: fc.array(fc.record({ quantile: double, value: double }, { requiredKeys: [] }), { maxLength: 3 }) },
  { requiredKeys: [] },
);
const temporality = fc.constantFrom(0, 1, 2);
const points = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 3 });
const metricArb = withOneOf<RefMetric>(
  fc.record({ name: fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.constant('') }), description: text, unit: text, metadata: attrs }, { requiredKeys: [] }),
  fc.record({ gauge: fc.record({ dataPoints: points(numberPointArb) }) }),
  fc.record({ sum: fc.record({ dataPoints: points(numberPointArb), aggregationTemporality: temporality, isMonotonic: fc.boolean() }, { requiredKeys: [] }) }),
  fc.record({ histogram: fc.record({ dataPoints: points(histogramPointArb), aggregationTemporality: temporality }, { requiredKeys: [] }) }),
  fc.record({ exponentialHistogram: fc.record({ dataPoints: points(exponentialPointArb), aggregationTemporality: temporality }, { requiredKeys: [] }) }),
  fc.record({ summary: fc.record({ dataPoints: points(summaryPointArb) }) }),
);

const logIdArb = (n: number) => fc.oneof(fc.constant(new Uint8Array(0)), someId(n));
const logRecordArb: fc.Arbitrary<RefLogRecord> = fc.record(
  {
    timeUnixNano: uint64,
    observedTimeUnixNano: uint64,
    severityNumber: fc.integer({ min: 0, max: 24 }),
    severityText: text,
    body: anyValueArb,
    attributes: attrs,
    droppedAttributesCount: uint32,
    flags: uint32,
    traceId: logIdArb(16),
    spanId: logIdArb(8),
    eventName: text,
  },
  { requiredKeys: [] },
);

const ITEM_ARBS: { [S in Signal]: fc.Arbitrary<RefItems[S]> } = { traces: spanArb, metrics: metricArb, logs: logRecordArb };
const requestOf = <S extends Signal>(signal: S): fc.Arbitrary<RefRequest> =>
  requestArb<RefItems[S]>(ITEM_ARBS[signal]).map((levels) => toRequest(signal, levels));

// ---- a second encoder: the test writer, with unpacked repeats and unknown fields ----

/**
 * Writes a reference-shaped request with the test writer, in another field order than protobufjs,
 * with repeated scalars unpacked; `noise` adds unknown fields of every wire type to every message.
 */
function writeRequest<S extends Signal>(signal: S, request: RefRequest, noise: boolean): Uint8Array {
  const message = (w: ProtobufWriter, field: number, write: (inner: ProtobufWriter) => void) =>
    w.message(field, (inner) => {
      if (noise) inner.unknownFields();
      write(inner);
    });
  const putString = (w: ProtobufWriter, field: number, v: Opt<string>) => {
    if (v != null) w.string(field, v);
  };
  const putVarint = (w: ProtobufWriter, field: number, v: Opt<number | boolean>) => {
    if (v != null) w.varint(field, v);
  };
  const putFixed32 = (w: ProtobufWriter, field: number, v: Opt<number>) => {
    if (v != null) w.fixed32(field, v);
  };
  const putFixed64 = (w: ProtobufWriter, field: number, v: Opt<Int64>) => {
    if (v != null) w.fixed64(field, BigInt.asIntN(64, bits(v)));
  };
  const putDouble = (w: ProtobufWriter, field: number, v: Opt<number>) => {
    if (v != null) w.double(field, v);
  };
  const putBytes = (w: ProtobufWriter, field: number, v: Opt<Uint8Array>) => {
    if (v != null) w.bytes(field, v);
  };
  const putAnyValue = (w: ProtobufWriter, v: RefAnyValue): void => {
    putString(w, 1, v.stringValue);
    putVarint(w, 2, v.boolValue);
    if (v.intValue != null) w.varint(3, BigInt.asIntN(64, bits(v.intValue)));
    putDouble(w, 4, v.doubleValue);
    const { arrayValue, kvlistValue } = v;
    if (arrayValue != null) message(w, 5, (a) => (arrayValue.values ?? []).forEach((x) => message(a, 1, (xw) => putAnyValue(xw, x))));
    if (kvlistValue != null) message(w, 6, (l) => putAttributes(l, 1, kvlistValue.values));
    putBytes(w, 7, v.bytesValue);
  };
  const putAttributes = (w: ProtobufWriter, field: number, list: RefKeyValue[] | undefined) => {
    for (const kv of list ?? []) {
      message(w, field, (k) => {
        putString(k, 1, kv.key);
        const value = kv.value;
        if (value != null) message(k, 2, (vw) => putAnyValue(vw, value));
      });
    }
  };
  const putPointBase = (w: ProtobufWriter, p: RefPointBase, fields: { attributes: number; flags: number }) => {
    putAttributes(w, fields.attributes, p.attributes);
    putFixed64(w, 2, p.startTimeUnixNano);
    putFixed64(w, 3, p.timeUnixNano);
    putVarint(w, fields.flags, p.flags);
  };
  const putExemplars = (w: ProtobufWriter, field: number, list: RefExemplar[] | undefined) => {
    for (const e of list ?? []) {
      message(w, field, (ew) => {
        putAttributes(ew, 7, e.filteredAttributes);
        putFixed64(ew, 2, e.timeUnixNano);
        putDouble(ew, 3, e.asDouble);
        putBytes(ew, 4, e.spanId);
        putBytes(ew, 5, e.traceId);
        putFixed64(ew, 6, e.asInt);
      });
    }
  };
  const putNumberPoints = (w: ProtobufWriter, list: RefNumberPoint[] | undefined) => {
    for (const p of list ?? []) {
      message(w, 1, (pw) => {
        putPointBase(pw, p, { attributes: 7, flags: 8 });
        putDouble(pw, 4, p.asDouble);
        putFixed64(pw, 6, p.asInt);
        putExemplars(pw, 5, p.exemplars);
      });
    }
  };
  const putBuckets = (w: ProtobufWriter, field: number, b: Opt<RefBuckets>) => {
    if (b == null) return;
    message(w, field, (bw) => {
      if (b.offset != null) bw.sint32(1, b.offset);
      for (const c of b.bucketCounts ?? []) bw.varint(2, bits(c)); // unpacked
    });
  };

  const putItem: { [K in Signal]: (w: ProtobufWriter, item: RefItems[K]) => void } = {
    traces: (w, s) => {
      putFixed32(w, 16, s.flags);
      putBytes(w, 2, s.spanId);
      putBytes(w, 1, s.traceId);
      putString(w, 3, s.traceState);
      putBytes(w, 4, s.parentSpanId);
      putString(w, 5, s.name);
      putVarint(w, 6, s.kind);
      putFixed64(w, 7, s.startTimeUnixNano);
      putFixed64(w, 8, s.endTimeUnixNano);
      putAttributes(w, 9, s.attributes);
      putVarint(w, 10, s.droppedAttributesCount);
      for (const e of s.events ?? []) {
        message(w, 11, (ew) => {
          putFixed64(ew, 1, e.timeUnixNano);
          putString(ew, 2, e.name);
          putAttributes(ew, 3, e.attributes);
          putVarint(ew, 4, e.droppedAttributesCount);
        });
      }
      putVarint(w, 12, s.droppedEventsCount);
      for (const l of s.links ?? []) {
        message(w, 13, (lw) => {
          putBytes(lw, 1, l.traceId);
          putBytes(lw, 2, l.spanId);
          putString(lw, 3, l.traceState);
          putAttributes(lw, 4, l.attributes);
          putVarint(lw, 5, l.droppedAttributesCount);
          putFixed32(lw, 6, l.flags);
        });
      }
      putVarint(w, 14, s.droppedLinksCount);
      const status = s.status;
      if (status != null) {
        message(w, 15, (st) => {
          putVarint(st, 3, status.code);
          putString(st, 2, status.message);
        });
      }
    },
    metrics: (w, m) => {
      putString(w, 1, m.name);
      putString(w, 2, m.description);
      putString(w, 3, m.unit);
      putAttributes(w, 12, m.metadata);
      const { gauge, sum, histogram, exponentialHistogram, summary } = m;
      if (gauge != null) message(w, 5, (g) => putNumberPoints(g, gauge.dataPoints));
      if (sum != null) {
        message(w, 7, (sw) => {
          putVarint(sw, 3, sum.isMonotonic);
          putVarint(sw, 2, sum.aggregationTemporality);
          putNumberPoints(sw, sum.dataPoints);
        });
      }
      if (histogram != null) {
        message(w, 9, (hw) => {
          putVarint(hw, 2, histogram.aggregationTemporality);
          for (const p of histogram.dataPoints ?? []) {
            message(hw, 1, (pw) => {
              putPointBase(pw, p, { attributes: 9, flags: 10 });
              putFixed64(pw, 4, p.count);
              putDouble(pw, 5, p.sum);
              for (const c of p.bucketCounts ?? []) putFixed64(pw, 6, c); // unpacked
              for (const b of p.explicitBounds ?? []) putDouble(pw, 7, b); // unpacked
              putExemplars(pw, 8, p.exemplars);
              putDouble(pw, 11, p.min);
              putDouble(pw, 12, p.max);
            });
          }
        });
      }
      if (exponentialHistogram != null) {
        message(w, 10, (hw) => {
          for (const p of exponentialHistogram.dataPoints ?? []) {
            message(hw, 1, (pw) => {
              putPointBase(pw, p, { attributes: 1, flags: 10 });
              putFixed64(pw, 4, p.count);
              putDouble(pw, 5, p.sum);
              if (p.scale != null) pw.sint32(6, p.scale);
              putFixed64(pw, 7, p.zeroCount);
              putBuckets(pw, 8, p.positive);
              putBuckets(pw, 9, p.negative);
              putExemplars(pw, 11, p.exemplars);
              putDouble(pw, 12, p.min);
              putDouble(pw, 13, p.max);
              putDouble(pw, 14, p.zeroThreshold);
            });
          }
          putVarint(hw, 2, exponentialHistogram.aggregationTemporality);
        });
      }
      if (summary != null) {
        message(w, 11, (sw) => {
          for (const p of summary.dataPoints ?? []) {
            message(sw, 1, (pw) => {
              putPointBase(pw, p, { attributes: 7, flags: 8 });
              putFixed64(pw, 4, p.count);
              putDouble(pw, 5, p.sum);
              for (const q of p.quantileValues ?? []) {
                message(pw, 6, (qw) => {
                  putDouble(qw, 2, q.value);
                  putDouble(qw, 1, q.quantile);
                });
              }
            });
          }
        });
      }
    },
    logs: (w, l) => {
      putFixed64(w, 11, l.observedTimeUnixNano);
      putFixed64(w, 1, l.timeUnixNano);
      putVarint(w, 2, l.severityNumber);
      putString(w, 3, l.severityText);
      const body = l.body;
      if (body != null) message(w, 5, (b) => putAnyValue(b, body));
      putAttributes(w, 6, l.attributes);
      putVarint(w, 7, l.droppedAttributesCount);
      putFixed32(w, 8, l.flags);
      putBytes(w, 9, l.traceId);
      putBytes(w, 10, l.spanId);
      putString(w, 12, l.eventName);
    },
  };

  const writeItem = putItem[signal] as (w: ProtobufWriter, item: RefItems[S]) => void;
  const root = new ProtobufWriter();
  if (noise) root.unknownFields();
  for (const r of fromRequest(signal, request)) {
    message(root, 1, (rw) => {
      for (const s of r.scopes) {
        message(rw, 2, (sw) => {
          for (const item of s.items) message(sw, 2, (iw) => writeItem(iw, item));
          const sc = s.scope;
          if (sc != null) {
            message(sw, 1, (scw) => {
              putString(scw, 1, sc.name);
              putString(scw, 2, sc.version);
              putAttributes(scw, 3, sc.attributes);
              putVarint(scw, 4, sc.droppedAttributesCount);
            });
          }
          putString(sw, 3, s.schemaUrl);
        });
      }
      const res = r.resource;
      if (res != null) {
        message(rw, 1, (resw) => {
          putAttributes(resw, 1, res.attributes);
          putVarint(resw, 2, res.droppedAttributesCount);
        });
      }
      putString(rw, 3, r.schemaUrl);
    });
  }
  return root.finish();
}

// ---- the checks ----

/** Decodes `body` with both decoders and compares; `sent` (if given) is what was encoded. */
function crossCheck(signal: Signal, body: Uint8Array, sent?: RefRequest): void {
  // A plain Uint8Array, not a Buffer: protobufjs then decodes UTF-8 with its own code rather
  // than with Node's decoder that Hermes also uses, which keeps the two more independent.
  const bytes = Uint8Array.from(body);
  const byReference = REFERENCE_REQUEST[signal].decode(bytes) as RefRequest;
  const expected = EXPECTED[signal](byReference);
  if (sent !== undefined) expect(EXPECTED[signal](byReference)).toStrictEqual(EXPECTED[signal](sent));
  const ours = decodeOtlp(signal, 'protobuf', bytes);
  expect(ours.batch).toStrictEqual(expected.batch);
  expect({ accepted: ours.accepted, rejected: ours.rejected }).toEqual({ accepted: expected.accepted, rejected: expected.rejected });
  expect(ours.rejectedMessage === '').toBe(expected.rejected === 0);
  // As the HTTP receiver gets it: a Buffer at an offset into a larger allocation.
  const pooled = Buffer.alloc(bytes.length + 7);
  pooled.set(bytes, 7);
  expect(decodeOtlp(signal, 'protobuf', pooled.subarray(7)).batch).toStrictEqual(expected.batch);
}

const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];
const REQUEST_NAMES: Record<Signal, string> = {
  traces: 'ExportTraceServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  logs: 'ExportLogsServiceRequest',
};

describe('decodeOtlp cross-checked against the reference protobufjs decoder', () => {
  describe.each(SIGNALS)('.decodeOtlp(%s)', (signal) => {
    it(`decodes random ${REQUEST_NAMES[signal]}s written by the reference encoder as the reference decodes them`, () => {
      fc.assert(
        fc.property(requestOf(signal), (request) => crossCheck(signal, REFERENCE_REQUEST[signal].encode(request).finish(), request)),
        { numRuns: 300 },
      );
    });

    it('agrees with the reference on bodies from the test writer (unpacked repeats, unknown fields, other field order)', () => {
      fc.assert(
        fc.property(requestOf(signal), fc.boolean(), (request, noise) => crossCheck(signal, writeRequest(signal, request, noise), request)),
        { numRuns: 150 },
      );
    });

    it('agrees with the reference on the real-client fixture (testdata/*.pb, from the OpenTelemetry JS SDK)', () => {
      crossCheck(signal, readFileSync(join(__dirname, 'testdata', `${signal}.pb`)));
    });
  });

  /** Where the two decoders differ by design; each case pins Hermes' side and shows the reference's. */
  describe('.decodeOtlp where it deliberately differs from the reference', () => {
    const logWith = (write: (log: ProtobufWriter) => void) =>
      new ProtobufWriter().message(1, (rl) => rl.message(2, (sl) => sl.message(2, write))).finish();
    const oursLog = (body: Uint8Array) => (decodeOtlp('logs', 'protobuf', body).batch as LogsBatch).resourceLogs[0].scopeLogs[0].logRecords[0];
    const referenceLog = (body: Uint8Array) =>
      fromRequest('logs', REFERENCE_REQUEST.logs.decode(body) as RefRequest)[0].scopes[0].items[0];

    it('rounds int64 values beyond 2^53 to the nearest double, where the reference keeps all 64 bits', () => {
      const body = logWith((log) => log.message(5, (v) => v.varint(3, 0x20000000000001n)));
      expect(oursLog(body).body).toBe(2 ** 53);
      expect(bits(referenceLog(body).body?.intValue)).toBe(0x20000000000001n);
    });

    it('reads out-of-range enums as 0 (unspecified), where the reference keeps the number', () => {
      const body = logWith((log) => log.varint(2, 30));
      expect(oursLog(body).severityNumber).toBe(0);
      expect(referenceLog(body).severityNumber).toBe(30);
    });

    it('keeps only the last member of a oneof sent twice (protobuf\'s rule), where the reference keeps both set', () => {
      const body = logWith((log) => log.message(5, (v) => v.string(1, 'first').varint(3, 7)));
      expect(oursLog(body).body).toBe(7);
      expect(referenceLog(body).body).toMatchObject({ stringValue: 'first', intValue: { low: 7, high: 0 } });
    });

    it('replaces a singular message field sent twice instead of merging it, like the reference', () => {
      // Protobuf's rule is to merge the two; neither decoder does (no known sender splits a message).
      const body = logWith((log) => log.message(5, (v) => v.string(1, 'kept?')).message(5, (v) => v.bool(2, true)));
      expect(oursLog(body).body).toBe(true);
      expect(referenceLog(body).body).toMatchObject({ stringValue: null, boolValue: true });
    });

    it('rejects a request holding an unknown field encoded as a group, which the reference skips', () => {
      // Groups are deprecated and no OTLP message has one; the README documents this choice.
      const body = logWith((log) => log.tag(100, 3).varint(1, 1).tag(100, 4).string(12, 'kept'));
      expect(() => decodeOtlp('logs', 'protobuf', body)).toThrow(/group encoding/);
      expect(referenceLog(body).eventName).toBe('kept');
    });

    it('skips a known field sent with the wrong wire type (protobuf\'s rule), which the reference reads as its declared type', () => {
      // severity_text (3) as a varint 2: the reference takes the 2 as a length and reads on.
      const body = logWith((log) => log.varint(3, 2).string(12, 'event'));
      expect(oursLog(body)).toMatchObject({ severityText: '', eventName: 'event' });
      expect(() => referenceLog(body)).toThrow();
    });

    it('decodes invalid UTF-8 to U+FFFD like Node\'s decoder; protobufjs\'s own decoder (for non-Buffer input) does not', () => {
      const body = logWith((log) => log.message(5, (v) => v.bytes(1, Uint8Array.from([0x61, 0xe2, 0x82]))));
      expect(oursLog(body).body).toBe('a\ufffd');
      expect(referenceLog(Buffer.from(body)).body?.stringValue).toBe('a\ufffd');
      expect(referenceLog(body).body?.stringValue).not.toBe('a\ufffd');
    });
  });
});
