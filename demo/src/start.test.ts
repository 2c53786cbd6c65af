/**
 * `npm start` stops everything it started when told to: runs the built demo/dist/start.js (its
 * own InfluxDB, the collector, PostgreSQL, the demo services, a little traffic) with its state in
 * a temporary folder and on free ports, waits for the summary, signals it, and checks that every
 * process it started is gone. Needs `npm run build` first. About 15 s per case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@hermes/collector';

const root = resolve(__dirname, '../..');
const READY_LINE = 'Hermes keeps running';

/** State (R, S, Z...) and parent of every process, from /proc. */
function processTable(): Map<number, { state: string; ppid: number }> {
  const table = new Map<number, { state: string; ppid: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { state, ppid: Number(ppid) });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

function descendants(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  let level = [pid];
  while (level.length > 0) {
    level = [...table].filter(([, p]) => level.includes(p.ppid)).map(([child]) => child);
    found.push(...level);
  }
  return found;
}

/** Those of `pids` still running (a zombie has exited; its parent just has not reaped it yet). */
function running(pids: number[]): number[] {
  const table = processTable();
  return pids.filter((pid) => table.has(pid) && table.get(pid)?.state !== 'Z');
}

interface Started {
  /** The process the signal goes to (start.js, or the shell above it). */
  child: ChildProcess;
  output: () => string;
  stateDir: string;
}

/** Runs `command` (which runs start.js) with its state in a temp folder; resolves at the summary. */
async function startDemo(command: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const stateDir = mkdtempSync(join(tmpdir(), 'hermes-start-test-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folder.
  chmodSync(stateDir, 0o755);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HERMES_DEMO_STATE_DIR: stateDir,
    HERMES_DEMO_REQUESTS_PER_PHASE: '3',
    HERMES_OTLP_HTTP_PORT: String(await freePort()),
    HERMES_API_PORT: String(await freePort()),
    ...env,
  };
  // start.js starts an InfluxDB of its own only without this; npm sets npm_lifecycle_event.
  delete childEnv.HERMES_INFLUX_URL;
  if (!('npm_lifecycle_event' in env)) delete childEnv.npm_lifecycle_event;
  const child = spawn(command[0], command.slice(1), { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => rejectReady(new Error(`no "${READY_LINE}" within 90 s:\n${output}`)), 90_000);
    const onExit = (code: number | null) => rejectReady(new Error(`exited (${code}) before the summary:\n${output}`));
    child.once('exit', onExit);
    child.stdout!.on('data', () => {
      if (!output.includes(READY_LINE)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolveReady();
    });
  });
  return { child, output: () => output, stateDir };
}

/** Resolves when none of `pids` runs any more, or with those still running after timeoutMs. */
async function allGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (running(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return running(pids);
}

describe('npm start (demo/dist/start.js)', () => {
  let started: Started | undefined;

  afterEach(() => {
    // A failed case must not leave its processes behind: SIGKILL, by pid, whatever it started.
    if (!started) return;
    for (const pid of running([...descendants(started.child.pid!), started.child.pid!])) process.kill(pid, 'SIGKILL');
    rmSync(started.stateDir, { recursive: true, force: true });
    started = undefined;
  });

  it('stops InfluxDB, the collector, PostgreSQL and the demo services on SIGINT, and says so', async () => {
    started = await startDemo([process.execPath, 'demo/dist/start.js'], {});
    const { child } = started;
    const tree = descendants(child.pid!);
    // influxd, the collector, PostgreSQL (and its workers), shop, payments.
    expect({ tree: tree.length, output: started.output() }).toEqual({ tree: expect.any(Number), output: expect.stringContaining('demo: started PostgreSQL') });
    expect(tree.length).toBeGreaterThanOrEqual(5);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(await allGone(tree, 5_000)).toEqual([]);
    const stopLine = started.output().split('\n').find((l) => l.startsWith('demo: got SIGINT: stopped'));
    expect(stopLine).toMatch(/shop \(pid \d+\), payments \(pid \d+\), PostgreSQL \(pid \d+\), the collector \(pid \d+\) and InfluxDB \(pid \d+\)/);
  }, 120_000);

  it("stops everything when npm's shell goes away (SIGTERM to it), though the signal never reaches node", async () => {
    // As npm runs it: sh -c, without exec, so the shell stays between npm and node.
    started = await startDemo(['sh', '-c', `'${process.execPath}' demo/dist/start.js; true`], { npm_lifecycle_event: 'start' });
    const { child } = started;
    const tree = descendants(child.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(6);
    child.kill('SIGTERM');
    expect(await allGone(tree, 8_000)).toEqual([]);
    expect(started.output()).toMatch(/demo: npm's shell \(pid \d+\) is gone: stopped .*InfluxDB \(pid \d+\)/);
  }, 120_000);
});
