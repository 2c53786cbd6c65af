/**
 * A flood at several times what the collector can take, with small caps: a `hermes start`
 * process whose InfluxDB is away (so its write-ahead log fills up) gets far more than it can
 * hold from many senders at once. It must push back with 429/503 + Retry-After, keep its
 * resident memory under the budget, and lose nothing it acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { freePort, startInfluxd } from '../../dev/influxd';
import { hermesProcesses, stopProcess } from '../../../test/support/hermes-process';

/** The default budget (memoryLimitMiB). */
const BUDGET_MIB = 512;

function makeSpans(count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'flood' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('flood');
  for (let i = 0; i < count; i++) tracer.startSpan(`op ${i % 11}`, { attributes: { 'http.route': `/items/${i % 13}`, payload: 'x'.repeat(200) } }).end();
  return memory.getFinishedSpans();
}

function post(agent: Agent, port: number, body: Uint8Array): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident memory of a live process; 0 once it is gone (the test then fails on its exit). */
function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

it('pushes back with 429/503 + Retry-After, stays under its memory budget, and loses nothing it acknowledged', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hermes-flood-'));
  const influxd = await startInfluxd();
  const hermes = await hermesProcesses();
  const start = (influxUrl: string) =>
    hermes.start({
      HERMES_INFLUX_URL: influxUrl,
      HERMES_INFLUX_DATABASE: 'flood',
      HERMES_DATA_DIR: dataDir,
      HERMES_QUEUE_MAX_MIB: '8',
      HERMES_MEMORY_LIMIT_MIB: String(BUDGET_MIB),
    });
  let child = start(`http://127.0.0.1:${await freePort()}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 96 });
  try {
    await hermes.ready();
    // 24 distinct bodies of 2,000 spans (~1 MiB each), sent by 96 senders for 6 s: the log
    // (8 MiB) fills within the first second and every request after that must be pushed back.
    const bodies = Array.from({ length: 24 }, () => {
      const spans = makeSpans(2000);
      return { body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array, ids: spans.map((s) => s.spanContext().spanId) };
    });
    const statuses = new Map<number, number>();
    const acknowledged = new Set<string>();
    let missingRetryAfter = 0;
    let peakRssMiB = 0;
    const sampler = setInterval(() => (peakRssMiB = Math.max(peakRssMiB, rssMiB(child.pid as number))), 20);
    const until = Date.now() + 6_000;
    await Promise.all(
      Array.from({ length: 96 }, async (_, sender) => {
        for (let i = sender; Date.now() < until; i++) {
          const { body, ids } = bodies[i % bodies.length];
          const { status, retryAfter } = await post(agent, hermes.otlpPort, body);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200) for (const id of ids) acknowledged.add(id);
          else if (retryAfter === undefined) missingRetryAfter++;
        }
      }),
    );
    clearInterval(sampler);
    expect({ exitCode: child.exitCode, stderr: hermes.stderr }).toEqual({ exitCode: null, stderr: '' });
    expect([...statuses.keys()].filter((s) => ![200, 429, 503].includes(s))).toEqual([]);
    expect((statuses.get(429) ?? 0) + (statuses.get(503) ?? 0)).toBeGreaterThan(0);
    expect(missingRetryAfter).toBe(0);
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(peakRssMiB).toBeLessThan(BUDGET_MIB);

    // Started again with InfluxDB reachable, it writes everything it acknowledged.
    await stopProcess(child);
    child = start(influxd.url);
    await hermes.ready();
    const deadline = Date.now() + 30_000;
    let stored = new Set<string>();
    while (Date.now() < deadline) {
      const q = encodeURIComponent('SELECT span_id FROM spans');
      const body = (await (await fetch(`${influxd.url}/query?db=flood&q=${q}`)).json()) as { results: { series?: { values: [number, string][] }[] }[] };
      stored = new Set((body.results[0]?.series?.[0]?.values ?? []).map((row) => row[1]));
      if ([...acknowledged].every((id) => stored.has(id))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
  } finally {
    agent.destroy();
    await stopProcess(child);
    await influxd.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 90_000);
