/** `hermes start` as a child process on fixed free ports, for tests that kill, restart or measure it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/dev/influxd';

const cli = join(__dirname, '../../bin/hermes.js');

export interface HermesProcesses {
  otlpPort: number;
  apiPort: number;
  /** Starts `hermes start` with these HERMES_* settings added; its stderr is collected in `stderr`. */
  start(env: Record<string, string>): ChildProcess;
  /** Resolves once the API answers GET /healthz; rejects after 20 s. */
  ready(): Promise<void>;
  stderr: string;
}

/** Ports picked once, so a restarted collector answers where the first one did. */
export async function hermesProcesses(): Promise<HermesProcesses> {
  const otlpPort = await freePort();
  const apiPort = await freePort();
  const processes: HermesProcesses = {
    otlpPort,
    apiPort,
    stderr: '',
    start(env) {
      const child = spawn(cli, ['start'], {
        env: { PATH: process.env.PATH, HERMES_OTLP_HTTP_PORT: String(otlpPort), HERMES_API_PORT: String(apiPort), HERMES_LOG_LEVEL: 'error', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => (processes.stderr += chunk.toString()));
      return child;
    },
    async ready() {
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${apiPort}/healthz`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error(`hermes did not answer /healthz: ${processes.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  return processes;
}

/** Sends SIGTERM (unless it has exited) and waits for the exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
