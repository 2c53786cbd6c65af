/**
 * End to end: the real OpenTelemetry JS SDK exporters (OTLP/HTTP protobuf and JSON) send
 * traces, metrics and logs to a running collector; InfluxQL against the real influxd
 * checks what landed. Exporters resolve only after the collector acknowledged, and the
 * collector acknowledges only after InfluxDB did, so queries run right after a flush.
 */
import { DiagLogLevel, SeverityNumber, SpanKind, SpanStatusCode, context, diag, trace, type Attributes } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InfluxDB } from 'influx';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningCollector } from './service';
import { dropTestDatabase, startTestCollector } from '../test/support/collector';

const influxUrl = new URL(process.env.HERMES_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086');
const database = `e2e_${process.pid}`;
const influx = new InfluxDB({ host: influxUrl.hostname, port: Number(influxUrl.port), database });

let collector: RunningCollector;
let endpoint: string;

beforeAll(async () => {
  collector = await startTestCollector(database);
  endpoint = collector.urls.otlpHttp;
});

afterAll(async () => {
  await collector?.shutdown();
  await dropTestDatabase(database);
});

const formats = [
  { name: 'protobuf', Trace: ProtoTraceExporter, Metric: ProtoMetricExporter, Log: ProtoLogExporter },
  { name: 'json', Trace: JsonTraceExporter, Metric: JsonMetricExporter, Log: JsonLogExporter },
] as const;

function resourceFor(service: string) {
  return resourceFromAttributes({
    'service.name': service,
    'service.version': '2.0.1',
    'deployment.environment.name': 'e2e',
    'host.name': 'e2e-host',
  });
}

type Row = Record<string, unknown>;
async function rows(query: string): Promise<Row[]> {
  return (await influx.query(query)) as unknown as Row[];
}

describe.each(formats)('OTLP/HTTP $name from the OpenTelemetry JS SDK', (format) => {
  const service = `e2e-${format.name}`;

  it('stores spans with their ids, parent, duration, attributes, kind and status', async () => {
    const provider = new TracerProvider({
      resource: resourceFor(service),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new format.Trace({ url: `${endpoint}/v1/traces` }) })],
    });
    const tracer = provider.getTracer('e2e-tracer', '1.2.3');
    const start = Date.now() - 5_000;
    const parent = tracer.startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'url.path': '/orders/42' },
    });
    const parentCtx = trace.setSpan(context.active(), parent);
    const attributes: Attributes = {
      'db.query.text': 'SELECT * FROM orders WHERE id = $1',
      'db.rows': 3,
      'ratio': 0.25,
      'cache.hit': false,
      'tags': ['a', 'b'],
    };
    const child = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: start + 10, attributes }, parentCtx);
    child.addEvent('retry', { attempt: 2 }, start + 20);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
    child.end(start + 35);
    parent.end(start + 250);
    await provider.shutdown();
    await collector.written();

    const traceId = parent.spanContext().traceId;
    const stored = await rows(`SELECT * FROM spans WHERE trace_id = '${traceId}' ORDER BY time`);
    expect(stored).toHaveLength(2);
    const [p, c] = stored;
    expect(p).toMatchObject({
      service,
      environment: 'e2e',
      version: '2.0.1',
      kind: 'server',
      status: 'unset',
      name: 'GET /orders/:id',
      span_id: parent.spanContext().spanId,
      parent_span_id: '',
      duration_ns: 250_000_000,
      'http.route': '/orders/:id',
      'url.path': '/orders/42',
    });
    expect(c).toMatchObject({
      kind: 'client',
      status: 'error',
      status_message: 'deadlock detected',
      span_id: child.spanContext().spanId,
      parent_span_id: parent.spanContext().spanId,
      duration_ns: 25_000_000,
      'db.query.text': 'SELECT * FROM orders WHERE id = $1',
      scope_name: 'e2e-tracer',
      events_count: 1,
    });
    expect(JSON.stringify(c)).toContain('retry');
    // numbers, booleans and arrays are kept with their values, whatever field naming holds them
    const values = Object.entries(c).filter(([k]) => k.startsWith('db.rows') || k.startsWith('ratio') || k.startsWith('cache.hit') || k.startsWith('tags'));
    expect(values.map(([, v]) => v)).toEqual(expect.arrayContaining([3, 0.25, false]));
  });

  it('stores counters, histograms and gauges by metric name with exact values', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new format.Metric({
        url: `${endpoint}/v1/metrics`,
        temporalityPreference: AggregationTemporality.CUMULATIVE,
      }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ resource: resourceFor(service), readers: [reader] });
    const meter = provider.getMeter('e2e-meter');
    const counter = meter.createCounter(`e2e.${format.name}.orders`);
    counter.add(5, { 'payment.method': 'card' });
    counter.add(2, { 'payment.method': 'card' });
    counter.add(4, { 'payment.method': 'cash' });
    const histogram = meter.createHistogram(`e2e.${format.name}.latency`, { unit: 'ms' });
    for (const v of [3, 7, 12, 40, 400]) histogram.record(v, { route: '/a' });
    const gauge = meter.createGauge(`e2e.${format.name}.temperature`);
    gauge.record(21.5);
    await provider.shutdown();
    await collector.written();

    const counts = await rows(`SELECT last(value) FROM "e2e.${format.name}.orders" GROUP BY "payment.method"`);
    const byMethod = Object.fromEntries(counts.map((r) => [r['payment.method'], r.last]));
    expect(byMethod).toEqual({ card: 7, cash: 4 });
    const [h] = await rows(`SELECT last("count") AS c, last("sum") AS s, last("min") AS lo, last("max") AS hi FROM "e2e.${format.name}.latency" WHERE service = '${service}'`);
    expect(h).toMatchObject({ c: 5, s: 462, lo: 3, hi: 400 });
    const [g] = await rows(`SELECT last(value) FROM "e2e.${format.name}.temperature"`);
    expect(g.last).toBe(21.5);
  });

  it('stores log records with body, severity and trace context', async () => {
    const provider = new LoggerProvider({
      resource: resourceFor(service),
      processors: [new SimpleLogRecordProcessor({ exporter: new format.Log({ url: `${endpoint}/v1/logs` }) })],
    });
    const logger = provider.getLogger('e2e-logger');
    const traceId = '5b8aa5a2d2c872e8321cf37308d69df2';
    const spanId = '051581bf3cb55c13';
    const ctx = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1 });
    logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `card declined (${format.name})`, context: ctx, attributes: { 'order.id': 42 } });
    logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `order placed (${format.name})` });
    logger.emit({ severityNumber: SeverityNumber.WARN, body: { reason: 'slow', ms: 1200 } });
    await provider.shutdown();
    await collector.written();

    const stored = await rows(`SELECT * FROM logs WHERE service = '${service}' ORDER BY time`);
    expect(stored).toHaveLength(3);
    const error = stored.find((r) => r.level === 'error');
    expect(error).toMatchObject({ body: `card declined (${format.name})`, severity: 'ERROR', trace_id: traceId, span_id: spanId });
    expect(stored.find((r) => r.level === 'info')).toMatchObject({ body: `order placed (${format.name})` });
    const warn = stored.find((r) => r.level === 'warn');
    expect(JSON.parse(String(warn?.body))).toEqual({ reason: 'slow', ms: 1200 });
  });
});

