/**
 * Starts a real, throw-away influxd (Debian's `influxdb` package) on loopback with its
 * data in a temporary folder. Used by jest's global setup, `npm start` and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningInfluxd {
  url: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** A free loopback TCP port, picked by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`influxd exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`influxd did not answer ${url}/ping within ${timeoutMs} ms`);
}

export interface InfluxdOptions {
  binary?: string;
  /** Keep data here (created if missing) instead of a temporary folder removed on stop. */
  dataDir?: string;
  /** Loopback HTTP port; a free one when unset. */
  httpPort?: number;
  /** InfluxDB's [http] max-body-size in bytes. */
  maxBodyBytes?: number;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<RunningInfluxd> {
  const keepData = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hermes-influxd-'));
  mkdirSync(dataDir, { recursive: true });
  const httpPort = options.httpPort ?? (await freePort());
  const rpcPort = await freePort();
  const config = [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dataDir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dataDir, 'data')}"`,
    `  wal-dir = "${join(dataDir, 'wal')}"`,
    '  query-log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    `  max-body-size = ${options.maxBodyBytes ?? 25_000_000}`,
    '[continuous_queries]',
    '  enabled = false',
    '',
  ].join('\n');
  const configPath = join(dataDir, 'influxdb.conf');
  writeFileSync(configPath, config);
  const child = spawn(options.binary ?? 'influxd', ['-config', configPath], {
    stdio: ['ignore', 'ignore', 'ignore'],
    // Its own process group: a Ctrl-C in the terminal must not stop storage while the
    // collector is still flushing into it; whoever started it stops it.
    detached: true,
  });
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForPing(url, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url,
    pid: child.pid ?? -1,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          if (!keepData) rmSync(dataDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
