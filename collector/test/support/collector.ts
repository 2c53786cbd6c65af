/** A collector on free loopback ports writing to the test influxd, for end-to-end tests. */
import { loadConfig } from '../../src/config';
import { startCollector, type RunningCollector } from '../../src/service';

export const testInfluxUrl = (): string => process.env.HERMES_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086';

/**
 * Starts a collector writing to `database`; `env` adds or overrides HERMES_* settings and
 * `configPath` names a YAML file for what has no variable (pipelines).
 */
export function startTestCollector(database: string, env: Record<string, string> = {}, configPath?: string): Promise<RunningCollector> {
  return startCollector(
    loadConfig({
      configPath,
      env: {
        HERMES_OTLP_HTTP_PORT: '0',
        HERMES_API_PORT: '0',
        HERMES_INFLUX_URL: testInfluxUrl(),
        HERMES_INFLUX_DATABASE: database,
        ...env,
      },
    }),
  );
}

/** Drops a test database (a best-effort cleanup: the influxd is thrown away anyway). */
export async function dropTestDatabase(database: string): Promise<void> {
  await fetch(`${testInfluxUrl()}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: 'POST' });
}
