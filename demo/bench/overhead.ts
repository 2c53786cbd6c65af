/**
 * The SDK's overhead on the demo app (issue 5's goal: under 10% throughput cost).
 *
 * The same shop and payments services, on the same PostgreSQL, run without Hermes and with it
 * (`node --import @hermes/sdk/register`, default configuration: every default
 * auto-instrumentation, runtime/host/events instrumentations, OTLP http/protobuf export).
 * Per endpoint: maximum throughput (closed loop, BENCH_CONCURRENCY in flight) and latency at the
 * same fixed rate for both (open loop, a quarter of the baseline's maximum, which both sustain). Runs alternate baseline
 * and SDK (BENCH_ROUNDS rounds) so drift on a shared machine hits both alike; figures are medians
 * over rounds.
 *
 * On a shared machine throughput swings with other load, so each run also reports the CPU
 * time the two services spent per request (from /proc): the SDK's cost that does not depend
 * on how busy the neighbours are. A service whose CPU per request grows by x% loses about
 * x/(100+x) of its throughput once CPU-bound.
 *
 * Telemetry goes to a sink in this process that reads and discards each export (200, empty
 * body): the figure is the cost inside the app, not the collector's, which would compete for
 * the same cores here. Everything is on loopback.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { startDemoServices } from '../src/app/launch';
import { startPostgres } from '../src/app/postgres';
import { IN_STOCK_IDS } from '../src/app/catalog';
import { runLoad, type LoadRequest, type LoadResult } from './load';

const durationMs = Number(process.env.BENCH_DURATION_S ?? 8) * 1000;
const warmupMs = Number(process.env.BENCH_WARMUP_S ?? 2) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
/** Short names to switch off in the SDK runs (HERMES_DISABLED_INSTRUMENTATIONS), to attribute the cost. */
const sdkDisabled = process.env.BENCH_SDK_DISABLED ?? '';

interface Endpoint {
  name: string;
  next: () => LoadRequest;
}

let counter = 0;
const allEndpoints: Endpoint[] = [
  {
    name: 'GET /products/:id (1 query)',
    next: () => ({ method: 'GET', path: `/products/${IN_STOCK_IDS[counter++ % IN_STOCK_IDS.length]}` }),
  },
  {
    name: 'POST /checkout (3 queries + payments call)',
    next: () => ({
      method: 'POST',
      path: '/checkout',
      body: JSON.stringify({ productId: IN_STOCK_IDS[counter++ % IN_STOCK_IDS.length], quantity: 1, card: '4242424242424242' }),
    }),
  },
];

/** BENCH_ENDPOINTS=products (or checkout) runs only the endpoints whose name contains it. */
const endpoints = allEndpoints.filter((e) => e.name.includes(process.env.BENCH_ENDPOINTS ?? ''));

type Mode = 'baseline' | 'sdk';

interface Sink {
  url: string;
  requests: number;
  bytes: number;
  server: Server;
}

