/**
 * Starts the two demo services (`payments`, then `shop`) as child processes, with Hermes
 * (`node --import @hermes/sdk/register`) or without it (the benchmark's baseline), and
 * redeploys the shop under a new release. Used by `npm start`, the traffic generator's CLI,
 * the end-to-end test and the overhead benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { FIRST_RELEASE } from './config';

export interface DemoServicesOptions {
  databaseUrl: string;
  /** Hermes OTLP/HTTP base URL; when absent the services run without the SDK. */
  otlpEndpoint?: string;
  /** Hermes API base URL (recordDeployment). */
  apiUrl?: string;
  release?: string;
  environment?: string;
  /** More environment for both services (e.g. OTEL_METRIC_EXPORT_INTERVAL). */
  env?: Record<string, string>;
  /** Print the services' output prefixed with their name (default) or drop it. */
  output?: 'prefixed' | 'ignore';
  startTimeoutMs?: number;
}

export interface DemoService {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly release: string;
  readonly pid: number;
  /** SIGTERM (Hermes flushes on it), SIGKILL after timeoutMs; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /**
   * Has the service export what its SDK holds (SIGUSR2, see config.ts `serve`); resolves true once
   * it has (the collector acknowledges only what InfluxDB has), false after timeoutMs or if it exited.
   */
  flush(timeoutMs?: number): Promise<boolean>;
}

export interface RunningDemo {
  readonly shop: DemoService;
  readonly payments: DemoService;
  /** Stops the shop and starts it again on the same port under `release`; throws once stop() was called. */
  redeployShop(release: string): Promise<DemoService>;
  /** Flushes both services' telemetry; resolves true when both did. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Stops both, including a shop that a redeployment is starting meanwhile. */
  stop(): Promise<void>;
}

// The built services in demo/dist, also when this module runs from another build (the benchmark's).
const demoDir = dirname(require.resolve('@hermes/demo/package.json'));
const appDir = resolve(demoDir, 'dist/app');

export async function startDemoServices(options: DemoServicesOptions): Promise<RunningDemo> {
  const release = options.release ?? FIRST_RELEASE;
  const payments = await startService('payments', options, { release, port: 0 });
  let shop: DemoService;
  try {
    shop = await startService('shop', options, { release, port: 0, paymentsUrl: payments.url });
  } catch (err) {
    await payments.stop();
    throw err;
  }
  let stopped = false;
  return {
    get shop() {
      return shop;
    },
    payments,
    async redeployShop(next: string) {
      await shop.stop();
      const started = await startService('shop', options, { release: next, port: shop.port, paymentsUrl: payments.url });
      if (stopped) {
        // stop() ran while the new shop was starting and could not see it.
        await started.stop();
        throw new Error('the demo services were stopped during the redeployment');
      }
      shop = started;
      return shop;
    },
    async flush(timeoutMs?: number) {
      const flushed = await Promise.all([shop.flush(timeoutMs), payments.flush(timeoutMs)]);
      return flushed.every(Boolean);
    },
    async stop() {
      stopped = true;
      await shop.stop();
      await payments.stop();
    },
  };
}

interface ServiceParams {
  release: string;
  port: number;
  paymentsUrl?: string;
}

function serviceEnv(name: string, options: DemoServicesOptions, params: ServiceParams): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(params.port),
    DATABASE_URL: options.databaseUrl,
    DEMO_RELEASE: params.release,
    ...(params.paymentsUrl ? { PAYMENTS_URL: params.paymentsUrl } : {}),
  };
  if (options.otlpEndpoint) {
    Object.assign(env, {
      OTEL_SERVICE_NAME: name,
      OTEL_RESOURCE_ATTRIBUTES: `service.version=${params.release},deployment.environment.name=${options.environment ?? 'demo'}`,
      HERMES_ENDPOINT: options.otlpEndpoint,
      ...(options.apiUrl ? { HERMES_API_URL: options.apiUrl } : {}),
    });
  }
  return { ...env, ...options.env };
}

function startService(name: 'shop' | 'payments', options: DemoServicesOptions, params: ServiceParams): Promise<DemoService> {
  const args = [...(options.otlpEndpoint ? ['--import', '@hermes/sdk/register'] : []), resolve(appDir, `${name}.js`)];
  // cwd is the demo workspace so `--import @hermes/sdk/register` resolves through its node_modules.
  const child = spawn(process.execPath, args, {
    cwd: demoDir,
    env: serviceEnv(name, options, params),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const show = options.output !== 'ignore';
  let lastOutput = '';
  const remember = (line: string) => {
    lastOutput = (lastOutput + '\n' + line).slice(-2000);
    if (show) console.log(`  [${name}] ${line}`);
  };
  createInterface({ input: child.stderr! }).on('line', remember);
  const stdout = createInterface({ input: child.stdout! });
  const flushed = new Set<() => void>();
  stdout.on('line', (line) => {
    if (line !== `${name}: flushed` && !line.startsWith(`${name}: flushed,`)) return;
    if (line !== `${name}: flushed`) remember(line);
    for (const done of flushed) done();
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  return new Promise<DemoService>((resolveStart, rejectStart) => {
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null) => fail(`exited with code ${code} before listening`);
    function fail(why: string) {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      rejectStart(new Error(`demo service ${name} ${why}:${lastOutput}`));
    }
    child.once('exit', onExit);
    stdout.on('line', (line) => {
      if (line.startsWith(`${name}: flushed`)) return;
      const listening = /^\w+: listening on (\d+)$/.exec(line);
      if (!listening) return remember(line);
      clearTimeout(timer);
      child.off('exit', onExit);
      const port = Number(listening[1]);
      resolveStart({
        name,
        url: `http://127.0.0.1:${port}`,
        port,
        release: params.release,
        pid: child.pid ?? -1,
        stop: (stopTimeoutMs = 15_000) => stopChild(child, stopTimeoutMs),
        flush: (flushTimeoutMs = 10_000) => flushChild(child, flushed, flushTimeoutMs),
      });
    });
  });
}

function flushChild(child: ChildProcess, waiting: Set<() => void>, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(false);
  return new Promise((resolveFlush) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      waiting.delete(onFlushed);
      child.off('exit', onExit);
      resolveFlush(ok);
    };
    const onFlushed = () => finish(true);
    const onExit = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    waiting.add(onFlushed);
    child.once('exit', onExit);
    child.kill('SIGUSR2');
  });
}

function stopChild(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop(child.exitCode);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolveStop(code);
    });
    child.kill('SIGTERM');
  });
}
