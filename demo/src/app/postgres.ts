/**
 * Runs a throw-away PostgreSQL cluster of our own (Debian's `postgresql` package) for the demo:
 * `initdb` into a folder, `postgres` on a free loopback port with its unix socket in that folder,
 * trust auth for one user. Not a way to manage a real server: no tuning, no durability (fsync off).
 *
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
 * (created by the Debian package) and its folder is handed to that user. The folder's parents
 * must be searchable by that user: a temp folder always is.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@hermes/collector';

export interface RunningPostgres {
  /** `postgres://hermes@127.0.0.1:PORT/shop` */
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Keep the cluster here (created when missing, reused when present) instead of a temp folder removed on stop. */
  dataDir?: string;
  port?: number;
  /** Database created for the demo. */
  database?: string;
  startTimeoutMs?: number;
}

const USER = 'hermes';

/** The folder holding `initdb` and `postgres`: on PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
export function findPostgresBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? initdb.slice(0, -'/initdb'.length) : undefined;
}

/** The user PostgreSQL runs as: ourselves, or the `postgres` system user when we are root. */
function postgresUser(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
  return { uid, gid };
}

function run(command: string[], user: { uid?: number; gid?: number }, what: string): void {
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', ...user, cwd: tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout).trim()}`);
  }
}

/** Starts PostgreSQL and creates the database; throws with the reason when it cannot. */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const user = postgresUser();
  const keepData = options.dataDir !== undefined;
  // A temp folder is reachable by the postgres user; a folder inside a private home may not be.
  const dataDir = options.dataDir ?? join(mkdtempSync(join(tmpdir(), 'hermes-pg-')), 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) {
    chownSync(dataDir, user.uid, user.gid ?? user.uid);
    // mkdtemp's folder is private to us; the postgres user must be able to enter it.
    if (!keepData) chownSync(join(dataDir, '..'), user.uid, user.gid ?? user.uid);
  }
  const removeTemp = () => {
    if (!keepData) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  };
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    try {
      run([join(bin, 'initdb'), '-D', dataDir, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync'], user, 'initdb');
    } catch (err) {
      removeTemp();
      throw err;
    }
  }
  const port = options.port ?? (await freePort());
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${dataDir}`,
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=50',
    ],
    // detached: its own process group, so a Ctrl-C stops the services first and the database after them.
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: tmpdir(), detached: true, ...user },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const database = options.database ?? 'shop';
  try {
    await waitForServer(port, child, options.startTimeoutMs ?? 30_000, () => stderr);
    await createDatabase(port, database);
  } catch (err) {
    await stopChild(child);
    removeTemp();
    throw err;
  }
  return {
    url: `postgres://${USER}@127.0.0.1:${port}/${database}`,
    port,
    dataDir,
    pid: child.pid ?? -1,
    stop: async () => {
      await stopChild(child);
      removeTemp();
    },
  };
}

async function waitForServer(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}: ${log().trim()}`);
    const client = new Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      last = (err as Error).message;
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`postgres did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms: ${last}`);
}

async function createDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** SIGINT is PostgreSQL's "fast shutdown": roll back open transactions and exit cleanly. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}