/** An OTLP/HTTP endpoint that reads every export and answers an empty success. */
async function startSink(): Promise<Sink> {
  const sink: Sink = { url: '', requests: 0, bytes: 0, server: undefined as unknown as Server };
  sink.server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (sink.bytes += chunk.length));
    req.on('end', () => {
      sink.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}`;
  return sink;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of the file (utime, stime), counted after "pid (comm) ", in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  console.log(`SDK overhead on the demo app: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  if (sdkDisabled) console.log(`  SDK runs with these instrumentations off: ${sdkDisabled}`);
  console.log(`  ${rounds} rounds × (baseline, sdk); per endpoint ${warmupMs / 1000}s warm-up, ${durationMs / 1000}s closed loop at ${concurrency} in flight, ${durationMs / 1000}s open loop at a quarter of the baseline's maximum\n`);
  const postgres = await startPostgres();
  const sink = await startSink();
  const results = new Map<string, { max: LoadResult[]; fixed: LoadResult[]; cpuMs: number[] }>();
  const fixedRate = new Map<string, number>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['baseline', 'sdk'] as Mode[]) {
        const demo = await startDemoServices({
          databaseUrl: postgres.url,
          otlpEndpoint: mode === 'sdk' ? sink.url : undefined,
          apiUrl: sink.url,
          output: 'ignore',
          env: sdkDisabled ? { HERMES_DISABLED_INSTRUMENTATIONS: sdkDisabled } : undefined,
        });
        try {
          for (const endpoint of endpoints) {
            const load = (extra: { concurrency?: number; ratePerSecond?: number }, ms: number) =>
              runLoad({ baseUrl: demo.shop.url, next: endpoint.next, durationMs: ms, ...extra });
            await load({ concurrency }, warmupMs);
            const pids = [demo.shop.pid, demo.payments.pid];
            const cpuBefore = pids.map(cpuSeconds);
            const max = await load({ concurrency }, durationMs);
            const cpuMsPerRequest = (pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i], 0) * 1000) / max.requests;
            // The fixed rate is set once, from the first baseline run, so every run gets the same load.
            if (!fixedRate.has(endpoint.name)) fixedRate.set(endpoint.name, Math.max(10, Math.round(max.requestsPerSecond / 4)));
            const fixed = await load({ ratePerSecond: fixedRate.get(endpoint.name) }, durationMs);
            const key = `${endpoint.name}|${mode}`;
            const entry = results.get(key) ?? { max: [], fixed: [], cpuMs: [] };
            entry.max.push(max);
            entry.cpuMs.push(cpuMsPerRequest);
            entry.fixed.push(fixed);
            results.set(key, entry);
            console.log(
              `  round ${round + 1} ${mode.padEnd(8)} ${endpoint.name}: ${max.requestsPerSecond.toFixed(0)} req/s (p99 ${max.p99Ms.toFixed(1)} ms, ${max.errors} errors, ${cpuMsPerRequest.toFixed(3)} CPU ms/req); ` +
                `at ${fixedRate.get(endpoint.name)} req/s p50 ${fixed.p50Ms.toFixed(2)} ms p99 ${fixed.p99Ms.toFixed(2)} ms`,
            );
          }
        } finally {
          await demo.stop();
        }
      }
    }
  } finally {
    await postgres.stop();
    sink.server.close();
  }

  console.log('\n| endpoint | max req/s baseline | max req/s SDK | throughput cost | CPU ms/req (base → SDK) | CPU cost | p99 at max (base → SDK) | fixed rate | p50 (base → SDK) | p99 (base → SDK) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const endpoint of endpoints) {
    const base = results.get(`${endpoint.name}|baseline`);
    const sdk = results.get(`${endpoint.name}|sdk`);
    if (!base || !sdk) continue;
    const m = (list: LoadResult[], pick: (r: LoadResult) => number) => median(list.map(pick));
    const baseRps = m(base.max, (r) => r.requestsPerSecond);
    const sdkRps = m(sdk.max, (r) => r.requestsPerSecond);
    const cost = ((baseRps - sdkRps) / baseRps) * 100;
    const baseCpu = median(base.cpuMs);
    const sdkCpu = median(sdk.cpuMs);
    const ms = (v: number) => v.toFixed(2);
    console.log(
      `| ${endpoint.name} | ${baseRps.toFixed(0)} | ${sdkRps.toFixed(0)} | ${cost.toFixed(1)}% | ${baseCpu.toFixed(3)} → ${sdkCpu.toFixed(3)} | +${(((sdkCpu - baseCpu) / baseCpu) * 100).toFixed(0)}% | ` +
        `${ms(m(base.max, (r) => r.p99Ms))} → ${ms(m(sdk.max, (r) => r.p99Ms))} ms | ` +
        `${fixedRate.get(endpoint.name)} req/s | ${ms(m(base.fixed, (r) => r.p50Ms))} → ${ms(m(sdk.fixed, (r) => r.p50Ms))} ms | ${ms(m(base.fixed, (r) => r.p99Ms))} → ${ms(m(sdk.fixed, (r) => r.p99Ms))} ms |`,
    );
  }
  console.log(`\nOTLP sink received ${sink.requests} exports, ${(sink.bytes / 1e6).toFixed(1)} MB (the SDK runs' telemetry).`);
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? String(err));
  process.exit(1);
});
