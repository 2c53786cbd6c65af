/**
 * Translates decoded OTLP batches into hermes schema v1 line protocol (docs/schema.md).
 * Runs synchronously on the exporter's hot path: fragments shared by many items (a
 * resource's tags and fields, a scope's fields, attribute field keys) are encoded once.
 */
import type {
  AnyValue,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValue,
  LogRecord,
  HermesRecord,
  LogsBatch,
  Metric,
  MetricsBatch,
  NumberDataPoint,
  Resource,
  Span,
  SummaryDataPoint,
  TelemetryBatch,
  TracesBatch,
  RecordsBatch,
} from '../../model/telemetry';
import { CollisionResolver, fnv1a, offsetTimeNs } from './identity';
import { encodeFloat, encodeInt, encodeStringField, escapeKey, escapeMeasurement } from './line-protocol';
import {
  HISTOGRAM_QUANTILES,
  exponentialHistogramQuantile,
  histogramQuantile,
  quantileFieldName,
} from './quantiles';

/** What one batch became: lines (each ending in '\n') and what was lost on the way. */
export interface EncodedBatch {
  lines: string[];
  /** Fields skipped because their float was NaN or ±Infinity. */
  nonFiniteFields: number;
  /** String fields cut to InfluxDB's 64 KiB limit. */
  truncatedFields: number;
  /** Items that produced no point at all (a metric point without a value). */
  emptyItems: number;
}

export interface TranslateOptions {
  /** Span/log attribute keys written as tags instead of fields. */
  tagAttributes: readonly string[];
}

const enum Kind {
  STR = 0,
  NUM = 1,
  BOOL = 2,
}

/** Names every signal reserves; attribute keys equal to them get the `attr.` prefix. */
const COMMON_RESERVED = ['', 'time', 'service', 'environment', 'version'];
const SPAN_RESERVED = [
  ...COMMON_RESERVED,
  'kind', 'status', 'trace_id', 'span_id', 'parent_span_id', 'name', 'duration_ns', 'status_message',
  'trace_state', 'flags', 'scope_name', 'scope_version', 'events', 'events_count', 'links',
];
const LOG_RESERVED = [
  ...COMMON_RESERVED,
  'level', 'body', 'severity', 'severity_number', 'trace_id', 'span_id', 'event_name', 'flags',
  'scope_name', 'scope_version',
];
const METRIC_TAG_RESERVED = [...COMMON_RESERVED, 'metric_type', 'temporality', 'value', 'count', 'sum', 'min', 'max'];
/** Measurements hermes writes itself; metrics of these names are moved to `metric:<name>`. */
const HERMES_MEASUREMENTS = new Set(['spans', 'logs', 'exemplars']);
/** Metric field names that come in families (`p99`, `le_0.5`) and must never be tag keys. */
const METRIC_FIELD_FAMILY = /^(?:p\d|le_)/;

/** Whether an attribute key must be moved under `attr.`: reserved names and the prefixes hermes uses. */
function isReservedKey(key: string, reserved: ReadonlySet<string>): boolean {
  return reserved.has(key) || key.startsWith('attr.') || key.startsWith('resource.');
}

const KEY_CACHE_LIMIT = 10_000;

/**
 * Attribute key → escaped field key. The suffix decides the field type, so a key that
 * is a string in one batch and a number in the next never conflicts: strings keep the
 * key (`:str` appended if it already ends in `:num`/`:bool`), numbers go to `<key>:num`
 * (always float), booleans to `<key>:bool`.
 */
class FieldKeys {
  private readonly cache = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()];

  constructor(
    private readonly reserved: ReadonlySet<string>,
    private readonly prefix: string,
  ) {}

  get(key: string, kind: Kind): string {
    const cache = this.cache[kind];
    let escaped = cache.get(key);
    if (escaped !== undefined) return escaped;
    let name = this.prefix !== '' ? this.prefix + key : isReservedKey(key, this.reserved) ? 'attr.' + key : key;
    if (kind === Kind.NUM) name += ':num';
    else if (kind === Kind.BOOL) name += ':bool';
    else if (name.endsWith(':num') || name.endsWith(':bool')) name += ':str';
    escaped = escapeKey(name) || 'attr.';
    // Attribute keys are normally a bounded set; a sender inventing keys must not grow memory.
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(key, escaped);
    return escaped;
  }
}

