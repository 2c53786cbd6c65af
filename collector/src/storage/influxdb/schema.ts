/**
 * The hermes schema v1 as rules both ways (docs/schema.md): which measurement, tag and field
 * names an item's parts are stored under, and, for readers, which attribute a stored key
 * came from. Names here are unescaped; line-protocol escaping is the encoder's business.
 */
import { anyValueToText, findAttribute } from '../../model/any-value';
import type { AnyValue, KeyValue } from '../../model/telemetry';

export const SCHEMA_VERSION = 2;

export const SPANS_MEASUREMENT = 'spans';
export const LOGS_MEASUREMENT = 'logs';
export const EXEMPLARS_MEASUREMENT = 'exemplars';
/** One point per resource (service instance) and hour: its attributes, which spans and logs refer to by resource_id. */
export const RESOURCES_MEASUREMENT = 'resources';
/** Measurements hermes writes itself; metrics of these names are moved to `metric:<name>`. */
const HERMES_MEASUREMENTS = new Set([SPANS_MEASUREMENT, LOGS_MEASUREMENT, EXEMPLARS_MEASUREMENT, RESOURCES_MEASUREMENT]);

/** The type an attribute value is stored as; the field key's suffix says which. */
export const enum ValueKind {
  STR = 0,
  NUM = 1,
  BOOL = 2,
}

const NUM_SUFFIX = ':num';
const BOOL_SUFFIX = ':bool';
const STR_SUFFIX = ':str';
export const ATTR_PREFIX = 'attr.';
export const RESOURCE_PREFIX = 'resource.';

/** Names every signal reserves; attribute keys equal to them are stored under `attr.`. */
const COMMON_COLUMNS = ['', 'time', 'service', 'environment', 'version'];
export const SPAN_COLUMNS: ReadonlySet<string> = new Set([
  ...COMMON_COLUMNS,
  'kind', 'status', 'trace_id', 'span_id', 'parent_span_id', 'name', 'duration_ns', 'status_message',
  'trace_state', 'flags', 'scope_name', 'scope_version', 'events', 'events_count', 'links', 'resource_id',
]);
export const LOG_COLUMNS: ReadonlySet<string> = new Set([
  ...COMMON_COLUMNS,
  'level', 'body', 'severity', 'severity_number', 'trace_id', 'span_id', 'event_name', 'flags',
  'scope_name', 'scope_version', 'resource_id',
]);
export const METRIC_TAG_COLUMNS: ReadonlySet<string> = new Set([...COMMON_COLUMNS, 'metric_type', 'temporality', 'value', 'count', 'sum', 'min', 'max']);
/** Metric field names that come in families (`p99`, `le_0.5`) and must never be tag keys. */
const METRIC_FIELD_FAMILY = /^(?:p\d|le_)/;

/** Whether an attribute key must be moved under `attr.`: reserved names and the prefixes hermes uses. */
function isReserved(key: string, columns: ReadonlySet<string>): boolean {
  return columns.has(key) || key.startsWith(ATTR_PREFIX) || key.startsWith(RESOURCE_PREFIX);
}

/**
 * The field name of a span or log attribute (`prefix` '') or of a resource attribute
 * (`prefix` 'resource.'). The suffix decides the field type, so a key that is a string in
 * one batch and a number in the next never conflicts: strings keep the key (`:str` appended
 * if it already ends in `:num`, `:bool` or `:str`, so the suffix is never ambiguous), numbers
 * go to `<key>:num`, booleans to `<key>:bool`.
 */
export function attributeFieldName(key: string, kind: ValueKind, columns: ReadonlySet<string>, prefix = ''): string {
  let name = prefix !== '' ? prefix + key : isReserved(key, columns) ? ATTR_PREFIX + key : key;
  if (kind === ValueKind.NUM) name += NUM_SUFFIX;
  else if (kind === ValueKind.BOOL) name += BOOL_SUFFIX;
  else if (name.endsWith(NUM_SUFFIX) || name.endsWith(BOOL_SUFFIX) || name.endsWith(STR_SUFFIX)) name += STR_SUFFIX;
  return name;
}

/** The tag name of a span/log attribute listed in tagAttributes, or of a metric point attribute. */
export function attributeTagName(key: string, columns: ReadonlySet<string>, metric = false): string {
  return isReserved(key, columns) || (metric && METRIC_FIELD_FAMILY.test(key)) ? ATTR_PREFIX + key : key;
}

