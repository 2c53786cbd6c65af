/** A collector in the test's own process, on free ports, writing to the test influxd: for the demo's end-to-end tests. */
import { freePort, loadConfig, startCollector, type RunningCollector } from '@hermes/collector';

export interface TestCollector {
  collector: RunningCollector;
  otlpPort: number;
  apiPort: number;
}

export async function startTestCollector(options: { influxUrl: string; database: string; dataDir: string }): Promise<TestCollector> {
  const [otlpPort, apiPort] = [await freePort(), await freePort()];
  const collector = await startCollector(
    loadConfig({
      env: {
        HERMES_OTLP_HTTP_PORT: String(otlpPort),
        HERMES_API_PORT: String(apiPort),
        HERMES_INFLUX_URL: options.influxUrl,
        HERMES_INFLUX_DATABASE: options.database,
        HERMES_DATA_DIR: options.dataDir,
        // The budget would count this jest worker's memory, not the collector's own.
        HERMES_MEMORY_LIMIT_MIB: '8192',
      },
    }),
  );
  return { collector, otlpPort, apiPort };
}
