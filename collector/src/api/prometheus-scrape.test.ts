/**
 * A real Prometheus (Debian's `prometheus`) scrapes the collector's /metrics: the
 * exposition must parse, and the ingest counters must read what was sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { freePort } from '../dev/influxd';
import type { RunningCollector } from '../service';
import { dropTestDatabase, startTestCollector } from '../../test/support/collector';

const database = `prom_${process.pid}`;
let collector: RunningCollector;
let prometheus: ChildProcess | undefined;
let promUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'hermes-prometheus-'));

beforeAll(async () => {
  collector = await startTestCollector(database);
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: hermes\n    static_configs:\n      - targets: ['${new URL(collector.urls.api).host}']\n`,
  );
  prometheus = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await collector?.shutdown();
  await dropTestDatabase(database);
  rmSync(dir, { recursive: true, force: true });
});

async function promQuery(expr: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { data?: { result: { value: [number, string] }[] } };
    const first = body.data?.result[0];
    return first ? Number(first.value[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function eventually(expr: string, expected: number, timeoutMs = 12_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = await promQuery(expr);
    if (last === expected) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

describe('GET /metrics scraped by Prometheus', () => {
  it('is up and reports the spans received and the points written', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    for (let i = 0; i < 7; i++) provider.getTracer('prom-test').startSpan(`op-${i}`).end();
    const body = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array;
    const res = await fetch(`${collector.urls.otlpHttp}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } });
    expect(res.status).toBe(200);

    expect(await eventually('up{job="hermes"}', 1)).toBe(1);
    expect(await eventually('sum(hermes_receiver_items_received_total{signal="traces"})', 7)).toBe(7);
    // 7 spans and the batch's `resources` point (docs/schema.md §5a).
    expect(await eventually('sum(hermes_exporter_points_written_total)', 8)).toBe(8);
  }, 45_000);
});
