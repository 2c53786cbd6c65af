/**
 * What a demo service reads from its environment (set by launch.ts, or by hand):
 * PORT, DATABASE_URL, PAYMENTS_URL (shop only) and DEMO_RELEASE.
 * The release decides the shop's behaviour: 1.1.0 is the "bad deployment" of the demo.
 */
import type { Express } from 'express';

export interface ServiceEnv {
  port: number;
  databaseUrl: string;
  paymentsUrl: string;
  release: string;
}

/** The release whose product page got slower and whose coupon code throws. */
export const REGRESSED_RELEASE = '1.1.0';
export const FIRST_RELEASE = '1.0.0';

export function readServiceEnv(env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const port = Number(env.PORT || 0);
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set (postgres://user@host:port/db)');
  return {
    port: Number.isInteger(port) && port >= 0 ? port : 0,
    databaseUrl: env.DATABASE_URL,
    paymentsUrl: env.PAYMENTS_URL || 'http://127.0.0.1:4402',
    release: env.DEMO_RELEASE || FIRST_RELEASE,
  };
}

/**
 * Listens on loopback, prints `NAME: listening on PORT` (launch.ts waits for that line), and
 * on SIGTERM/SIGINT stops accepting and then closes `pool`. Hermes' own signal handler (from
 * `--import @hermes/sdk/register`) flushes telemetry meanwhile; the process ends when both are done.
 * On SIGUSR2 it calls `flushTelemetry` and then prints `NAME: flushed` (launch.ts's `flush()`):
 * how `npm start` makes sure what the services saw has reached Hermes before it reports.
 */
export function serve(
  name: string,
  app: Express,
  port: number,
  pool: { end(): Promise<void> },
  flushTelemetry: () => Promise<void> | undefined = () => undefined,
): void {
  const server = app.listen(port, '127.0.0.1', () => {
    const address = server.address();
    console.log(`${name}: listening on ${typeof address === 'object' && address ? address.port : port}`);
  });
  // Ctrl-C in a terminal sends SIGINT to the whole process group, and then the launcher sends
  // SIGTERM too: stop once.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => void pool.end());
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('SIGUSR2', () => {
    Promise.resolve(flushTelemetry()).then(
      () => console.log(`${name}: flushed`),
      (err: unknown) => console.log(`${name}: flushed, with an error: ${(err as Error).message}`),
    );
  });
}
