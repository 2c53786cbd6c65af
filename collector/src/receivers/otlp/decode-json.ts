/**
 * Decodes OTLP/JSON request bodies into the telemetry model, accepting what real senders
 * emit: lowerCamelCase or snake_case keys (as the OpenTelemetry Collector does), 64-bit
 * integers as numbers or decimal strings, enums as numbers or names, ids as hex (never
 * base64, per OTLP/JSON), bytesValue as base64, doubles as numbers or "NaN"/"Infinity"
 * strings. Unknown keys are ignored. A value of the wrong type fails the whole request
 * with HERMES_ERR_BAD_REQUEST naming its path.
 */
import {
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
  type SpanEvent,
  type SpanLink,
  type SummaryDataPoint,
  type TelemetryBatch,
} from '../../model/telemetry';
import { isHexBytes } from './hex';
import { MAX_ANY_VALUE_DEPTH, toSeverityNumber, toSpanKind, toStatusCode, toTemporality } from './normalize';
import { malformed } from './protobuf-reader';
import { type ResourceLevel, SIGNAL_KEYS, toBatch } from './signal-shape';

type JsonObject = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8');

export function decodeJson(signal: Signal, body: Uint8Array): TelemetryBatch {
  let root: unknown;
  try {
    root = JSON.parse(utf8.decode(body));
  } catch (err) {
    throw malformed(`invalid JSON: ${(err as Error).message}`);
  }
  const request = object(root, '$') ?? {};
  const keys = SIGNAL_KEYS[signal];
  const readItem = ITEM_READERS[signal];
  const levels = list(request, keys.resources, '', (r, p): ResourceLevel<unknown> => ({
    resource: resource(r, p),
    schemaUrl: string(r, 'schemaUrl', p),
    scopes: list(r, keys.scopes, p, (s, p) => ({
      scope: scope(s, p),
      schemaUrl: string(s, 'schemaUrl', p),
      items: list(s, keys.items, p, readItem),
    })),
  }));
  return toBatch(signal, levels);
}

// ---- field access: camelCase first, then snake_case ----

const snakeCache = new Map<string, string>();

function snakeCase(camel: string): string {
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake;
}

function get(o: JsonObject, camelKey: string): unknown {
  const v = o[camelKey];
  return v !== undefined ? v : o[snakeCase(camelKey)];
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function wrongType(path: string, expected: string, v: unknown): Error {
  return malformed(`${path}: expected ${expected}, got ${describe(v)}`);
}

// ---- typed readers; absent (undefined or null) means the proto3 default ----

function object(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(path, 'an object', v);
  return v as JsonObject;
}

function list<T>(o: JsonObject, key: string, path: string, read: (item: JsonObject, path: string) => T): T[] {
  const v = get(o, key);
  const listPath = join(path, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongType(listPath, 'an array', v);
  const out: T[] = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const itemPath = `${listPath}[${i}]`;
    out[i] = read(object(v[i], itemPath) ?? {}, itemPath);
  }
  return out;
}

function numbers(o: JsonObject, key: string, path: string, read: (v: unknown, path: string) => number): number[] {
  const v = get(o, key);
  const listPath = join(path, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongType(listPath, 'an array', v);
  return v.map((item, i) => read(item, `${listPath}[${i}]`));
}

function string(o: JsonObject, key: string, path: string): string {
  const v = get(o, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw wrongType(join(path, key), 'a string', v);
  return v;
}

function boolean(o: JsonObject, key: string, path: string): boolean {
  const v = get(o, key);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw wrongType(join(path, key), 'a boolean', v);
  return v;
}

const INTEGER_STRING = /^-?\d+$/;

/** A 32- or 64-bit integer as a number: a JSON number or a decimal string. */
function integerValue(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER_STRING.test(v)) return Number(v);
  throw wrongType(path, 'an integer', v);
}

function integer(o: JsonObject, key: string, path: string): number {
  const v = get(o, key);
  return v === undefined || v === null ? 0 : integerValue(v, join(path, key));
}

function unsignedValue(v: unknown, path: string): number {
  const n = integerValue(v, path);
  if (n < 0) throw wrongType(path, 'an unsigned integer', v);
  return n;
}

function unsigned(o: JsonObject, key: string, path: string): number {
  const v = get(o, key);
  return v === undefined || v === null ? 0 : unsignedValue(v, join(path, key));
}

const UNSIGNED_STRING = /^\d+$/;

/** A fixed64 timestamp in nanoseconds: a decimal string (exact) or a JSON number. */
function nanos(o: JsonObject, key: string, path: string): bigint {
  const v = get(o, key);
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string' && UNSIGNED_STRING.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  throw wrongType(join(path, key), 'nanoseconds as an unsigned integer', v);
}

const SPECIAL_DOUBLES = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

function doubleValue(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL_DOUBLES.get(v);
    if (special !== undefined) return special;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(n)) return n;
  }
  throw wrongType(path, 'a number', v);
}

