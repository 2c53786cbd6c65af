/** Jest global setup: one real influxd for the whole run unless HERMES_TEST_INFLUX_URL names one. */
import { startInfluxd, type RunningInfluxd } from '../../src/dev/influxd';

declare global {
  var __HERMES_INFLUXD__: RunningInfluxd | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.HERMES_TEST_INFLUX_URL) return;
  const influxd = await startInfluxd();
  globalThis.__HERMES_INFLUXD__ = influxd;
  process.env.HERMES_TEST_INFLUX_URL = influxd.url;
}
