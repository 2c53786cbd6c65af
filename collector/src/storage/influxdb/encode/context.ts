/**
 * What every signal's encoder shares: the lines of the batch being encoded, the counts of
 * what was lost on the way, point identity, and the escaped names of the schema (cached,
 * since the same few keys repeat on every item). One per encoder; state is reset per batch.
 */
import { anyValueToText } from '../../../model/any-value';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../../../model/telemetry';
import { fnv1a, PointClaims, SECOND_SEED } from '../identity';
import { encodeFloat, encodeStringField, escapeKey } from '../line-protocol';
import { attributeFieldName, attributeTagName, RESOURCE_PREFIX, RESOURCES_MEASUREMENT, resourceLabels, UNKNOWN_SERVICE, ValueKind } from '../schema';

/** What one batch became: lines (each ending in '\n') and what was lost on the way. */
export interface EncodedBatch {
  lines: string[];
  /** Lines that stand for one sent item each (spans, log records, data points); the rest are derived (exemplars). */
  itemLines: number;
  /** Fields skipped because their float was NaN or ±Infinity. */
  nonFiniteFields: number;
  /** String fields cut to InfluxDB's 64 KiB limit. */
  truncatedFields: number;
  /** Items that produced no point at all (a metric point without a value). */
  emptyItems: number;
  /** Items older than the retention policy keeps: InfluxDB would refuse them for good. */
  expiredItems: number;
}

const KEY_CACHE_LIMIT = 10_000;

/** A bounded memo: attribute keys are normally a bounded set; a sender inventing keys must not grow memory. */
export class NameCache {
  private readonly map = new Map<string, string>();

  constructor(private readonly make: (key: string) => string) {}

  get(key: string): string {
    let value = this.map.get(key);
    if (value === undefined) {
      value = this.make(key);
      if (this.map.size >= KEY_CACHE_LIMIT) this.map.clear();
      this.map.set(key, value);
    }
    return value;
  }
}

/** Escaped field keys of attributes, one cache per value kind. */
export class FieldNames {
  private readonly byKind: NameCache[];

  constructor(columns: ReadonlySet<string>, prefix = '') {
    const make = (kind: ValueKind) => new NameCache((key) => escapeKey(attributeFieldName(key, kind, columns, prefix)) || 'attr.');
    this.byKind = [make(ValueKind.STR), make(ValueKind.NUM), make(ValueKind.BOOL)];
  }

  get(key: string, kind: ValueKind): string {
    return this.byKind[kind].get(key);
  }
}

/** Escaped tag keys of attributes. */
export function tagNames(columns: ReadonlySet<string>, metric = false): NameCache {
  return new NameCache((key) => escapeKey(attributeTagName(key, columns, metric)) || 'attr.');
}

/** `,key=value` for a tag, or '' when the value is empty after escaping (influxd rejects empty tag values). */
export function tag(escapedKey: string, value: string): string {
  const escaped = escapeKey(value);
  return escaped === '' ? '' : ',' + escapedKey + '=' + escaped;
}

/** Per-resource fragments, computed once per ResourceSpans/ResourceLogs/ResourceMetrics. */
export interface ResourceFragment {
  /** `,environment=..,service=..,version=..` (absent values omitted). */
  tags: string;
  /** Escaped service name, for the exemplars measurement. */
  service: string;
  /** `,resource_id="<16 hex>"`: the field spans and logs carry instead of the resource's attributes. */
  idField: string;
  /** Identity seed: distinguishes two instances of one service. */
  hash: number;
}

const HOUR_MS = 3_600_000;

export class EncodeContext {
  lines: string[] = [];
  itemLines = 0;
  nonFinite = 0;
  truncated = 0;
  empty = 0;
  expired = 0;
  /** Points before this time (ns) are refused as InfluxDB would: older than the retention policy. */
  private minTimeNs = 0n;
  /** Kept across batches: identity must hold across requests, not only within one. */
  private readonly claims = new PointClaims();
  private readonly resourceFields: FieldNames;
  private readonly onTruncate = () => {
    this.truncated++;
  };

  constructor() {
    this.resourceFields = new FieldNames(new Set(), RESOURCE_PREFIX);
  }

  /** Starts a batch; `minTimeNs` is the oldest time the retention policy keeps (0n: any). */
  reset(minTimeNs: bigint): void {
    this.lines = [];
    this.itemLines = 0;
    this.nonFinite = 0;
    this.truncated = 0;
    this.empty = 0;
    this.expired = 0;
    this.minTimeNs = minTimeNs;
  }

