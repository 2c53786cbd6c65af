/**
 * The `hermes` command as users run it: a real process (collector/bin/hermes.js over the build),
 * real signals, the real influxd of jest's global setup.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { envBindings } from './config';
import { freePort } from './dev/influxd';

const cli = join(__dirname, '../bin/hermes.js');
const built = join(__dirname, '../dist/cli.js');
const influxUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const database = `cli_${process.pid}`;

beforeAll(() => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
});

afterAll(async () => {
  await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: 'POST' });
});

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(cli, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
}

function spansBody(count: number): { body: Uint8Array; traceId: string } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('cli-test');
  const root = tracer.startSpan('root');
  const traceId = root.spanContext().traceId;
  root.end();
  for (let i = 1; i < count; i++) {
    tracer.startSpan(`child-${i}`, { root: false }, undefined).end();
  }
  return { body: ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array, traceId };
}

async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in:\n${seen}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
  });
}

describe('hermes (CLI)', () => {
  it('--help explains every environment variable and config key', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    for (const binding of envBindings) expect(result.stdout).toContain(binding.name);
    expect(result.stdout).toContain('exporters.influxdb.batchMaxPoints');
    expect(result.stdout).toContain('receivers.otlp_http.maxBodyBytes');
  });

  it('refuses a bad value at start-up with a message naming the key', () => {
    const result = run(['start'], { HERMES_OTLP_HTTP_PORT: 'four' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("HERMES_OTLP_HTTP_PORT: expected a port number from 0 to 65535, got 'four'");
  });

  it('refuses an unknown command', () => {
    const result = run(['strat']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown command 'strat'");
  });

  it('prints its endpoints, stores what it acknowledged, and on SIGTERM flushes and exits 0', async () => {
    const otlpPort = await freePort();
    const apiPort = await freePort();
    const child = spawn(cli, ['start'], {
      env: {
        PATH: process.env.PATH,
        HERMES_OTLP_HTTP_PORT: String(otlpPort),
        HERMES_API_PORT: String(apiPort),
        HERMES_INFLUX_URL: influxUrl,
        HERMES_INFLUX_DATABASE: database,
        HERMES_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await waitForLine(child, /OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:(\d+)\S*/);
      expect(line).toContain(`127.0.0.1:${otlpPort}`);
      const { body, traceId } = spansBody(50);
      const sends = Array.from({ length: 4 }, () =>
        fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } }),
      );
      const answers = await Promise.all(sends);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(`SELECT count(span_id) FROM spans`)}`);
      const json = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
      // the same body four times is the same 50 spans: a retried request overwrites itself
      expect(json.results[0].series?.[0].values[0][1]).toBe(50);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
