/** The storage module: InfluxDB connection, auth, schema (both ways), encoder, writer and query client. */
export { influxStorageConfigSchema, type InfluxStorageConfig } from './config';
export { InfluxStorage, type WriterTuning } from './storage';
export { BatchEncoder, type EncodedBatch, type EncoderOptions } from './encode';
export { InfluxWriter, type WriteReceipt, type DropReason } from './writer';
export { InfluxQueryClient, identifier, stringLiteral, timeLiteral, type InfluxQueryConfig, type QuerySeries } from './query';
export {
  SCHEMA_VERSION,
  SPANS_MEASUREMENT,
  LOGS_MEASUREMENT,
  EXEMPLARS_MEASUREMENT,
  SPAN_COLUMNS,
  LOG_COLUMNS,
  ValueKind,
  attributeFieldName,
  attributeTagName,
  parseStoredKey,
  resourceLabels,
  logLevel,
  severityName,
  type ResourceLabels,
  type StoredKey,
} from './schema';