/** What a stored span/log field or tag key holds: a column of the schema, or an attribute. */
export type StoredKey =
  | { source: 'column'; name: string }
  | { source: 'attribute' | 'resource'; key: string; kind: ValueKind };

/**
 * The inverse of {@link attributeFieldName} and {@link attributeTagName} for `spans` and `logs`:
 * turns a key read back from InfluxDB into the attribute it was written from.
 */
export function parseStoredKey(stored: string, columns: ReadonlySet<string>): StoredKey {
  let name = stored;
  let kind = ValueKind.STR;
  if (name.endsWith(STR_SUFFIX)) {
    name = name.slice(0, -STR_SUFFIX.length);
  } else if (name.endsWith(NUM_SUFFIX)) {
    name = name.slice(0, -NUM_SUFFIX.length);
    kind = ValueKind.NUM;
  } else if (name.endsWith(BOOL_SUFFIX)) {
    name = name.slice(0, -BOOL_SUFFIX.length);
    kind = ValueKind.BOOL;
  }
  if (name.startsWith(RESOURCE_PREFIX)) return { source: 'resource', key: name.slice(RESOURCE_PREFIX.length), kind };
  if (name.startsWith(ATTR_PREFIX)) return { source: 'attribute', key: name.slice(ATTR_PREFIX.length), kind };
  if (kind === ValueKind.STR && columns.has(name)) return { source: 'column', name };
  return { source: 'attribute', key: name, kind };
}

/** The measurement a metric is stored in: its name, moved aside when it would hit a hermes measurement. */
export function metricMeasurement(name: string): string {
  // ':' is outside OTel's metric name syntax, so no real name is hit.
  return HERMES_MEASUREMENTS.has(name) ? 'metric:' + name : name;
}

/** The common tags of every item of a resource (docs/schema.md §2); '' means absent. */
export interface ResourceLabels {
  service: string;
  environment: string;
  version: string;
}

export const UNKNOWN_SERVICE = 'unknown_service';

function text(value: AnyValue | undefined): string {
  return value == null ? '' : anyValueToText(value);
}

/**
 * `service` from service.name (else unknown_service), `environment` from
 * deployment.environment.name (else the older deployment.environment), `version` from
 * service.version. Every stage that labels by resource reads it here, so they agree.
 */
export function resourceLabels(attributes: KeyValue[]): ResourceLabels {
  const environment = text(findAttribute(attributes, 'deployment.environment.name')) || text(findAttribute(attributes, 'deployment.environment'));
  return {
    service: text(findAttribute(attributes, 'service.name')) || UNKNOWN_SERVICE,
    environment,
    version: text(findAttribute(attributes, 'service.version')),
  };
}

const LEVELS = ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** The `level` tag from an OTLP severity number (1-24), else from the severity text. */
export function logLevel(severityNumber: number, severityText: string): string {
  if (severityNumber >= 1 && severityNumber <= 24) return LEVELS[Math.ceil(severityNumber / 4)];
  const lower = severityText.toLowerCase();
  if (lower.startsWith('trace')) return 'trace';
  if (lower.startsWith('debug')) return 'debug';
  if (lower.startsWith('info') || lower.startsWith('notice')) return 'info';
  if (lower.startsWith('warn')) return 'warn';
  if (lower.startsWith('err')) return 'error';
  if (/^(?:fatal|crit|alert|emerg|panic)/.test(lower)) return 'fatal';
  return 'unspecified';
}

/** OTLP's short name for a severity number: 9 → INFO, 10 → INFO2; '' when out of range. */
export function severityName(severityNumber: number): string {
  if (severityNumber < 1 || severityNumber > 24) return '';
  const base = SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)];
  const step = (severityNumber - 1) % 4;
  return step === 0 ? base : base + String(step + 1);
}

const DURATION_UNIT_NS: Record<string, bigint> = {
  ns: 1n, u: 1_000n, µ: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n, w: 604_800_000_000_000n,
};

/** An InfluxQL duration literal (`7d`, `1h30m`) in ns; undefined for `INF` (keep forever). */
export function durationNs(text: string): bigint | undefined {
  if (/^inf$/i.test(text)) return undefined;
  let total = 0n;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/gi)) total += BigInt(amount) * DURATION_UNIT_NS[unit.toLowerCase()];
  return total === 0n ? undefined : total;
}
