/** Jest global teardown: stops the influxd that global setup started, by its own handle. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__HERMES_INFLUXD__?.stop();
}