/** Attribute key → escaped tag key, with reserved names moved under `attr.`. */
class TagKeys {
  private readonly cache = new Map<string, string>();

  constructor(private readonly reserved: ReadonlySet<string>, private readonly family?: RegExp) {}

  get(key: string): string {
    let escaped = this.cache.get(key);
    if (escaped !== undefined) return escaped;
    const moved = isReservedKey(key, this.reserved) || (this.family !== undefined && this.family.test(key));
    escaped = escapeKey(moved ? 'attr.' + key : key) || 'attr.';
    if (this.cache.size >= KEY_CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, escaped);
    return escaped;
  }
}

/** An AnyValue as plain JSON data: bytes as base64, kvlists as objects. */
export function anyValueToJson(value: AnyValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(anyValueToJson);
  const out: Record<string, unknown> = {};
  for (const kv of value.kvlist) out[kv.key] = anyValueToJson(kv.value);
  return out;
}

/** An AnyValue as text: strings as-is, scalars by String(), bytes as base64, the rest as JSON. */
export function anyValueToText(value: AnyValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  const json = anyValueToJson(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

function attributesToJson(attributes: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of attributes) out[kv.key] = anyValueToJson(kv.value);
  return out;
}

function findAttribute(attributes: KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attributes) if (kv.key === key) return kv.value;
  return undefined;
}

/** `,key=value` for a tag, or '' when the value is empty after escaping (influxd rejects empty tag values). */
function tag(escapedKey: string, value: string): string {
  const escaped = escapeKey(value);
  return escaped === '' ? '' : ',' + escapedKey + '=' + escaped;
}

/** Per-resource fragments, computed once per ResourceSpans/ResourceLogs/ResourceMetrics. */
interface ResourceFragment {
  /** `,environment=..,service=..,version=..` (absent values omitted). */
  tags: string;
  /** Escaped service name, for the exemplars measurement. */
  service: string;
  /** `,resource.<key>=...` fields. */
  fields: string;
  /** Identity seed: distinguishes two instances of one service. */
  hash: number;
}

const SPAN_KIND_TAG = [',kind=unspecified', ',kind=internal', ',kind=server', ',kind=client', ',kind=producer', ',kind=consumer'];
const STATUS_TAG = [',status=unset', ',status=ok', ',status=error'];
const TEMPORALITY_TAG = ['', ',temporality=delta', ',temporality=cumulative'];
const LEVELS = ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** The `level` tag from an OTLP severity number (1-24), else from the severity text. */
export function logLevel(severityNumber: number, severityText: string): string {
  if (severityNumber >= 1 && severityNumber <= 24) return LEVELS[Math.ceil(severityNumber / 4)];
  const text = severityText.toLowerCase();
  if (text.startsWith('trace')) return 'trace';
  if (text.startsWith('debug')) return 'debug';
  if (text.startsWith('info') || text.startsWith('notice')) return 'info';
  if (text.startsWith('warn')) return 'warn';
  if (text.startsWith('err')) return 'error';
  if (/^(?:fatal|crit|alert|emerg|panic)/.test(text)) return 'fatal';
  return 'unspecified';
}

/** OTLP's short name for a severity number: 9 → INFO, 10 → INFO2; '' when out of range. */
export function severityName(severityNumber: number): string {
  if (severityNumber < 1 || severityNumber > 24) return '';
  const base = SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)];
  const step = (severityNumber - 1) % 4;
  return step === 0 ? base : base + String(step + 1);
}

