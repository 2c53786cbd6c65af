/**
 * `npm run bench`: the ingest benchmarks of docs/BENCHMARKS.md, all in one run on one
 * fresh influxd so their ratios compare:
 *  (a) raw ceiling: pre-encoded line protocol written straight to InfluxDB;
 *  (b) OTLP/HTTP protobuf spans (100 per request) through a real `hermes start` process
 *      into the same InfluxDB;
 *  (c) collector CPU time per span from decode to encoded line protocol, in-process;
 *  (d) exceptions parsed and fingerprinted per second per core (30-frame traces, per runtime);
 *  (e) protobuf decode CPU per span, Hermes' decoder vs the reference protobufjs one (~25 s).
 */
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { InfluxDB } from 'influx';
import { startInfluxd, freePort, type RunningInfluxd } from '../src/dev/influxd';
import { makeSpanBodies } from './bodies';
import { post, processCpuSeconds, runConcurrent } from './measure';
import { benchEncodeCpu, encodeBodiesToLines } from './encode';
import { benchErrors } from './errors.bench';
import { benchDecodeCrosscheck } from './decode-crosscheck.bench';

const requests = Number(process.env.BENCH_REQUESTS ?? 1500);
// 64 senders × 100 spans keep 6,400 spans outstanding: enough to keep InfluxDB's writes batched,
// since Hermes acknowledges a request only after InfluxDB has acknowledged its spans.
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const batchMaxPoints = 5000;
const maxConcurrentWrites = 4;

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

async function rawCeiling(influxd: RunningInfluxd, lines: string[]): Promise<number> {
  const database = 'bench_raw';
  await fetch(`${influxd.url}/query?q=${encodeURIComponent(`CREATE DATABASE ${database}`)}`, { method: 'POST' });
  const batches: string[] = [];
  for (let i = 0; i < lines.length; i += batchMaxPoints) batches.push(lines.slice(i, i + batchMaxPoints).join('\n'));
  const agent = new Agent({ keepAlive: true, maxSockets: maxConcurrentWrites });
  const url = new URL(`${influxd.url}/write?db=${database}&precision=ns`);
  const cpuBefore = processCpuSeconds(influxd.pid);
  const seconds = await runConcurrent(batches.length, maxConcurrentWrites, async (i) => {
    const res = await post(agent, url, batches[i], { 'content-type': 'text/plain' });
    if (res.status !== 204) throw new Error(`raw write answered ${res.status}: ${res.body}`);
  });
  const influxCores = (processCpuSeconds(influxd.pid) - cpuBefore) / seconds;
  agent.destroy();
  const stored = await countSpans(influxd, database);
  const rate = lines.length / seconds;
  report('(a) raw line protocol → InfluxDB', `${Math.round(rate)} points/s`, `(${stored}/${lines.length} stored, influxd ${influxCores.toFixed(2)} cores)`);
  return rate;
}

async function throughHermes(influxd: RunningInfluxd, bodies: Uint8Array[], spansPerBody: number): Promise<number> {
  const database = 'bench_hermes';
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
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const url = new URL(`http://127.0.0.1:${otlpPort}/v1/traces`);
    const headers = { 'content-type': 'application/x-protobuf' };
    // warm-up outside the measurement: JIT, connections, database creation
    await runConcurrent(Math.min(50, bodies.length), concurrency, async (i) => void (await post(agent, url, bodies[i], headers)));
    const measured = bodies.slice(50);
    const hermesCpu = processCpuSeconds(child.pid ?? 0);
    const influxCpu = processCpuSeconds(influxd.pid);
    const refused: Record<number, number> = {};
    const seconds = await runConcurrent(measured.length, concurrency, async (i) => {
      for (;;) {
        const res = await post(agent, url, measured[i], headers);
        if (res.status === 200) return;
        refused[res.status] = (refused[res.status] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    const hermesCores = (processCpuSeconds(child.pid ?? 0) - hermesCpu) / seconds;
    const influxCores = (processCpuSeconds(influxd.pid) - influxCpu) / seconds;
    agent.destroy();
    const spans = measured.length * spansPerBody;
    const stored = await countSpans(influxd, database);
    const rate = spans / seconds;
    const retried = Object.entries(refused).map(([s, n]) => `${n}×${s}`).join(' ') || 'none';
    report(
      '(b) OTLP/HTTP protobuf → Hermes → InfluxDB',
      `${Math.round(rate)} spans/s`,
      `(${stored}/${bodies.length * spansPerBody} stored, hermes ${hermesCores.toFixed(2)} cores, influxd ${influxCores.toFixed(2)} cores, retried: ${retried})`,
    );
    return rate;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  console.log(`hermes bench: node ${process.version}, ${cpus().length}× ${cpus()[0]?.model}, ${requests} requests × 100 spans, concurrency ${concurrency}`);
  const { bodies, spansPerBody } = makeSpanBodies(requests);
  const influxd = await startInfluxd();
  try {
    const cpu = benchEncodeCpu(bodies.slice(0, 300));
    report('(c) collector CPU per span, decode → line protocol', `${cpu.totalMicros.toFixed(2)} µs`, `(decode ${cpu.decodeMicros.toFixed(2)} µs + translate/encode ${cpu.encodeMicros.toFixed(2)} µs)`);
    const raw = await rawCeiling(influxd, encodeBodiesToLines(bodies));
    const viaHermes = await throughHermes(influxd, bodies, spansPerBody);
    report('(b)/(a)', (viaHermes / raw).toFixed(3), '(goal ≥ 0.85)');
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
