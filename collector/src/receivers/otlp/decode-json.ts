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
  type OtlpBatch,
} from '../../model/telemetry';
import {
  boolean,
  double,
  doubleValue,
  enumeration,
  get,
  id,
  integer,
  integerValue,
  join,
  type JsonObject,
  list,
  nanos,
  numbers,
  object,
  optionalDouble,
  SEVERITY_NAMES,
  SPAN_KIND_NAMES,
  STATUS_CODE_NAMES,
  string,
  TEMPORALITY_NAMES,
  unsigned,
  unsignedValue,
  wrongType,
} from './json-fields';
import { MAX_ANY_VALUE_DEPTH, toSeverityNumber, toSpanKind, toStatusCode, toTemporality } from './normalize';
import { malformed } from './protobuf-reader';
import { type ResourceLevel, SIGNAL_KEYS, toBatch } from './signal-shape';

const utf8 = new TextDecoder('utf-8');

export function decodeJson(signal: Signal, body: Uint8Array): OtlpBatch {
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