/** Batch → lines. One instance per exporter; not shared across threads, holds only caches. */
export class Translator {
  private readonly spanFields = new FieldKeys(new Set(SPAN_RESERVED), '');
  private readonly logFields = new FieldKeys(new Set(LOG_RESERVED), '');
  private readonly resourceFields = new FieldKeys(new Set(), 'resource.');
  private readonly metricTags = new TagKeys(new Set(METRIC_TAG_RESERVED), METRIC_FIELD_FAMILY);
  private readonly measurements = new Map<string, string>();
  /** Configured tag attributes in config order, with their escaped tag keys. */
  private readonly tagAttributeIndex: Map<string, number>;
  private readonly spanTagKeys: string[];
  private readonly logTagKeys: string[];

  // Per-batch state, reset by encode().
  private lines: string[] = [];
  private resolver = new CollisionResolver();
  private nonFinite = 0;
  private truncated = 0;
  private empty = 0;
  private readonly onTruncate = () => {
    this.truncated++;
  };

  constructor(options: TranslateOptions) {
    const unique = [...new Set(options.tagAttributes)];
    this.tagAttributeIndex = new Map(unique.map((key, i) => [key, i]));
    const spanTags = new TagKeys(new Set(SPAN_RESERVED));
    const logTags = new TagKeys(new Set(LOG_RESERVED));
    this.spanTagKeys = unique.map((key) => spanTags.get(key));
    this.logTagKeys = unique.map((key) => logTags.get(key));
  }

  encode(batch: TelemetryBatch): EncodedBatch {
    this.lines = [];
    this.resolver = new CollisionResolver();
    this.nonFinite = 0;
    this.truncated = 0;
    this.empty = 0;
    if (batch.signal === 'traces') this.encodeTraces(batch);
    else if (batch.signal === 'logs') this.encodeLogs(batch);
    else if (batch.signal === 'metrics') this.encodeMetrics(batch);
    else this.encodeRecords(batch);
    const result: EncodedBatch = {
      lines: this.lines,
      nonFiniteFields: this.nonFinite,
      truncatedFields: this.truncated,
      emptyItems: this.empty,
    };
    this.lines = [];
    return result;
  }

  private emit(series: string, fields: string, timeNs: bigint, hash: number): void {
    const time = this.resolver.claim(series, offsetTimeNs(timeNs, hash));
    this.lines.push(series + ' ' + fields + ' ' + time + '\n');
  }

  private str(value: string): string {
    return encodeStringField(value, this.onTruncate);
  }

  /** `,key=value` for one attribute, typed by the {@link FieldKeys} rule; '' when skipped. */
  private attributeField(keys: FieldKeys, key: string, value: AnyValue): string {
    switch (typeof value) {
      case 'string':
        return ',' + keys.get(key, Kind.STR) + '=' + this.str(value);
      case 'number': {
        const encoded = encodeFloat(value);
        if (encoded === undefined) {
          this.nonFinite++;
          return '';
        }
        return ',' + keys.get(key, Kind.NUM) + '=' + encoded;
      }
      case 'boolean':
        return ',' + keys.get(key, Kind.BOOL) + '=' + (value ? 'true' : 'false');
      default:
        if (value === null) return '';
        return ',' + keys.get(key, Kind.STR) + '=' + this.str(anyValueToText(value));
    }
  }

  private resourceFragment(resource: Resource): ResourceFragment {
    const attrs = resource.attributes;
    const serviceName = findAttribute(attrs, 'service.name');
    const environment = findAttribute(attrs, 'deployment.environment.name') ?? findAttribute(attrs, 'deployment.environment');
    const version = findAttribute(attrs, 'service.version');
    const service = escapeKey(serviceName == null ? '' : anyValueToText(serviceName)) || 'unknown_service';
    const tags =
      (environment == null ? '' : tag('environment', anyValueToText(environment))) +
      ',service=' +
      service +
      (version == null ? '' : tag('version', anyValueToText(version)));
    let fields = '';
    for (const kv of attrs) fields += this.attributeField(this.resourceFields, kv.key, kv.value);
    return { tags, service, fields, hash: fnv1a(fields, fnv1a(tags)) };
  }

