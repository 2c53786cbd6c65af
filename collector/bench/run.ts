/**
 * `npm run bench`: the ingest benchmarks of docs/BENCHMARKS.md, all in one run on one
 * fresh influxd so their ratios compare:
 *  (a) raw ceiling: the same spans as compact line protocol written straight to InfluxDB, and
 *      (a') Hermes' own lines the same way (the difference is what the schema costs);
 *  (b) OTLP/HTTP protobuf spans (100 per request) from 8 and from 64 senders through a real
 *      `hermes start` process into the same InfluxDB, timed until the last span is stored,
 *      with the collector's all-in CPU per span; and 64 senders again with fsync off;
 *  (c) collector CPU time per span from decode to encoded line protocol, in-process;
 *  (d) exceptions parsed and fingerprinted per second per core (30-frame traces, per runtime);
 *  (e) protobuf decode CPU per span, Hermes' decoder vs the reference protobufjs one (~25 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { InfluxDB } from 'influx';
import { startInfluxd, freePort, type RunningInfluxd } from '../src/dev/influxd';
import { makeSpanBodies } from './bodies';
import { post, processCpuSeconds, processCpuSplit, runConcurrent } from './measure';
import { benchEncodeCpu, encodeBodiesToLines } from './encode';
import { benchErrors } from './errors.bench';
import { benchDecodeCrosscheck } from './decode-crosscheck.bench';
import { compactSpanLines } from './compact';

const requests = Number(process.env.BENCH_REQUESTS ?? 1500);
const batchMaxPoints = 5000;
/** The raw ceilings' writes in flight. */
const RAW_IN_FLIGHT = 2;

interface Row {
  name: string;
  value: string;
  note: string;
}
const rows: Row[] = [];
const report = (name: string, value: string, note = '') => {
  rows.push({ name, value, note });
  console.log(`  ${name}: ${value} ${note}`);
};

async function countSpans(influxd: RunningInfluxd, database: string): Promise<number> {
  const port = Number(new URL(influxd.url).port);
  const influx = new InfluxDB({ host: '127.0.0.1', port, database });
  const [row] = (await influx.query('SELECT count(span_id) FROM spans')) as unknown as { count: number }[];
  return row?.count ?? 0;
}

/** Writes pre-encoded lines in batches of 5,000 with 2 writes in flight; points/s. */
async function rawCeiling(influxd: RunningInfluxd, lines: string[], database: string, label: string): Promise<number> {
  await fetch(`${influxd.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${database}`)}`, { method: 'POST' });
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += batchMaxPoints) batches.push(lines.slice(i, i + batchMaxPoints).join('\n'));
  const agent = new Agent({ keepAlive: true, maxSockets: RAW_IN_FLIGHT });
  const url = new URL(`${influxd.url}/write?db=${database}&precision=ns`);
  const cpuBefore = processCpuSeconds(influxd.pid);
  const seconds = await runConcurrent(batches.length, RAW_IN_FLIGHT, async (i) => {
    const res = await post(agent, url, batches[i], { 'content-type': 'text/plain' });
    if (res.status !== 204) throw new Error(`raw write answered ${res.status}: ${res.body}`);
  });
  const influxCores = (processCpuSeconds(influxd.pid) - cpuBefore) / seconds;
  agent.destroy();
  const stored = await countSpans(influxd, database);
  const rate = lines.length / seconds;
  const bytes = lines.reduce((n, l) => n + l.length + 1, 0) / lines.length;
  report(label, `${Math.round(rate)} points/s`, `(${stored}/${lines.length} stored, ${Math.round(bytes)} bytes/line, influxd ${influxCores.toFixed(2)} cores)`);
  return rate;
}

interface HermesRun {
  /** Spans/s from the first measured request to the last span stored in InfluxDB. */
  storedRate: number;
  /** Spans/s acknowledged to the senders (the write-ahead log's speed). */
  ackRate: number;
  /** Collector CPU time per stored span, all in (process CPU / spans). */
  cpuMicrosPerSpan: number;
}

/** Reads one unlabelled gauge from the collector's /metrics. */
async function gauge(apiPort: number, name: string): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${apiPort}/metrics`).then((r) => r.text(), () => '');
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

