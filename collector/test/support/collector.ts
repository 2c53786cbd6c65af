/** A collector on free loopback ports writing to the test influxd, for end-to-end tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { startCollector, type RunningCollector } from '../../src/service';

export const testInfluxUrl = (): string => process.env.HERMES_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';

/**
 * Starts a collector writing to `database`; `env` adds or overrides HERMES_* settings and
 * `configPath` names a YAML file for what has no variable (pipelines).
 */
export async function startTestCollector(database: string, env: Record<string, string> = {}, configPath?: string): Promise<RunningCollector> {
  // Its own data folder (the write-ahead log takes a lock on it), removed on shutdown unless the test named one.
  const dataDir = env.HERMES_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'hermes-test-data-'));
  const collector = await startCollector(
    loadConfig({
      configPath,
      env: {
        HERMES_OTLP_HTTP_PORT: '0',
        HERMES_API_PORT: '0',
        HERMES_INFLUX_URL: testInfluxUrl(),
        HERMES_INFLUX_DATABASE: database,
        HERMES_DATA_DIR: dataDir,
        // The budget counts this jest worker's resident memory, which is not the collector's own.
        HERMES_MEMORY_LIMIT_MIB: '8192',
        ...env,
      },
    }),
  ).catch((err: unknown) => {
    if (env.HERMES_DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  if (env.HERMES_DATA_DIR !== undefined) return collector;
  return {
    ...collector,
    endpoints: collector.endpoints,
    urls: collector.urls,
    metrics: collector.metrics,
    written: collector.written,
    shutdown: async () => {
      await collector.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Drops a test database (a best-effort cleanup: the influxd is thrown away anyway). */
export async function dropTestDatabase(database: string): Promise<void> {
  await fetch(`${testInfluxUrl()}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: 'POST' });
}