  private scopeFields(scope: InstrumentationScope): string {
    return (
      (scope.name === '' ? '' : ',scope_name=' + this.str(scope.name)) +
      (scope.version === '' ? '' : ',scope_version=' + this.str(scope.version))
    );
  }

  /**
   * Splits span/log attributes into configured tags (in config order) and typed fields.
   * Returns [tags, fields].
   */
  private splitAttributes(attributes: KeyValue[], keys: FieldKeys, tagKeys: string[]): [string, string] {
    let fields = '';
    let tagValues: (string | undefined)[] | undefined;
    for (const kv of attributes) {
      const index = this.tagAttributeIndex.get(kv.key);
      if (index !== undefined && kv.value !== null) {
        tagValues ??= new Array<string | undefined>(tagKeys.length);
        tagValues[index] = anyValueToText(kv.value);
      } else {
        fields += this.attributeField(keys, kv.key, kv.value);
      }
    }
    let tags = '';
    if (tagValues !== undefined) {
      for (let i = 0; i < tagKeys.length; i++) {
        const value = tagValues[i];
        if (value !== undefined) tags += tag(tagKeys[i], value);
      }
    }
    return [tags, fields];
  }

  // ---- traces ----

  private encodeTraces(batch: TracesBatch): void {
    for (const rs of batch.resourceSpans) {
      const res = this.resourceFragment(rs.resource);
      const seriesPrefix = 'spans' + res.tags;
      for (const ss of rs.scopeSpans) {
        const scope = this.scopeFields(ss.scope);
        for (const span of ss.spans) this.encodeSpan(span, seriesPrefix, scope, res.fields);
      }
    }
  }

  private encodeSpan(span: Span, seriesPrefix: string, scopeFields: string, resourceFields: string): void {
    const [attrTags, attrFields] = this.splitAttributes(span.attributes, this.spanFields, this.spanTagKeys);
    const series =
      seriesPrefix + (SPAN_KIND_TAG[span.kind] ?? SPAN_KIND_TAG[0]) + (STATUS_TAG[span.status.code] ?? STATUS_TAG[0]) + attrTags;
    let fields =
      'trace_id=' +
      this.str(span.traceId) +
      ',span_id=' +
      this.str(span.spanId) +
      ',parent_span_id=' +
      this.str(span.parentSpanId) +
      ',name=' +
      this.str(span.name) +
      ',duration_ns=' +
      encodeInt(span.endTimeUnixNano - span.startTimeUnixNano) +
      ',flags=' +
      encodeInt(span.flags);
    if (span.status.message !== '') fields += ',status_message=' + this.str(span.status.message);
    if (span.traceState !== '') fields += ',trace_state=' + this.str(span.traceState);
    fields += scopeFields + ',events_count=' + encodeInt(span.events.length);
    if (span.events.length > 0) fields += ',events=' + this.str(JSON.stringify(span.events.map(eventJson)));
    if (span.links.length > 0) fields += ',links=' + this.str(JSON.stringify(span.links.map(linkJson)));
    this.emit(series, fields + attrFields + resourceFields, span.startTimeUnixNano, fnv1a(span.spanId, fnv1a(span.traceId)));
  }

  // ---- logs ----

  private encodeLogs(batch: LogsBatch): void {
    for (const rl of batch.resourceLogs) {
      const res = this.resourceFragment(rl.resource);
      const seriesPrefix = 'logs' + res.tags;
      for (const sl of rl.scopeLogs) {
        const scope = this.scopeFields(sl.scope);
        for (const record of sl.logRecords) this.encodeLog(record, seriesPrefix, scope, res.fields);
      }
    }
  }

