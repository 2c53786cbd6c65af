/**
 * The `hermes` command as users run it: a real process (collector/bin/hermes.js over the build),
 * real signals, the real influxd of jest's global setup.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { envBindings } from './config';
import { freePort } from './dev/influxd';

const cli = join(__dirname, '../bin/hermes.js');
const built = join(__dirname, '../dist/cli.js');
const influxUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const database = `cli_${process.pid}`;
/** The started collector's own data folder (its write-ahead log). */
const dataDir = mkdtempSync(join(tmpdir(), 'hermes-cli-test-'));

beforeAll(() => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: 'POST' });
});

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(cli, args, { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 10_000 });
}

/** Identity of a span as the spans measurement stores it. */
type StoredSpan = { trace_id: string; span_id: string; name: string };

/** An OTLP/protobuf body of `count` spans, and what each sent span is (sorted by span id). */
function spansBody(count: number): { body: Uint8Array; sent: StoredSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('cli-test');
  for (let i = 0; i < count; i++) tracer.startSpan(`span-${i}`).end();
  const spans = exporter.getFinishedSpans();
  const sent = spans.map((s) => ({ trace_id: s.spanContext().traceId, span_id: s.spanContext().spanId, name: s.name }));
  return { body: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array, sent: sortBySpanId(sent) };
}

const sortBySpanId = (spans: StoredSpan[]) => [...spans].sort((a, b) => a.span_id.localeCompare(b.span_id));

/** Resolves with the first match of `pattern` on stdout; rejects at the deadline or when the process exits first. */
async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  let seen = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; no line matching ${pattern} in:\n${seen}\nstderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`nothing within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code) => fail(`exited with code ${code}`));
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

/** The exit code, or a rejection naming the deadline if the process is still running then. */
function exitWithin(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
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
    expect(result.stdout).toContain('storage.influxdb.url');
    expect(result.stdout).toContain('service.pipelines');
    for (const endpoint of ['GET /api/errors', 'GET /api/errors/:fingerprint', 'POST /api/errors/:fingerprint/resolve', 'POST /api/sourcemaps', 'POST /api/deployments']) {
      expect(result.stdout).toContain(endpoint);
    }
  });

  it('says in one line, without a stack trace, that a port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const folder = mkdtempSync(join(tmpdir(), 'hermes-cli-port-'));
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(cli, ['start'], {
          env: { PATH: process.env.PATH, HERMES_OTLP_HTTP_PORT: String(port), HERMES_API_PORT: '0', HERMES_INFLUX_URL: influxUrl, HERMES_DATA_DIR: folder, HERMES_LOG_LEVEL: 'error' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('exit', (status) => resolve({ status, stderr }));
      });
      rmSync(folder, { recursive: true, force: true });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`hermes: failed to start: invalid configuration: receiver otlp_http cannot listen on 127.0.0.1:${port}: the port is already in use\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
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
        HERMES_DATA_DIR: dataDir,
        HERMES_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // Deadlines (10 + 5 + 10 s) stay below jest's 30 s test timeout.
      const line = await waitForLine(child, /OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:(\d+)\S*/, 10_000);
      expect(line).toContain(`127.0.0.1:${otlpPort}`);
      const { body, sent } = spansBody(50);
      const sends = Array.from({ length: 4 }, () =>
        fetch(`http://127.0.0.1:${otlpPort}/v1/traces`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-protobuf' },
          signal: AbortSignal.timeout(5_000),
        }),
      );
      const answers = await Promise.all(sends);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const exited = exitWithin(child, 10_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const q = encodeURIComponent('SELECT trace_id, span_id, "name" FROM spans');
      const res = await fetch(`${influxUrl}/query?db=${database}&q=${q}`);
      const json = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] };
      const series = json.results[0].series?.[0];
      const stored = (series?.values ?? []).map((v) => Object.fromEntries(series!.columns.map((c, i) => [c, v[i]])));
      // The same body four times is the same 50 spans: a retried request overwrites itself, so
      // InfluxDB holds exactly the spans that were sent, each once.
      expect(sortBySpanId(stored.map(({ trace_id, span_id, name }) => ({ trace_id, span_id, name }) as StoredSpan))).toEqual(sent);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