  /** Takes the batch's result and leaves the context empty. */
  finish(): EncodedBatch {
    const result: EncodedBatch = {
      lines: this.lines,
      itemLines: this.itemLines,
      nonFiniteFields: this.nonFinite,
      truncatedFields: this.truncated,
      emptyItems: this.empty,
      expiredItems: this.expired,
    };
    this.lines = [];
    return result;
  }

  /**
   * Appends one point. `hash` and `hash2` are two independent hashes of the item's identity
   * (docs/schema.md §7); `item` is false for derived lines (exemplars).
   */
  emit(series: string, fields: string, timeNs: bigint, hash: number, hash2: number, item = true): void {
    if (timeNs < this.minTimeNs) {
      if (item) this.expired++;
      return;
    }
    const time = this.claims.claim(series, timeNs, hash, hash2);
    this.lines.push(series + ' ' + fields + ' ' + time + '\n');
    if (item) this.itemLines++;
  }

  str(value: string): string {
    return encodeStringField(value, this.onTruncate);
  }

  /** `,name=float` or '' (counted) when not finite or absent. */
  floatField(name: string, value: number | undefined): string {
    if (value === undefined) return '';
    const encoded = encodeFloat(value);
    if (encoded === undefined) {
      this.nonFinite++;
      return '';
    }
    return ',' + name + '=' + encoded;
  }

  /** `,key=value` for one attribute, typed by {@link attributeFieldName}'s rule; '' when skipped. */
  attributeField(names: FieldNames, key: string, value: AnyValue): string {
    switch (typeof value) {
      case 'string':
        return ',' + names.get(key, ValueKind.STR) + '=' + this.str(value);
      case 'number': {
        const encoded = encodeFloat(value);
        if (encoded === undefined) {
          this.nonFinite++;
          return '';
        }
        return ',' + names.get(key, ValueKind.NUM) + '=' + encoded;
      }
      case 'boolean':
        return ',' + names.get(key, ValueKind.BOOL) + '=' + (value ? 'true' : 'false');
      default:
        if (value === null) return '';
        return ',' + names.get(key, ValueKind.STR) + '=' + this.str(anyValueToText(value));
    }
  }

  /**
   * The resource's tags and id. Its attributes go into one `resources` point per batch (the
   * same point, at the start of the hour, for every batch of that resource in that hour:
   * docs/schema.md §5a), not on every span and log record: they are the same for the whole
   * batch, and InfluxDB's cost grows with the fields of every point. Written with every batch
   * rather than remembered as written, so it is in the same write-ahead log entry as the
   * items that refer to it, whatever happens to other batches.
   */
  resource(resource: Resource, nowMs: number): ResourceFragment {
    const labels = resourceLabels(resource.attributes);
    const service = escapeKey(labels.service) || UNKNOWN_SERVICE;
    const tags = tag('environment', labels.environment) + ',service=' + service + tag('version', labels.version);
    let fields = '';
    for (const kv of resource.attributes) fields += this.attributeField(this.resourceFields, kv.key, kv.value);
    const hash = fnv1a(fields, fnv1a(tags));
    const hash2 = fnv1a(tags, fnv1a(fields, SECOND_SEED));
    const id = hash.toString(16).padStart(8, '0') + hash2.toString(16).padStart(8, '0');
    const hourMs = nowMs - (nowMs % HOUR_MS);
    this.emit(RESOURCES_MEASUREMENT + tags, 'resource_id="' + id + '"' + fields, BigInt(hourMs) * 1_000_000n, hash, hash2, false);
    return { tags, service, idField: ',resource_id="' + id + '"', hash };
  }

  scopeFields(scope: InstrumentationScope): string {
    return (
      (scope.name === '' ? '' : ',scope_name=' + this.str(scope.name)) +
      (scope.version === '' ? '' : ',scope_version=' + this.str(scope.version))
    );
  }
}

/**
 * Span/log attributes split into the configured tags (in config order) and typed fields.
 * `tagIndex` maps a configured key to its position in `tagKeys` (escaped tag names).
 */
export function splitAttributes(
  ctx: EncodeContext,
  attributes: KeyValue[],
  names: FieldNames,
  tagIndex: ReadonlyMap<string, number>,
  tagKeys: readonly string[],
): [tags: string, fields: string] {
  let fields = '';
  let tagValues: (string | undefined)[] | undefined;
  for (const kv of attributes) {
    const index = tagIndex.get(kv.key);
    if (index !== undefined && kv.value !== null) {
      tagValues ??= new Array<string | undefined>(tagKeys.length);
      tagValues[index] = anyValueToText(kv.value);
    } else {
      fields += ctx.attributeField(names, kv.key, kv.value);
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