  private encodeLog(record: LogRecord, seriesPrefix: string, scopeFields: string, resourceFields: string): void {
    const [attrTags, attrFields] = this.splitAttributes(record.attributes, this.logFields, this.logTagKeys);
    const series = seriesPrefix + ',level=' + logLevel(record.severityNumber, record.severityText) + attrTags;
    const severity = record.severityText !== '' ? record.severityText : severityName(record.severityNumber);
    let fields = 'severity_number=' + encodeInt(record.severityNumber) + ',flags=' + encodeInt(record.flags);
    if (record.body !== null) fields += ',body=' + this.str(anyValueToText(record.body));
    if (severity !== '') fields += ',severity=' + this.str(severity);
    if (record.traceId !== '') fields += ',trace_id=' + this.str(record.traceId);
    if (record.spanId !== '') fields += ',span_id=' + this.str(record.spanId);
    if (record.eventName !== '') fields += ',event_name=' + this.str(record.eventName);
    fields += scopeFields + attrFields + resourceFields;
    const time =
      record.timeUnixNano !== 0n
        ? record.timeUnixNano
        : record.observedTimeUnixNano !== 0n
          ? record.observedTimeUnixNano
          : BigInt(Date.now()) * 1_000_000n;
    // A log has no id: its content is its identity, so only an identical record overwrites it.
    this.emit(series, fields, time, fnv1a(fields, fnv1a(series, fnv1a(time.toString()))));
  }

  // ---- metrics ----

  private measurement(name: string): string {
    let escaped = this.measurements.get(name);
    if (escaped === undefined) {
      // A metric must not land in a hermes measurement; ':' is outside OTel's name syntax, so no real name is hit.
      escaped = escapeMeasurement(HERMES_MEASUREMENTS.has(name) ? 'metric:' + name : name);
      if (this.measurements.size >= KEY_CACHE_LIMIT) this.measurements.clear();
      this.measurements.set(name, escaped);
    }
    return escaped;
  }

