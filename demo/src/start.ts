#!/usr/bin/env node
/**
 * `npm start`: shows Hermes working on this machine. Starts a local InfluxDB (data in
 * .hermes/influxdb) unless HERMES_INFLUX_URL names one, runs `hermes start`, sends sample
 * telemetry with the real OpenTelemetry SDK, then runs the demo app (PostgreSQL, the shop and
 * payments services with @hermes/sdk, traffic and one deployment: demo-app.ts), shows what
 * landed, and keeps running.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { InfluxDB } from 'influx';
import { startInfluxd, freePort, type RunningInfluxd } from '@hermes/collector';
import { sendSampleTelemetry } from './sample-telemetry';
import { startDemoApp, type RunningDemoApp } from './demo-app';

const root = resolve(__dirname, '../..');

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
  let influxd: RunningInfluxd | undefined;
  const env = { ...process.env };
  if (!env.HERMES_INFLUX_URL) {
    influxd = await startInfluxd({ dataDir: resolve(root, '.hermes/influxdb'), httpPort: await portOrFree(8086) });
    env.HERMES_INFLUX_URL = influxd.url;
    console.log(`demo: started InfluxDB ${influxd.url} (pid ${influxd.pid}, data in .hermes/influxdb)`);
  }
  env.HERMES_DATA_DIR ??= resolve(root, '.hermes/data');
  const otlpPort = Number(env.HERMES_OTLP_HTTP_PORT || 4318);
  const apiPort = Number(env.HERMES_API_PORT || 4319);
  const database = env.HERMES_INFLUX_DATABASE || 'hermes';

  const collector = spawn(resolve(root, 'collector/bin/hermes.js'), ['start'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let demoApp: RunningDemoApp | undefined = undefined;
  const stop = async (code: number) => {
    // The instrumented services flush to the collector on SIGTERM, so they stop first.
    await demoApp?.stop();
    collector.kill('SIGTERM');
    await new Promise((r) => collector.once('exit', r));
    await influxd?.stop();
    process.exit(code);
  };
  collector.once('exit', (code) => {
    console.error(`demo: the collector exited (code ${code})`);
    void influxd?.stop().then(() => process.exit(1));
  });
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  await waitReady(`http://127.0.0.1:${apiPort}/readyz`, 30_000);
  const sent = await sendSampleTelemetry(`http://127.0.0.1:${otlpPort}`);
  console.log(`demo: sent ${sent.spans} spans, ${sent.logs} log records and 2 metrics from service 'checkout'`);
  demoApp = await startDemoApp({ root, otlpEndpoint: `http://127.0.0.1:${otlpPort}`, apiUrl: `http://127.0.0.1:${apiPort}` });

  const influx = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(env.HERMES_INFLUX_URL).port), database });
  const count = async (q: string) => ((await influx.query(q))[0] as unknown as { count?: number } | undefined)?.count ?? 0;
  const spans = await count(`SELECT count(span_id) FROM spans WHERE service = 'checkout' AND time > now() - 1h`);
  const logs = await count(`SELECT count(body) FROM logs WHERE service = 'checkout' AND time > now() - 1h`);
  const errors = await count(`SELECT count(span_id) FROM spans WHERE service = 'checkout' AND status = 'error' AND time > now() - 1h`);
  const influxCli = `influx -host 127.0.0.1 -port ${new URL(env.HERMES_INFLUX_URL).port} -database ${database}`;
  const shopSpans = demoApp.shopUrl ? await count(`SELECT count(span_id) FROM spans WHERE service = 'shop' AND time > now() - 1h`) : 0;
  const shopHints = demoApp.shopUrl
    ? `

The demo shop (${demoApp.shopUrl}) and payments services keep sending traces, metrics and logs
(${shopSpans} shop spans so far). Compare the two releases, see the deployment, send more traffic:
  ${influxCli} -execute "SELECT count(span_id), percentile(duration_ns, 99) FROM spans WHERE service = 'shop' AND kind = 'server' GROUP BY version"
  ${influxCli} -execute "SELECT * FROM deployments"
  node demo/dist/traffic.js ${demoApp.shopUrl} 30`
    : '';
  const issues = await topIssues(`http://127.0.0.1:${apiPort}/api/errors`);
  console.log(`demo: InfluxDB now holds ${spans} spans (${errors} with status error) and ${logs} log records of 'checkout'.
${issues}

Try it:
  influx -host 127.0.0.1 -port ${new URL(env.HERMES_INFLUX_URL).port} -database ${database} \\
    -execute "SELECT name, duration_ns, trace_id FROM spans WHERE service = 'checkout' ORDER BY time DESC LIMIT 5"
  curl -s http://127.0.0.1:${apiPort}/api/errors
  curl -s http://127.0.0.1:${apiPort}/metrics | grep hermes_
  Point any OpenTelemetry SDK at http://127.0.0.1:${otlpPort} (OTEL_EXPORTER_OTLP_ENDPOINT).${shopHints}

Hermes keeps running; press Ctrl-C to stop it (data stays in .hermes/).`);
}

/** The errors Hermes grouped into issues so far, most frequent first, as text. */
async function topIssues(url: string): Promise<string> {
  try {
    const body = (await (await fetch(url)).json()) as {
      issues?: { count: number; title: string; culprit: string; releases: string[]; status: string }[];
    };
    const issues = [...(body.issues ?? [])].sort((a, b) => b.count - a.count).slice(0, 6);
    if (issues.length === 0) return 'demo: no error issues yet.';
    const lines = issues.map((i) => `    ${String(i.count).padStart(4)}× ${i.title}  at ${i.culprit || '?'}  (${i.releases.join(', ')}; ${i.status})`);
    return `demo: errors grouped into issues (GET /api/errors):\n${lines.join('\n')}`;
  } catch (err) {
    return `demo: the errors API did not answer: ${(err as Error).message}`;
  }
}

main().catch((err: unknown) => {
  console.error(`demo: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
