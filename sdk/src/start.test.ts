import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  logsIn,
  metricNamesIn,
  REPO_ROOT,
  runNode,
  spansIn,
  useSinkForChildApps,
} from '../test/support';

const CJS_APP = join(REPO_ROOT, 'sdk', 'testdata', 'cjs-app', 'app.js');
const CJS_SERVER = join(REPO_ROOT, 'sdk', 'testdata', 'cjs-app', 'server.js');
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

/** Resolves once `child` prints `text` on stdout; rejects if it exits first or at the deadline. */
function printed(child: ChildProcess, text: string, timeoutMs: number, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`no "${text}" on stdout: ${why}\nstdout: ${stdout}\nstderr: ${stderr()}`));
    };
    const timer = setTimeout(() => fail(`nothing within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** The exit code and signal; rejects if the child still runs at the deadline. */
function exited(child: ChildProcess, timeoutMs: number): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve([child.exitCode, child.signalCode]);
    const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve([code, signal]);
    });
  });
}

/**
 * A CommonJS app in a child process with the built SDK, exporting OTLP/HTTP JSON over a real
 * socket to a recording endpoint. The app exports metrics every 60 s and spans in 5 s batches
 * but exits after well under a second: what arrives was delivered by its `shutdown()`.
 */
describe('startHermes (child process, real OTLP/HTTP exporters)', () => {
  const sink = useSinkForChildApps();

  const run = (env: Record<string, string> = {}) =>
    runNode([CJS_APP], { HERMES_ENDPOINT: sink().url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', HERMES_ENVIRONMENT: 'staging', ...env });

  it('delivers http spans, custom spans, runtime/host/custom metrics and correlated logs, all flushed by shutdown', async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout) as { seen: string[]; pid: number };
    expect(output.seen).toEqual(['page.view']);

    const spans = spansIn(sink().received);
    const server = spans.find((s) => s.kind === SPAN_KIND_SERVER)!;
    expect(server.attributes['url.path'] ?? server.attributes['http.target']).toBe('/hello');
    expect(spans.some((s) => s.kind === SPAN_KIND_CLIENT && s.traceId === server.traceId)).toBe(true);
    expect(server.events.map((e) => e.name)).toContain('page.view');
    expect(spans.find((s) => s.name === 'fails')?.status?.code).toBe(2);
    expect(server.resource).toMatchObject({
      'service.name': 'cjs-demo-app', // from the app's package.json
      'service.version': '1.2.3',
      'deployment.environment.name': 'staging',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(server.resource['host.name']).toBe(hostname());
    expect(server.resource['process.pid']).toBe(output.pid);

    const metrics = metricNamesIn(sink().received);
    for (const name of [
      'v8js.memory.heap.used', 'nodejs.eventloop.delay.p99', 'process.cpu.time',
      'system.memory.usage', 'system.cpu.utilization',
      'hermes.events', 'hermes.measure.duration', 'app.orders', 'http.server.request.duration',
    ]) {
      expect(metrics).toContain(name);
    }

    const logs = logsIn(sink().received);
    const pageView = logs.find((l) => l.eventName === 'page.view')!;
    expect(pageView.traceId).toBe(server.traceId);
    const exception = logs.find((l) => l.eventName === 'exception')!;
    expect(exception.attributes).toMatchObject({ 'exception.type': 'RangeError', 'app.part': 'checkout' });
    expect(spans.find((s) => s.name === 'hermes.exception')?.spanId).toBe(exception.spanId);
  });

  it('stops producing http spans when http is disabled through HERMES_DISABLED_INSTRUMENTATIONS', async () => {
    const result = await run({ HERMES_DISABLED_INSTRUMENTATIONS: 'http,host' });
    expect(result.stderr).toBe('');
    const spans = spansIn(sink().received);
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['compute', 'fails']));
    expect(spans.filter((s) => s.kind === SPAN_KIND_SERVER || s.kind === SPAN_KIND_CLIENT)).toEqual([]);
    const metrics = metricNamesIn(sink().received);
    expect(metrics).not.toContain('http.server.request.duration');
    expect(metrics).not.toContain('system.memory.usage');
    expect(metrics).toContain('v8js.memory.heap.used');
  });

  it('sends http/protobuf by default', async () => {
    const result = await runNode([CJS_APP], { HERMES_ENDPOINT: sink().url });
    expect(result.code).toBe(0);
    expect(new Set(sink().received.map((r) => `${r.path} ${r.contentType}`))).toEqual(
      new Set(['/v1/traces application/x-protobuf', '/v1/metrics application/x-protobuf', '/v1/logs application/x-protobuf']),
    );
  });

  it('sends nothing at all with OTEL_SDK_DISABLED=true', async () => {
    const disabled = await run({ OTEL_SDK_DISABLED: 'true' });
    expect(disabled.code).toBe(0);
    expect((JSON.parse(disabled.stdout) as { seen: string[] }).seen).toEqual([]);
    expect(sink().received).toEqual([]);
  });

  it('with register: on SIGTERM flushes everything, then dies of the signal as it would without Hermes', async () => {
    const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'node'), ['--import', '@hermes/sdk/register', CJS_SERVER], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HERMES_ENDPOINT: sink().url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      // Deadlines (15 + 10 s) stay below jest's 30 s test timeout.
      await printed(child, 'ready', 15_000, () => stderr);
      expect(sink().received).toEqual([]); // batches and the 10 s metric interval still hold everything
      const exit = exited(child, 10_000);
      child.kill('SIGTERM');
      expect(await exit).toEqual([null, 'SIGTERM']);
      expect(stderr).toBe('');
      expect(spansIn(sink().received).some((s) => s.kind === SPAN_KIND_SERVER)).toBe(true);
      expect(metricNamesIn(sink().received)).toContain('process.cpu.time');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
