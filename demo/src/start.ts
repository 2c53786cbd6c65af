#!/usr/bin/env node
/**
 * `npm start`: shows Hermes working on this machine. Starts a local InfluxDB (data in
 * .hermes/influxdb) unless HERMES_INFLUX_URL names one, runs `hermes start`, sends sample
 * telemetry with the real OpenTelemetry SDK, then runs the demo app (PostgreSQL, the shop and
 * payments services with @hermes/sdk, traffic and one deployment: demo-app.ts), shows what
 * landed, and keeps running until SIGINT, SIGTERM or SIGHUP (or, under npm, until npm's shell is
 * gone), then stops everything it started (processes.ts).
 *
 * HERMES_DEMO_STATE_DIR moves .hermes/ elsewhere and HERMES_DEMO_REQUESTS_PER_PHASE (default 150)
 * sets the traffic, for tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { InfluxDB } from 'influx';
import { startInfluxd, freePort } from '@hermes/collector';
import { sendSampleTelemetry } from './sample-telemetry';
import { startDemoApp } from './demo-app';
import { childPids, listed, StartedProcesses } from './processes';
import { formatTryIt, tryItCommands } from './try-it';

const root = resolve(__dirname, '../..');
const stateDir = process.env.HERMES_DEMO_STATE_DIR || resolve(root, '.hermes');
const requestsPerPhase = Number(process.env.HERMES_DEMO_REQUESTS_PER_PHASE || 150);
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const started = new StartedProcesses();
const stopping = new AbortController();
/** When stopping began: a second signal within this time is the same Ctrl-C delivered twice (npm forwards it, the terminal sends it to the group), not an impatient user. */
let stoppingSinceMs = 0;
const SAME_SIGNAL_WINDOW_MS = 1000;

/**
 * Stops everything started (processes.ts), says why and what, then ends this process: by
 * re-raising `signal` (so npm and its shell end the same way), else with `exitCode`. A second
 * signal while stopping SIGKILLs what is left.
 */
async function stopEverything(reason: string, how: { signal?: NodeJS.Signals; exitCode?: number }): Promise<void> {
  if (started.isStopping) {
    if (how.signal && Date.now() - stoppingSinceMs > SAME_SIGNAL_WINDOW_MS) {
      const left = childPids();
      console.log(`demo: got ${how.signal} again: SIGKILL to ${left.length ? `pid ${left.join(', ')}` : 'nothing left'}`);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      exit(how);
    }
    return;
  }
  const t0 = Date.now();
  stoppingSinceMs = t0;
  const running = started.describe();
  console.log(`demo: ${reason}; stopping ${running.length ? listed(running) : 'nothing (nothing started yet)'}`);
  stopping.abort();
  const stopped = await started.stopAll();
  // A child that no stop() knew about (the run was cut short while starting it).
  const leftovers = childPids();
  for (const pid of leftovers) process.kill(pid, 'SIGKILL');
  const killed = leftovers.length ? `; SIGKILLed leftover child pid ${leftovers.join(', ')}` : '';
  console.log(`demo: ${reason}: stopped ${stopped.length ? listed(stopped) : 'nothing'} in ${((Date.now() - t0) / 1000).toFixed(1)} s${killed}`);
  exit(how);
}

function exit(how: { signal?: NodeJS.Signals; exitCode?: number }): void {
  if (how.signal) {
    for (const signal of STOP_SIGNALS) process.removeAllListeners(signal);
    process.kill(process.pid, how.signal);
    // The default action ends the process; this is for a signal that stays ignored.
    setTimeout(() => process.exit(1), 1000).unref();
    return;
  }
  process.exit(how.exitCode ?? 0);
}

/**
 * Under npm the process tree is npm → sh -c → (bash →) this node, and only npm's direct child
 * gets the signals npm forwards. A shell that a SIGTERM or SIGHUP ended leaves us reparented:
 * noticed here within half a second.
 */
function stopWhenParentExits(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stopEverything(`npm's shell (pid ${parent}) is gone`, { exitCode: 0 });
  }, 500).unref();
}

function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = await res.text();
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}

