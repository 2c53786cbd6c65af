/** Log records → `logs` points (docs/schema.md §4). */
import { anyValueToText } from '../../../model/any-value';
import type { LogRecord, LogsBatch } from '../../../model/telemetry';
import { fnv1a, SECOND_SEED } from '../identity';
import { encodeInt } from '../line-protocol';
import { LOG_COLUMNS, LOGS_MEASUREMENT, logLevel, severityName } from '../schema';
import { FieldNames, splitAttributes, type EncodeContext } from './context';
import { tagAttributes, type TagAttributes } from './tag-attributes';

export class LogEncoder {
  private readonly fields = new FieldNames(LOG_COLUMNS);
  private readonly tags: TagAttributes;

  constructor(configuredTagAttributes: readonly string[]) {
    this.tags = tagAttributes(configuredTagAttributes, LOG_COLUMNS);
  }

  encode(ctx: EncodeContext, batch: LogsBatch, nowMs: number): void {
    for (const rl of batch.resourceLogs) {
      const res = ctx.resource(rl.resource, nowMs);
      const seriesPrefix = LOGS_MEASUREMENT + res.tags;
      for (const sl of rl.scopeLogs) {
        const scope = ctx.scopeFields(sl.scope);
        for (const record of sl.logRecords) this.encodeLog(ctx, record, seriesPrefix, scope, res.idField);
      }
    }
  }

  private encodeLog(ctx: EncodeContext, record: LogRecord, seriesPrefix: string, scopeFields: string, resourceIdField: string): void {
    const [attrTags, attrFields] = splitAttributes(ctx, record.attributes, this.fields, this.tags.index, this.tags.keys);
    const series = seriesPrefix + ',level=' + logLevel(record.severityNumber, record.severityText) + attrTags;
    const severity = record.severityText !== '' ? record.severityText : severityName(record.severityNumber);
    let fields = 'severity_number=' + encodeInt(record.severityNumber) + ',flags=' + encodeInt(record.flags);
    if (record.body !== null) fields += ',body=' + ctx.str(anyValueToText(record.body));
    if (severity !== '') fields += ',severity=' + ctx.str(severity);
    if (record.traceId !== '') fields += ',trace_id=' + ctx.str(record.traceId);
    if (record.spanId !== '') fields += ',span_id=' + ctx.str(record.spanId);
    if (record.eventName !== '') fields += ',event_name=' + ctx.str(record.eventName);
    fields += scopeFields + attrFields + resourceIdField;
    const time =
      record.timeUnixNano !== 0n
        ? record.timeUnixNano
        : record.observedTimeUnixNano !== 0n
          ? record.observedTimeUnixNano
          : BigInt(Date.now()) * 1_000_000n;
    // A log has no id: its content is its identity, so only an identical record overwrites it.
    const hash = fnv1a(fields, fnv1a(series, fnv1a(time.toString())));
    // The second hash reads the content again from the other end: independent enough to tell two records apart.
    ctx.emit(series, fields, time, hash, fnv1a(fields.slice(-96) + series.slice(-32) + fields.length, SECOND_SEED));
  }
}
