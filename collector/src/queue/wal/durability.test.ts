/**
 * Acknowledged means durable, with real processes and real faults: InfluxDB stopped for 30 s
 * under steady load from the real OpenTelemetry exporter, and the collector killed with
 * SIGKILL in the middle of a load and started again on the same data folder. Every span a
 * sender was told is stored must be in InfluxDB exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { loadConfig } from '../../config';
import { freePort, startInfluxd, type RunningInfluxd } from '../../dev/influxd';
import { startCollector } from '../../service';
import { hermesProcesses, stopProcess } from '../../../test/support/hermes-process';

/** What an OpenTelemetry exporter reports per export (@opentelemetry/core's ExportResult; 0 is SUCCESS). */
type ExportResult = { code: number; error?: Error };
const SUCCESS = 0;
const folders: string[] = [];
const tempFolder = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
};

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** `count` finished spans of `service` made by the real SDK, with fresh ids. */
function makeSpans(service: string, count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('durability');
  for (let i = 0; i < count; i++) tracer.startSpan(`op ${i % 7}`).end();
  return memory.getFinishedSpans();
}

function exportWith(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function spanCounts(url: string, database: string): Promise<{ rows: number; distinct: number }> {
  const q = encodeURIComponent('SELECT count(span_id) AS "rows", count(distinct(span_id)) AS "distinct" FROM spans');
  const body = (await (await fetch(`${url}/query?db=${database}&q=${q}`)).json()) as { results: { series?: { values: number[][] }[] }[] };
  const values = body.results[0]?.series?.[0]?.values[0];
  return { rows: values?.[1] ?? 0, distinct: values?.[2] ?? 0 };
}

async function storedSpanIds(url: string, database: string): Promise<Set<string>> {
  const q = encodeURIComponent('SELECT span_id FROM spans');
  const body = (await (await fetch(`${url}/query?db=${database}&q=${q}`)).json()) as { results: { series?: { values: [number, string][] }[] }[] };
  return new Set((body.results[0]?.series?.[0]?.values ?? []).map((row) => row[1]));
}

describe('the write-ahead log', () => {
  it('rides out InfluxDB stopped for 30 s under steady load: nothing refused, every acknowledged span stored once', async () => {
    const influxDir = tempFolder('hermes-durability-influxd-');
    const httpPort = await freePort();
    let influxd: RunningInfluxd = await startInfluxd({ dataDir: influxDir, httpPort });
    const database = 'durability_outage';
    const collector = await startCollector(
      loadConfig({
        env: {
          HERMES_OTLP_HTTP_PORT: '0',
          HERMES_API_PORT: '0',
          HERMES_INFLUX_URL: influxd.url,
          HERMES_INFLUX_DATABASE: database,
          HERMES_DATA_DIR: tempFolder('hermes-durability-data-'),
          HERMES_MEMORY_LIMIT_MIB: '8192',
        },
      }),
    );
    const exporter = new OTLPTraceExporter({ url: `${collector.urls.otlpHttp}/v1/traces` });
    let acknowledged = 0;
    const failures: string[] = [];
    let sending = true;
    // 20 exports a second of 50 spans each, as a fleet of SDK batch processors would send.
    const load = (async () => {
      while (sending) {
        const spans = makeSpans('outage', 50);
        const result = await exportWith(exporter, spans);
        if (result.code === SUCCESS) acknowledged += spans.length;
        else failures.push(String(result.error?.message));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 3_000));
      await influxd.stop();
      const duringOutage = acknowledged;
      await new Promise((r) => setTimeout(r, 30_000));
      expect(acknowledged).toBeGreaterThan(duringOutage); // still taking spans while InfluxDB is away
      // Still ready: a load balancer must keep sending, the log holds the spans.
      const readyz = await fetch(`${collector.urls.api}/readyz`);
      const body = (await readyz.json()) as { checks: { name: string; ready: boolean; reason: string }[] };
      expect(readyz.status).toBe(200);
      expect(body.checks.find((c) => c.name === 'influxdb')?.reason).toMatch(/writes wait in the write-ahead log$/);
      influxd = await startInfluxd({ dataDir: influxDir, httpPort });
      await new Promise((r) => setTimeout(r, 3_000));
      sending = false;
      await load;
      await collector.written(60_000);
      expect(failures).toEqual([]);
      expect(await spanCounts(influxd.url, database)).toEqual({ rows: acknowledged, distinct: acknowledged });
    } finally {
      sending = false;
      await load;
      await exporter.shutdown();
      await collector.shutdown();
      await influxd.stop();
    }
  }, 120_000);

  it('keeps what it acknowledged through SIGKILL: started again on the same data folder, every acknowledged span is stored once', async () => {
    const influxd = await startInfluxd();
    const database = 'durability_sigkill';
    const dataDir = tempFolder('hermes-durability-kill-');
    const hermes = await hermesProcesses();
    const start = (influxUrl: string) => hermes.start({ HERMES_INFLUX_URL: influxUrl, HERMES_INFLUX_DATABASE: database, HERMES_DATA_DIR: dataDir });
    // First life: InfluxDB is unreachable, so whatever it acknowledges lives only in its log.
    let child = start(`http://127.0.0.1:${await freePort()}`);
    const acknowledged = new Set<string>();
    let sending = true;
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${hermes.otlpPort}/v1/traces`, timeoutMillis: 5_000 });
    try {
      await hermes.ready();
      const senders = Array.from({ length: 4 }, async () => {
        while (sending) {
          const spans = makeSpans('sigkill', 100);
          const result = await exportWith(exporter, spans);
          if (result.code === SUCCESS) for (const s of spans) acknowledged.add(s.spanContext().spanId);
        }
      });
      await new Promise((r) => setTimeout(r, 2_000));
      child.kill('SIGKILL'); // in the middle of the load
      await new Promise((r) => child.once('exit', r));
      sending = false;
      await Promise.all(senders);
      expect(acknowledged.size).toBeGreaterThan(0);

      // Second life, same folder, InfluxDB reachable: the log is read back and written.
      child = start(influxd.url);
      await hermes.ready();
      const deadline = Date.now() + 30_000;
      while ((await spanCounts(influxd.url, database)).distinct < acknowledged.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const stored = await storedSpanIds(influxd.url, database);
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      const counts = await spanCounts(influxd.url, database);
      expect(counts.rows).toBe(counts.distinct); // nothing stored twice
    } finally {
      sending = false;
      await stopProcess(child);
      await exporter.shutdown();
      await influxd.stop();
    }
  }, 90_000);
});
