/** Builders of decoded OTLP batches and an InfluxQL reader, for the exporter's tests. */
import type {
  AnyValue,
  KeyValue,
  LogRecord,
  LogsBatch,
  Metric,
  MetricsBatch,
  Span,
  TracesBatch,
} from '../../../model/telemetry';
import { silentLogger } from '../../../pipeline/logger';
import { SelfMetrics } from '../../../pipeline/self-metrics';
import { influxdbExporterConfigSchema, type InfluxdbExporterConfig } from '../config';
import { InfluxStorage, influxStorageConfigSchema, type InfluxStorageConfig } from '../../../storage/influxdb';
import { InfluxdbExporter } from '../exporter';

export function attrs(record: Record<string, AnyValue>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/** A whole second an hour ago: recent enough for a 7d retention policy, millisecond precision. */
export const T0 = BigInt(Math.floor(Date.now() / 1000) - 3600) * 1_000_000_000n;

let spanCounter = 0;

/** A span with fresh ids; times default to a millisecond-precision timestamp. */
export function span(overrides: Partial<Span> = {}): Span {
  spanCounter++;
  const start = T0;
  return {
    traceId: spanCounter.toString(16).padStart(32, '0'),
    spanId: spanCounter.toString(16).padStart(16, 'a'),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'GET /items',
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1_500_000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...overrides,
  };
}

export function traces(spans: Span[], resource: Record<string, AnyValue> = { 'service.name': 'checkout' }): TracesBatch {
  return {
    signal: 'traces',
    resourceSpans: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'test', version: '1.0', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
      },
    ],
  };
}

export function logRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: T0,
    observedTimeUnixNano: 0n,
    severityNumber: 9,
    severityText: '',
    body: 'hello',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...overrides,
  };
}

export function logs(records: LogRecord[], resource: Record<string, AnyValue> = { 'service.name': 'checkout' }): LogsBatch {
  return {
    signal: 'logs',
    resourceLogs: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [{ scope: { name: 'log', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', logRecords: records }],
      },
    ],
  };
}

export function metrics(list: Metric[], resource: Record<string, AnyValue> = { 'service.name': 'checkout' }): MetricsBatch {
  return {
    signal: 'metrics',
    resourceMetrics: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [{ scope: { name: 'meter', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', metrics: list }],
      },
    ],
  };
}

export function gauge(name: string, value: number, attributes: Record<string, AnyValue> = {}, timeUnixNano = T0): Metric {
  return {
    name,
    description: '',
    unit: '',
    metadata: [],
    data: {
      type: 'gauge',
      dataPoints: [{ attributes: attrs(attributes), startTimeUnixNano: 0n, timeUnixNano, value, exemplars: [], flags: 0 }],
    },
  };
}

export interface Series {
  name: string;
  columns: string[];
  values: unknown[][];
  tags?: Record<string, string>;
}

/** Runs InfluxQL against `db` (times as RFC 3339 text, exact to the ns) and returns the first statement's series. */
export async function query(url: string, db: string, q: string): Promise<Series[]> {
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
  const result = body.results?.[0] ?? { error: body.error ?? 'no result' };
  if (result.error) throw new Error(result.error);
  return result.series ?? [];
}

/** Rows of the first series as objects keyed by column. */
export async function rows(url: string, db: string, q: string): Promise<Record<string, unknown>[]> {
  const [series] = await query(url, db, q);
  if (!series) return [];
  return series.values.map((row) => Object.fromEntries(series.columns.map((c, i) => [c, row[i]])));
}

/**
 * An exporter on `url`/`db` with its own metrics registry; fast flushes unless overridden.
 * `overrides` may set exporter keys and storage keys alike.
 */
export function testExporter(
  url: string,
  database: string,
  overrides: Partial<InfluxdbExporterConfig> & Partial<InfluxStorageConfig> = {},
): { exporter: InfluxdbExporter; metrics: SelfMetrics } {
  const metrics = new SelfMetrics();
  const storageKeys = new Set(Object.keys(influxStorageConfigSchema.shape));
  const pick = (storage: boolean) => Object.fromEntries(Object.entries(overrides).filter(([key]) => storageKeys.has(key) === storage));
  const config = influxdbExporterConfigSchema.parse({ flushIntervalMs: 20, ...pick(false) });
  const host = { storage: new InfluxStorage(influxStorageConfigSchema.parse({ url, database, ...pick(true) })), dataDir: '.hermes/test-data' };
  const exporter = new InfluxdbExporter({ id: 'influxdb', logger: silentLogger, metrics, host }, config);
  return { exporter, metrics };
}

/** The dropped-points counter for one reason. */
export async function droppedPoints(metrics: SelfMetrics, reason: string): Promise<number> {
  const { values } = await metrics.pointsDropped.get();
  return values.filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

/** Points InfluxDB acknowledged. */
export async function writtenPoints(metrics: SelfMetrics): Promise<number> {
  const { values } = await metrics.pointsWritten.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