async function throughHermes(influxd: RunningInfluxd, bodies: Uint8Array[], spansPerBody: number, senders: number, fsync: boolean): Promise<HermesRun> {
  const database = `bench_hermes_${senders}_${fsync ? 'fsync' : 'nofsync'}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  const otlpPort = await freePort();
  const apiPort = await freePort();
  const cli = resolve(__dirname, '../../bin/hermes.js');
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each collector run there. --cpu-prof is
  // refused in NODE_OPTIONS, so then node is started directly with the wrapper's own flag.
  const profileDir = process.env.BENCH_CPU_PROF;
  const [command, args] = profileDir
    ? [process.execPath, ['--max-semi-space-size=64', '--cpu-prof', `--cpu-prof-dir=${profileDir}`, cli, 'start']]
    : [cli, ['start']];
  const child = spawn(command, args, {
    env: {
      ...process.env,
      HERMES_OTLP_HTTP_PORT: String(otlpPort),
      HERMES_API_PORT: String(apiPort),
      HERMES_INFLUX_URL: influxd.url,
      HERMES_INFLUX_DATABASE: database,
      HERMES_DATA_DIR: dataDir,
      HERMES_QUEUE_FSYNC: String(fsync),
      HERMES_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error('hermes did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const agent = new Agent({ keepAlive: true, maxSockets: senders });
    const url = new URL(`http://127.0.0.1:${otlpPort}/v1/traces`);
    const headers = { 'content-type': 'application/x-protobuf' };
    // warm-up outside the measurement: JIT, connections, database creation
    await runConcurrent(Math.min(50, bodies.length), senders, async (i) => void (await post(agent, url, bodies[i], headers)));
    while ((await gauge(apiPort, 'hermes_queue_pending_entries')) !== 0) await new Promise((r) => setTimeout(r, 20));
    const measured = bodies.slice(50);
    const hermesCpu = processCpuSplit(child.pid ?? 0);
    const influxCpu = processCpuSeconds(influxd.pid);
    const refused: Record<number, number> = {};
    const started = process.hrtime.bigint();
    const ackSeconds = await runConcurrent(measured.length, senders, async (i) => {
      for (;;) {
        const res = await post(agent, url, measured[i], headers);
        if (res.status === 200) return;
        refused[res.status] = (refused[res.status] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    // Stored means written to InfluxDB: wait until the log holds nothing unwritten.
    while ((await gauge(apiPort, 'hermes_queue_pending_entries')) !== 0) await new Promise((r) => setTimeout(r, 10));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const hermesCpuAfter = processCpuSplit(child.pid ?? 0);
    const hermesUser = hermesCpuAfter.user - hermesCpu.user;
    const hermesSystem = hermesCpuAfter.system - hermesCpu.system;
    const hermesCpuSeconds = hermesUser + hermesSystem;
    const influxCores = (processCpuSeconds(influxd.pid) - influxCpu) / seconds;
    agent.destroy();
    const spans = measured.length * spansPerBody;
    const stored = await countSpans(influxd, database);
    const run: HermesRun = { storedRate: spans / seconds, ackRate: spans / ackSeconds, cpuMicrosPerSpan: (hermesCpuSeconds * 1e6) / spans };
    const retried = Object.entries(refused).map(([s, n]) => `${n}×${s}`).join(' ') || 'none';
    report(
      `(b) OTLP/HTTP protobuf → Hermes → InfluxDB, ${senders} senders, fsync ${fsync ? 'on' : 'off'}`,
      `${Math.round(run.storedRate)} spans/s stored`,
      `(acknowledged at ${Math.round(run.ackRate)} spans/s; ${stored}/${bodies.length * spansPerBody} stored; hermes ${(hermesCpuSeconds / seconds).toFixed(2)} cores = ${run.cpuMicrosPerSpan.toFixed(1)} µs CPU per span (user ${((hermesUser * 1e6) / spans).toFixed(1)} + system ${((hermesSystem * 1e6) / spans).toFixed(1)}); influxd ${influxCores.toFixed(2)} cores; retried: ${retried})`,
    );
    return run;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`hermes bench: node ${process.version}, ${cpus().length}× ${cpus()[0]?.model}, ${requests} requests × 100 spans`);
  const { bodies, spansPerBody } = makeSpanBodies(requests);
  const influxd = await startInfluxd();
  try {
    const cpu = benchEncodeCpu(bodies.slice(0, 300));
    report('(c) collector CPU per span, decode → line protocol', `${cpu.totalMicros.toFixed(2)} µs`, `(decode ${cpu.decodeMicros.toFixed(2)} µs + translate/encode ${cpu.encodeMicros.toFixed(2)} µs)`);
    const compact = await rawCeiling(influxd, compactSpanLines(bodies), 'bench_compact', '(a) ceiling: compact span lines → InfluxDB');
    const own = await rawCeiling(influxd, encodeBodiesToLines(bodies), 'bench_own_lines', "(a') Hermes' own lines (schema v2) → InfluxDB");
    for (const senders of [8, 64]) {
      const run = await throughHermes(influxd, bodies, spansPerBody, senders, true);
      report(`(b)/(a) at ${senders} senders`, (run.storedRate / compact).toFixed(3), `(goal ≥ 0.85; against Hermes' own lines ${(run.storedRate / own).toFixed(3)}; all-in CPU ${run.cpuMicrosPerSpan.toFixed(1)} µs per span, goal ≤ 6)`);
    }
    const noFsync = await throughHermes(influxd, bodies, spansPerBody, 64, false);
    report('fsync off at 64 senders', `${Math.round(noFsync.storedRate)} spans/s stored`, `(acknowledged at ${Math.round(noFsync.ackRate)} spans/s)`);
    report("(a')/(a): what the hermes schema costs InfluxDB", (own / compact).toFixed(3), '(1.0 would be free)');
    // BENCH_INGEST_ONLY=1 stops here: the ingest figures alone, for quick comparisons.
    if (process.env.BENCH_INGEST_ONLY) return;
    const exceptions = benchErrors();
    report('(d) exceptions parsed + fingerprinted, slowest runtime', `${Math.round(exceptions)} /s per core`, '(30-frame traces; goal ≥ 20000)');
    const decode = benchDecodeCrosscheck();
    report(
      '(e) protobuf decode CPU per span, Hermes vs reference protobufjs',
      `${decode.hermesDecode.toFixed(2)} µs vs ${decode.referenceToModel.toFixed(2)} µs`,
      `(both into the same model; reference ${(decode.referenceToModel / decode.hermesDecode).toFixed(2)}× Hermes; its decode alone, without the model, ${decode.referenceDecode.toFixed(2)} µs)`,
    );
  } finally {
    await influxd.stop();
  }
  console.log('\n| benchmark | result | notes |\n| --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.name} | ${row.value} | ${row.note} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