/** The OpenTelemetry SDK's warnings (where its exporters report partial success), until diag.disable(). */
function captureDiagWarnings(): string[] {
  const warnings: string[] = [];
  const capture = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  diag.setLogger({ error: capture, warn: capture, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  return warnings;
}

describe('items InfluxDB refuses for good', () => {
  const refusingDb = `e2e_refused_${process.pid}`;
  let short: RunningCollector;

  beforeAll(async () => {
    // A one-hour retention policy: influxd refuses, for good, a point older than that.
    short = await startTestCollector(refusingDb, { HERMES_INFLUX_RETENTION: '1h' });
  });

  afterAll(async () => {
    diag.disable();
    await short?.shutdown();
    await dropTestDatabase(refusingDb);
  });

  it('reach the OpenTelemetry SDK as partial success, while the rest is stored', async () => {
    const warnings = captureDiagWarnings();
    const provider = new TracerProvider({
      resource: resourceFor('e2e-refused'),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new ProtoTraceExporter({ url: `${short.urls.otlpHttp}/v1/traces` }) })],
    });
    const tracer = provider.getTracer('e2e');
    const threeHoursAgo = Date.now() - 3 * 3600_000;
    tracer.startSpan('too old', { startTime: threeHoursAgo }).end(threeHoursAgo + 5);
    tracer.startSpan('fresh').end();
    await provider.shutdown();
    await short.written();

    // Known before the write: refused at encoding, so the sender hears of it even though the
    // write-ahead log acknowledges before InfluxDB sees the batch.
    expect(warnings.join('\n')).toMatch(/Received Partial Success response:.*"rejectedSpans":"?1"?.*older than the retention policy keeps \(1h\)/);
    const stored = await new InfluxDB({ host: influxUrl.hostname, port: Number(influxUrl.port), database: refusingDb }).query('SELECT "name" FROM spans');
    expect((stored as unknown as Row[]).map((r) => r.name)).toEqual(['fresh']);
  });

  it('with no write-ahead log, InfluxDB\'s own refusals reach the SDK as partial success', async () => {
    const conflictDb = `e2e_conflict_${process.pid}`;
    const direct = await startTestCollector(conflictDb, { HERMES_QUEUE: 'none' });
    try {
      // `colour` exists as a float in this shard: a string colour is refused for good.
      const res = await fetch(`${influxUrl.origin}/write?db=${conflictDb}&rp=hermes`, { method: 'POST', body: 'spans colour=1' });
      expect(res.status).toBe(204);
      const warnings = captureDiagWarnings();
      const provider = new TracerProvider({
        resource: resourceFor('e2e-conflict'),
        spanProcessors: [new SimpleSpanProcessor({ exporter: new ProtoTraceExporter({ url: `${direct.urls.otlpHttp}/v1/traces` }) })],
      });
      provider.getTracer('e2e').startSpan('conflicting', { attributes: { colour: 'red' } }).end();
      provider.getTracer('e2e').startSpan('fine', { attributes: { size: 'xl' } }).end();
      await provider.shutdown();
      expect(warnings.join('\n')).toMatch(/Received Partial Success response:.*"rejectedSpans":"?1"?.*field type conflict/);
      const stored = await new InfluxDB({ host: influxUrl.hostname, port: Number(influxUrl.port), database: conflictDb }).query('SELECT "name" FROM spans WHERE "name" <> \'\'');
      expect((stored as unknown as Row[]).map((r) => r.name)).toEqual(['fine']);
    } finally {
      await direct.shutdown();
      await dropTestDatabase(conflictDb);
    }
  });
});