function optionalDouble(o: JsonObject, key: string, path: string): number | undefined {
  const v = get(o, key);
  return v === undefined || v === null ? undefined : doubleValue(v, join(path, key));
}

function double(o: JsonObject, key: string, path: string): number {
  return optionalDouble(o, key, path) ?? 0;
}

/** An enum as its number or its proto name (e.g. "SPAN_KIND_SERVER"). */
function enumeration(o: JsonObject, key: string, path: string, names: Readonly<Record<string, number>>): number {
  const v = get(o, key);
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v];
  throw wrongType(join(path, key), `an enum number or one of ${Object.keys(names).slice(0, 3).join(', ')}…`, v);
}

/** A trace/span id: hex in OTLP/JSON. Wrong lengths are left to validation; non-hex fails here. */
function id(o: JsonObject, key: string, path: string, bytes: number): string {
  const v = get(o, key);
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || !isHexBytes(v)) throw wrongType(join(path, key), `${bytes * 2} hex characters`, v);
  return v.toLowerCase();
}

function enumNames(prefix: string, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name, i) => [`${prefix}${name}`, i]));
}

const SPAN_KIND_NAMES = enumNames('SPAN_KIND_', ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
const STATUS_CODE_NAMES = enumNames('STATUS_CODE_', ['UNSET', 'OK', 'ERROR']);
const TEMPORALITY_NAMES = enumNames('AGGREGATION_TEMPORALITY_', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']);
const SEVERITY_NAMES = enumNames('SEVERITY_NUMBER_', [
  'UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) => [level, `${level}2`, `${level}3`, `${level}4`]),
]);

// ---- common/v1 and resource/v1 ----

function attributes(o: JsonObject, key: string, path: string, depth = 0): KeyValue[] {
  return list(o, key, path, (kv, p) => ({ key: string(kv, 'key', p), value: anyValue(get(kv, 'value'), join(p, 'value'), depth) }));
}

function anyValue(v: unknown, path: string, depth = 0): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw malformed(`${path}: values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  const o = object(v, path);
  if (o === undefined) return null;
  for (const key in o) {
    const value = o[key];
    if (value === undefined || value === null) continue;
    const p = join(path, key);
    switch (key) {
      case 'stringValue':
      case 'string_value':
        if (typeof value !== 'string') throw wrongType(p, 'a string', value);
        return value;
      case 'boolValue':
      case 'bool_value':
        if (typeof value !== 'boolean') throw wrongType(p, 'a boolean', value);
        return value;
      case 'intValue':
      case 'int_value':
        return integerValue(value, p);
      case 'doubleValue':
      case 'double_value':
        return doubleValue(value, p);
      case 'arrayValue':
      case 'array_value': {
        const array = object(value, p) ?? {};
        return list(array, 'values', p, (item, itemPath) => anyValue(item, itemPath, depth + 1));
      }
      case 'kvlistValue':
      case 'kvlist_value':
        return { kvlist: attributes(object(value, p) ?? {}, 'values', p, depth + 1) };
      case 'bytesValue':
      case 'bytes_value':
        if (typeof value !== 'string') throw wrongType(p, 'base64 bytes', value);
        return new Uint8Array(Buffer.from(value, 'base64'));
    }
  }
  return null;
}

function resource(o: JsonObject, path: string): Resource {
  const p = join(path, 'resource');
  const r = object(get(o, 'resource'), p) ?? {};
  return { attributes: attributes(r, 'attributes', p), droppedAttributesCount: unsigned(r, 'droppedAttributesCount', p) };
}

function scope(o: JsonObject, path: string): InstrumentationScope {
  const p = join(path, 'scope');
  const s = object(get(o, 'scope'), p) ?? {};
  return {
    name: string(s, 'name', p),
    version: string(s, 'version', p),
    attributes: attributes(s, 'attributes', p),
    droppedAttributesCount: unsigned(s, 'droppedAttributesCount', p),
  };
}

// ---- trace/v1 ----

function span(o: JsonObject, path: string): Span {
  const statusPath = join(path, 'status');
  const status = object(get(o, 'status'), statusPath) ?? {};
  return {
    traceId: id(o, 'traceId', path, 16),
    spanId: id(o, 'spanId', path, 8),
    traceState: string(o, 'traceState', path),
    parentSpanId: id(o, 'parentSpanId', path, 8),
    flags: unsigned(o, 'flags', path),
    name: string(o, 'name', path),
    kind: toSpanKind(enumeration(o, 'kind', path, SPAN_KIND_NAMES)),
    startTimeUnixNano: nanos(o, 'startTimeUnixNano', path),
    endTimeUnixNano: nanos(o, 'endTimeUnixNano', path),
    attributes: attributes(o, 'attributes', path),
    droppedAttributesCount: unsigned(o, 'droppedAttributesCount', path),
    events: list(o, 'events', path, event),
    droppedEventsCount: unsigned(o, 'droppedEventsCount', path),
    links: list(o, 'links', path, link),
    droppedLinksCount: unsigned(o, 'droppedLinksCount', path),
    status: {
      code: toStatusCode(enumeration(status, 'code', statusPath, STATUS_CODE_NAMES)),
      message: string(status, 'message', statusPath),
    },
  };
}

function event(o: JsonObject, path: string): SpanEvent {
  return {
    timeUnixNano: nanos(o, 'timeUnixNano', path),
    name: string(o, 'name', path),
    attributes: attributes(o, 'attributes', path),
    droppedAttributesCount: unsigned(o, 'droppedAttributesCount', path),
  };
}

function link(o: JsonObject, path: string): SpanLink {
  return {
    traceId: id(o, 'traceId', path, 16),
    spanId: id(o, 'spanId', path, 8),
    traceState: string(o, 'traceState', path),
    attributes: attributes(o, 'attributes', path),
    droppedAttributesCount: unsigned(o, 'droppedAttributesCount', path),
    flags: unsigned(o, 'flags', path),
  };
}

// ---- metrics/v1 ----

function metric(o: JsonObject, path: string): Metric {
  return {
    name: string(o, 'name', path),
    description: string(o, 'description', path),
    unit: string(o, 'unit', path),
    metadata: attributes(o, 'metadata', path),
    data: metricData(o, path),
  };
}

/** The `data` oneof; when a sender sets several kinds, the last in proto field order wins, as in protobuf. */
function metricData(o: JsonObject, path: string): MetricData | undefined {
  let data: MetricData | undefined;
  const kind = (key: string) => {
    const p = join(path, key);
    const d = object(get(o, key), p);
    return d === undefined ? undefined : { d, p, temporality: () => toTemporality(enumeration(d, 'aggregationTemporality', p, TEMPORALITY_NAMES)) };
  };
  const gauge = kind('gauge');
  if (gauge) data = { type: 'gauge', dataPoints: list(gauge.d, 'dataPoints', gauge.p, numberPoint) };
  const sum = kind('sum');
  if (sum) {
    data = {
      type: 'sum',
      dataPoints: list(sum.d, 'dataPoints', sum.p, numberPoint),
      aggregationTemporality: sum.temporality(),
      isMonotonic: boolean(sum.d, 'isMonotonic', sum.p),
    };
  }
  const histogram = kind('histogram');
  if (histogram) {
    data = {
      type: 'histogram',
      dataPoints: list(histogram.d, 'dataPoints', histogram.p, histogramPoint),
      aggregationTemporality: histogram.temporality(),
    };
  }
  const exponential = kind('exponentialHistogram');
  if (exponential) {
    data = {
      type: 'exponential_histogram',
      dataPoints: list(exponential.d, 'dataPoints', exponential.p, exponentialPoint),
      aggregationTemporality: exponential.temporality(),
    };
  }
  const summary = kind('summary');
  if (summary) data = { type: 'summary', dataPoints: list(summary.d, 'dataPoints', summary.p, summaryPoint) };
  return data;
}

/** The fields every data point kind has. */
function pointBase(o: JsonObject, path: string) {
  return {
    attributes: attributes(o, 'attributes', path),
    startTimeUnixNano: nanos(o, 'startTimeUnixNano', path),
    timeUnixNano: nanos(o, 'timeUnixNano', path),
    flags: unsigned(o, 'flags', path),
  };
}

/** as_double / as_int; `undefined` when neither is set. */
function pointValue(o: JsonObject, path: string): number | undefined {
  const asInt = get(o, 'asInt');
  if (asInt !== undefined && asInt !== null) return integerValue(asInt, join(path, 'asInt'));
  return optionalDouble(o, 'asDouble', path);
}

function numberPoint(o: JsonObject, path: string): NumberDataPoint {
  return {
    ...pointBase(o, path),
    value: pointValue(o, path),
    exemplars: list(o, 'exemplars', path, exemplar),
  };
}

function histogramPoint(o: JsonObject, path: string): HistogramDataPoint {
  return {
    ...pointBase(o, path),
    count: unsigned(o, 'count', path),
    sum: optionalDouble(o, 'sum', path),
    bucketCounts: numbers(o, 'bucketCounts', path, unsignedValue),
    explicitBounds: numbers(o, 'explicitBounds', path, doubleValue),
    exemplars: list(o, 'exemplars', path, exemplar),
    min: optionalDouble(o, 'min', path),
    max: optionalDouble(o, 'max', path),
  };
}

function buckets(o: JsonObject, key: string, path: string): ExponentialBuckets {
  const p = join(path, key);
  const b = object(get(o, key), p) ?? {};
  return { offset: integer(b, 'offset', p), bucketCounts: numbers(b, 'bucketCounts', p, unsignedValue) };
}

function exponentialPoint(o: JsonObject, path: string): ExponentialHistogramDataPoint {
  return {
    ...pointBase(o, path),
    count: unsigned(o, 'count', path),
    sum: optionalDouble(o, 'sum', path),
    scale: integer(o, 'scale', path),
    zeroCount: unsigned(o, 'zeroCount', path),
    positive: buckets(o, 'positive', path),
    negative: buckets(o, 'negative', path),
    exemplars: list(o, 'exemplars', path, exemplar),
    min: optionalDouble(o, 'min', path),
    max: optionalDouble(o, 'max', path),
    zeroThreshold: double(o, 'zeroThreshold', path),
  };
}

function summaryPoint(o: JsonObject, path: string): SummaryDataPoint {
  return {
    ...pointBase(o, path),
    count: unsigned(o, 'count', path),
    sum: double(o, 'sum', path),
    quantileValues: list(o, 'quantileValues', path, (q, p) => ({
      quantile: double(q, 'quantile', p),
      value: double(q, 'value', p),
    })),
  };
}

function exemplar(o: JsonObject, path: string): Exemplar {
  return {
    filteredAttributes: attributes(o, 'filteredAttributes', path),
    timeUnixNano: nanos(o, 'timeUnixNano', path),
    value: pointValue(o, path) ?? 0,
    spanId: id(o, 'spanId', path, 8),
    traceId: id(o, 'traceId', path, 16),
  };
}

const ITEM_READERS: Record<Signal, (o: JsonObject, path: string) => unknown> = {
  traces: span,
  metrics: metric,
  logs: logRecord,
};

// ---- logs/v1 ----

function logRecord(o: JsonObject, path: string): LogRecord {
  return {
    timeUnixNano: nanos(o, 'timeUnixNano', path),
    observedTimeUnixNano: nanos(o, 'observedTimeUnixNano', path),
    severityNumber: toSeverityNumber(enumeration(o, 'severityNumber', path, SEVERITY_NAMES)),
    severityText: string(o, 'severityText', path),
    body: anyValue(get(o, 'body'), join(path, 'body')),
    attributes: attributes(o, 'attributes', path),
    droppedAttributesCount: unsigned(o, 'droppedAttributesCount', path),
    flags: unsigned(o, 'flags', path),
    traceId: id(o, 'traceId', path, 16),
    spanId: id(o, 'spanId', path, 8),
    eventName: string(o, 'eventName', path),
  };
}