async function portOrFree(preferred: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${preferred}/`);
    void res;
    return freePort();
  } catch {
    return preferred;
  }
}

async function main(): Promise<void> {
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stopEverything(`got ${signal}`, { signal }));
  if (process.env.npm_lifecycle_event) stopWhenParentExits();

  const env = { ...process.env };
  if (!env.HERMES_INFLUX_URL) {
    const influxDir = resolve(stateDir, 'influxdb');
    const influxd = await startInfluxd({ dataDir: influxDir, httpPort: await portOrFree(8086) });
    started.add({ describe: () => `InfluxDB (pid ${influxd.pid})`, stop: () => influxd.stop() });
    env.HERMES_INFLUX_URL = influxd.url;
    console.log(`demo: started InfluxDB ${influxd.url} (pid ${influxd.pid}, data in ${influxDir})`);
  }
  if (stopping.signal.aborted) return;
  env.HERMES_DATA_DIR ??= resolve(stateDir, 'data');
  const otlpPort = Number(env.HERMES_OTLP_HTTP_PORT || 4318);
  const apiPort = Number(env.HERMES_API_PORT || 4319);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const database = env.HERMES_INFLUX_DATABASE || 'hermes';

  const collector = spawn(resolve(root, 'collector/bin/hermes.js'), ['start'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group: a Ctrl-C (or npm passing a signal to the group) must reach the
    // services first, which flush to the collector; the collector stops after them.
    detached: true,
  });
  // Its own shutdown flushes for up to shutdownTimeoutMs (10 s by default).
  started.add({ describe: () => `the collector (pid ${collector.pid})`, stop: () => stopChild(collector, 15_000) });
  collector.once('error', (err) => void stopEverything(`the collector did not start (${err.message})`, { exitCode: 1 }));
  collector.once('exit', (code, signal) => {
    if (!started.isStopping) void stopEverything(`the collector exited (${signal ?? `code ${code}`})`, { exitCode: 1 });
  });

  await waitReady(`${apiUrl}/readyz`, 30_000);
  if (stopping.signal.aborted) return;
  const sent = await sendSampleTelemetry(`http://127.0.0.1:${otlpPort}`);
  console.log(`demo: sent ${sent.spans} spans, ${sent.logs} log records and 2 metrics from service 'checkout'`);
  if (stopping.signal.aborted) return;
  const demoApp = await startDemoApp({
    postgresDir: resolve(stateDir, 'postgres'),
    otlpEndpoint: `http://127.0.0.1:${otlpPort}`,
    apiUrl,
    requestsPerPhase,
    onStarted: (child) => started.add(child),
    signal: stopping.signal,
  });
  if (stopping.signal.aborted) return;

  // The sample service shut its SDK down and the demo services flushed (demo-app.ts): the
  // collector acknowledged all of it once in its write-ahead log. Wait until the log is written
  // to InfluxDB (its own /metrics says so), then let the issue count settle, since one exception
  // can arrive as a span event and as a log record.
  await queueWritten(`${apiUrl}/metrics`, 10_000);
  const issues = await settledIssues(`${apiUrl}/api/errors`, 10_000);
  if (stopping.signal.aborted) return;
  const influxUrl = env.HERMES_INFLUX_URL;
  const influx = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influxUrl).port), database });
  const first = async (q: string, column: string): Promise<unknown> => ((await influx.query(q))[0] as Record<string, unknown> | undefined)?.[column];
  const count = async (q: string) => Number((await first(q, 'count')) ?? 0);
  const spans = await count(`SELECT count(span_id) FROM spans WHERE service = 'checkout' AND time > now() - 1h`);
  const logs = await count(`SELECT count(body) FROM logs WHERE service = 'checkout' AND time > now() - 1h`);
  const errors = await count(`SELECT count(span_id) FROM spans WHERE service = 'checkout' AND status = 'error' AND time > now() - 1h`);
  const traceId = (await first(
    `SELECT trace_id FROM spans WHERE service = 'checkout' AND status = 'error' AND time > now() - 1h ORDER BY time DESC LIMIT 1`,
    'trace_id',
  )) as string | undefined;
  const shopSpans = demoApp.shopUrl ? await count(`SELECT count(span_id) FROM spans WHERE service = 'shop' AND time > now() - 1h`) : 0;
  if (stopping.signal.aborted) return;
  const commands = tryItCommands({ influxUrl, database, apiUrl, traceId, shopUrl: demoApp.shopUrl });
  const shopNote = demoApp.shopUrl
    ? `\nThe demo shop (${demoApp.shopUrl}) and payments services keep sending traces, metrics and logs (${shopSpans} shop spans so far).`
    : '';
  console.log(`demo: InfluxDB now holds ${spans} spans (${errors} with status error) and ${logs} log records of 'checkout'.
${issues}${shopNote}

Try it (InfluxDB answers InfluxQL over HTTP, here as CSV; time is in ns since the epoch):
${formatTryIt(commands)}
Point any OpenTelemetry SDK at http://127.0.0.1:${otlpPort} (OTEL_EXPORTER_OTLP_ENDPOINT).

Hermes keeps running; press Ctrl-C to stop it (data stays in ${stateDir}).`);
}

interface Issue {
  count: number;
  title: string;
  culprit: string;
  releases: string[];
  status: string;
}

/**
 * The issues of GET /api/errors as text, most frequent first, once two answers 500 ms apart
 * agree on the total count (or at the deadline, saying so).
 */
async function settledIssues(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const total = (issues: Issue[]) => issues.reduce((sum, i) => sum + i.count, 0);
  let previous: Issue[] | undefined;
  try {
    for (;;) {
      const body = (await (await fetch(url)).json()) as { issues?: Issue[] };
      const issues = body.issues ?? [];
      if (previous && total(previous) === total(issues)) return formatIssues(issues, '');
      if (Date.now() >= deadline) return formatIssues(issues, ` (still changing after ${timeoutMs / 1000} s)`);
      previous = issues;
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (err) {
    return `demo: the errors API did not answer: ${(err as Error).message}`;
  }
}

function formatIssues(all: Issue[], note: string): string {
  if (all.length === 0) return `demo: no error issues yet${note}.`;
  const top = [...all].sort((a, b) => b.count - a.count).slice(0, 6);
  const lines = top.map((i) => `    ${String(i.count).padStart(4)}× ${i.title}  at ${i.culprit || '?'}  (${i.releases.join(', ')}; ${i.status})`);
  const occurrences = all.reduce((sum, i) => sum + i.count, 0);
  return `demo: ${occurrences} errors grouped into ${all.length} issues${note} (GET /api/errors), the most frequent:\n${lines.join('\n')}`;
}

main().catch((err: unknown) => {
  if (started.isStopping) return;
  console.error(`demo: ${(err as Error).stack ?? String(err)}`);
  void stopEverything('start-up failed', { exitCode: 1 });
});

/** Polls the collector's Prometheus endpoint until its write-ahead log holds nothing unwritten, or the deadline passes. */
async function queueWritten(metricsUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await fetch(metricsUrl).then((r) => r.text(), () => '');
    if (/^hermes_queue_pending_entries 0$/m.test(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