describe('pipelines from the config file', () => {
  const db = `e2e_pipelines_${process.pid}`;
  let folder: string;
  let split: RunningCollector;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'hermes-pipelines-'));
    const configPath = join(folder, 'hermes.yaml');
    // Traces are analysed for errors; logs are stored as they are; metrics have no pipeline.
    writeFileSync(
      configPath,
      [
        'service:',
        '  pipelines:',
        '    traces:',
        '      signals: [traces]',
        '      receivers: [otlp_http, api]',
        '      processors: [errors]',
        '      exporters: [influxdb]',
        '    logs:',
        '      signals: [logs]',
        '      receivers: [otlp_http]',
        '      exporters: [influxdb]',
        '',
      ].join('\n'),
    );
    split = await startTestCollector(db, {}, configPath);
  });

  afterAll(async () => {
    await split?.shutdown();
    await dropTestDatabase(db);
    rmSync(folder, { recursive: true, force: true });
  });

  const oneGauge = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: String(Date.now() * 1e6) }] } }] }] }] };
  const exception = { 'exception.type': 'TypeError', 'exception.message': 'x is undefined', 'exception.stacktrace': 'TypeError: x is undefined\n    at f (/srv/app/a.js:1:1)' };

  it('runs each signal through its own pipeline, and refuses a signal no pipeline takes', async () => {
    const traces = new TracerProvider({
      resource: resourceFor('e2e-pipelines'),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new ProtoTraceExporter({ url: `${split.urls.otlpHttp}/v1/traces` }) })],
    });
    const span = traces.getTracer('e2e').startSpan('failing');
    span.addEvent('exception', exception);
    span.end();
    await traces.shutdown();
    const logs = new LoggerProvider({
      resource: resourceFor('e2e-pipelines'),
      processors: [new SimpleLogRecordProcessor({ exporter: new ProtoLogExporter({ url: `${split.urls.otlpHttp}/v1/logs` }) })],
    });
    logs.getLogger('e2e').emit({ severityNumber: SeverityNumber.ERROR, body: 'failed', attributes: exception });
    await logs.shutdown();
    await split.written();

    const query = (q: string) => new InfluxDB({ host: influxUrl.hostname, port: Number(influxUrl.port), database: db }).query(q) as Promise<unknown> as Promise<Row[]>;
    expect(await query('SELECT "name" FROM spans')).toHaveLength(1);
    expect(await query('SELECT body FROM logs')).toHaveLength(1);
    // Only the span's exception went through the errors processor.
    const occurrences = await query('SELECT span_id FROM error_occurrences');
    expect(occurrences.map((o) => o.span_id)).toEqual([span.spanContext().spanId]);

    const metrics = await fetch(`${split.urls.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(oneGauge) });
    expect(metrics.status).toBe(404);
    expect(((await metrics.json()) as { message: string }).message).toBe('no such endpoint: no pipeline takes metrics from otlp_http');
  });
});

describe('point identity across requests', () => {
  const db = `e2e_identity_${process.pid}`;
  let same: RunningCollector;

  beforeAll(async () => {
    same = await startTestCollector(db);
  });

  afterAll(async () => {
    await same?.shutdown();
    await dropTestDatabase(db);
  });

  it('stores 10,000 spans of one series started in one millisecond, sent in 20 requests, once each, also when sent again', async () => {
    const startMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const bodies = Array.from({ length: 20 }, (_, r) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'same-ms' } }] },
            scopeSpans: [
              {
                spans: Array.from({ length: 500 }, (_, i) => ({
                  traceId: hex(r * 500 + i + 1, 32),
                  spanId: hex(r * 500 + i + 1, 16),
                  name: 'GET /same',
                  kind: 2,
                  startTimeUnixNano: String(BigInt(startMs) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(startMs + 3) * 1_000_000n),
                })),
              },
            ],
          },
        ],
      }),
    );
    const send = async () => {
      for (const body of bodies) {
        const res = await fetch(`${same.urls.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(res.status).toBe(200);
      }
      await same.written();
    };
    const count = async () => {
      const rows = (await new InfluxDB({ host: influxUrl.hostname, port: Number(influxUrl.port), database: db }).query(
        "SELECT count(span_id) FROM spans WHERE service = 'same-ms'",
      )) as unknown as Row[];
      return rows[0]?.count;
    };
    await send();
    expect(await count()).toBe(10_000);
    await send();
    expect(await count()).toBe(10_000);
  });
});