  /** Data point attributes as tags, sorted by key so a series key is canonical. */
  private pointTags(attributes: KeyValue[]): string {
    if (attributes.length === 0) return '';
    const pairs: [string, string][] = [];
    for (const kv of attributes) {
      if (kv.value === null) continue;
      pairs.push([this.metricTags.get(kv.key), anyValueToText(kv.value)]);
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let tags = '';
    for (const [key, value] of pairs) tags += tag(key, value);
    return tags;
  }

  private encodeMetrics(batch: MetricsBatch): void {
    for (const rm of batch.resourceMetrics) {
      const res = this.resourceFragment(rm.resource);
      for (const sm of rm.scopeMetrics) {
        const scopeHash = fnv1a(sm.scope.name + '\n' + sm.scope.version, res.hash);
        for (const metric of sm.metrics) this.encodeMetric(metric, res, scopeHash);
      }
    }
  }

  private encodeMetric(metric: Metric, res: ResourceFragment, scopeHash: number): void {
    const data = metric.data;
    if (data === undefined) return;
    const measurement = this.measurement(metric.name);
    const temporality = 'aggregationTemporality' in data ? (TEMPORALITY_TAG[data.aggregationTemporality] ?? '') : '';
    const prefix = measurement + res.tags + ',metric_type=' + data.type + temporality;
    const exemplarSeries = 'exemplars,metric=' + (escapeKey(metric.name) || '_') + ',service=' + res.service;
    for (const point of data.dataPoints) {
      const series = prefix + this.pointTags(point.attributes);
      let fields: string;
      if (data.type === 'gauge' || data.type === 'sum') fields = this.numberFields(point as NumberDataPoint);
      else if (data.type === 'histogram') fields = this.histogramFields(point as HistogramDataPoint);
      else if (data.type === 'exponential_histogram') {
        fields = this.distributionFields(point as ExponentialHistogramDataPoint, exponentialHistogramQuantile);
      }
      else fields = this.summaryFields(point as SummaryDataPoint);
      if (fields === '') {
        this.empty++;
        continue;
      }
      const time = point.timeUnixNano !== 0n ? point.timeUnixNano : point.startTimeUnixNano;
      const seriesHash = fnv1a(series, scopeHash);
      this.emit(series, fields.slice(1), time, seriesHash);
      if ('exemplars' in point) {
        for (const ex of point.exemplars) {
          const value = encodeFloat(ex.value);
          if (value === undefined) {
            this.nonFinite++;
            continue;
          }
          const exFields =
            'value=' + value + ',trace_id=' + this.str(ex.traceId) + ',span_id=' + this.str(ex.spanId);
          this.emit(exemplarSeries, exFields, ex.timeUnixNano, fnv1a(exFields, seriesHash));
        }
      }
    }
  }

  /** `,name=float` or '' (counted) when not finite or absent. */
  private floatField(name: string, value: number | undefined): string {
    if (value === undefined) return '';
    const encoded = encodeFloat(value);
    if (encoded === undefined) {
      this.nonFinite++;
      return '';
    }
    return ',' + name + '=' + encoded;
  }

  private numberFields(point: NumberDataPoint): string {
    return this.floatField('value', point.value);
  }

  /** count, sum, min, max and the estimated p50..p99 shared by both histogram kinds. */
  private distributionFields<P extends HistogramDataPoint | ExponentialHistogramDataPoint>(
    point: P,
    quantile: (point: P, q: number) => number | undefined,
  ): string {
    let fields =
      ',count=' +
      encodeInt(point.count) +
      this.floatField('sum', point.sum) +
      this.floatField('min', point.min) +
      this.floatField('max', point.max);
    for (const [q, name] of HISTOGRAM_QUANTILES) fields += this.floatField(name, quantile(point, q));
    return fields;
  }

  private histogramFields(point: HistogramDataPoint): string {
    let fields = this.distributionFields(point, histogramQuantile);
    let cumulative = 0;
    for (let i = 0; i < point.bucketCounts.length; i++) {
      cumulative += point.bucketCounts[i];
      const bound = i < point.explicitBounds.length ? String(point.explicitBounds[i]) : '+Inf';
      fields += ',' + escapeKey('le_' + bound) + '=' + encodeInt(cumulative);
    }
    return fields;
  }

  private encodeRecords(batch: RecordsBatch): void {
    for (const record of batch.records) this.encodeRecord(record);
  }

  /** A derived record: tags sorted so its series key is canonical, fields typed by JS type. */
  private encodeRecord(record: HermesRecord): void {
    let series = escapeMeasurement(record.measurement);
    for (const key of Object.keys(record.tags).sort()) {
      if (record.tags[key] !== '') series += tag(escapeKey(key), record.tags[key]);
    }
    let fields = '';
    for (const [key, value] of Object.entries(record.fields)) {
      let encoded: string | undefined;
      if (typeof value === 'string') encoded = this.str(value);
      else if (typeof value === 'bigint') encoded = encodeInt(value);
      else if (typeof value === 'boolean') encoded = value ? 't' : 'f';
      else if ((encoded = encodeFloat(value)) === undefined) this.nonFinite++;
      if (encoded !== undefined) fields += (fields === '' ? '' : ',') + escapeKey(key) + '=' + encoded;
    }
    if (fields === '') {
      this.empty++;
      return;
    }
    this.emit(series, fields, record.timeUnixNano, fnv1a(record.measurement + '\0' + record.identity));
  }

  private summaryFields(point: SummaryDataPoint): string {
    let fields = ',count=' + encodeInt(point.count) + this.floatField('sum', point.sum);
    for (const qv of point.quantileValues) fields += this.floatField(escapeKey(quantileFieldName(qv.quantile)), qv.value);
    return fields;
  }
}

function eventJson(event: Span['events'][number]): unknown {
  return {
    time_unix_nano: event.timeUnixNano.toString(),
    name: event.name,
    attributes: attributesToJson(event.attributes),
  };
}

function linkJson(link: Span['links'][number]): unknown {
  return {
    trace_id: link.traceId,
    span_id: link.spanId,
    trace_state: link.traceState,
    flags: link.flags,
    attributes: attributesToJson(link.attributes),
  };
}
