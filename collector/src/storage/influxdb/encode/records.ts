/** Records Hermes derives (deployments, error occurrences, ...) → one point each, as they are shaped. */
import type { HermesRecord, RecordsBatch } from '../../../model/telemetry';
import { fnv1a, SECOND_SEED } from '../identity';
import { encodeFloat, encodeInt, escapeKey, escapeMeasurement } from '../line-protocol';
import { tag, type EncodeContext } from './context';

export function encodeRecords(ctx: EncodeContext, batch: RecordsBatch): void {
  for (const record of batch.records) encodeRecord(ctx, record);
}

/** Tags sorted so the series key is canonical, fields typed by their JS type. */
function encodeRecord(ctx: EncodeContext, record: HermesRecord): void {
  let series = escapeMeasurement(record.measurement);
  for (const key of Object.keys(record.tags).sort()) {
    if (record.tags[key] !== '') series += tag(escapeKey(key), record.tags[key]);
  }
  let fields = '';
  for (const [key, value] of Object.entries(record.fields)) {
    let encoded: string | undefined;
    if (typeof value === 'string') encoded = ctx.str(value);
    else if (typeof value === 'bigint') encoded = encodeInt(value);
    else if (typeof value === 'boolean') encoded = value ? 't' : 'f';
    else if ((encoded = encodeFloat(value)) === undefined) ctx.nonFinite++;
    if (encoded !== undefined) fields += (fields === '' ? '' : ',') + escapeKey(key) + '=' + encoded;
  }
  if (fields === '') {
    ctx.empty++;
    return;
  }
  const identity = record.measurement + '\0' + record.identity;
  ctx.emit(series, fields, record.timeUnixNano, fnv1a(identity), fnv1a(identity, SECOND_SEED));
}
