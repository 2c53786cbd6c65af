/**
 * The part of `npm start` that runs the demo app next to Hermes: PostgreSQL, the shop and
 * payments services instrumented with @hermes/sdk, and a short burst of traffic with one
 * deployment. Each step that cannot run (PostgreSQL missing...) is reported, never fatal.
 */
import { startDemoServices, type RunningDemo } from './app/launch';
import { startPostgres, type RunningPostgres } from './app/postgres';
import type { StartedProcess } from './processes';
import { formatSummary, runScenario } from './traffic';

export interface DemoAppOptions {
  /** PostgreSQL's data folder, kept between runs (created when missing). */
  postgresDir: string;
  otlpEndpoint: string;
  apiUrl: string;
  requestsPerPhase?: number;
  /**
   * Called with each process as soon as it runs (PostgreSQL, then the services), so whoever
   * started the demo app can stop them even while startDemoApp is still running.
   */
  onStarted?: (started: StartedProcess) => void;
  /** Once aborted (the caller is stopping everything), failures are no longer reported. */
  signal?: AbortSignal;
}

export interface RunningDemoApp {
  /** The shop's URL, or undefined when the demo app could not start. */
  shopUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startDemoApp(options: DemoAppOptions): Promise<RunningDemoApp> {
  let postgres: RunningPostgres | undefined;
  let demo: RunningDemo | undefined;
  const stop = async () => {
    await demo?.stop();
    await postgres?.stop();
  };
  const stopping = () => options.signal?.aborted === true;
  try {
    const pg = await startPostgres({ dataDir: options.postgresDir });
    postgres = pg;
    options.onStarted?.({ describe: () => `PostgreSQL (pid ${pg.pid})`, stop: () => pg.stop() });
    console.log(`demo: started PostgreSQL ${pg.url} (pid ${pg.pid}, data in ${options.postgresDir})`);
  } catch (err) {
    if (stopping()) return { shopUrl: undefined, stop };
    console.error(`demo: PostgreSQL is unavailable, so the demo app does not run (${(err as Error).message}).
demo: Hermes and the sample telemetry above still work; install PostgreSQL with: apt-get install postgresql`);
    return { shopUrl: undefined, stop };
  }
  try {
    const services = await startDemoServices({ databaseUrl: postgres.url, otlpEndpoint: options.otlpEndpoint, apiUrl: options.apiUrl });
    demo = services;
    // The shop is replaced at the redeployment: describe whichever one runs when stopping.
    options.onStarted?.({
      describe: () => `shop (pid ${services.shop.pid}), payments (pid ${services.payments.pid})`,
      stop: () => services.stop(),
    });
    console.log(`demo: shop ${services.shop.url} and payments ${services.payments.url} run with node --import @hermes/sdk/register`);
    const summary = await runScenario({
      demo: services,
      apiUrl: options.apiUrl,
      requestsPerPhase: options.requestsPerPhase ?? 150,
      maxPhaseDurationMs: 20_000,
      progress: (message) => console.log(`demo: ${message}`),
    });
    console.log(`demo: shop answered, before the deployment:\n${formatSummary(summary.before)}`);
    console.log(`demo: and after deploying ${summary.deployedRelease}:\n${formatSummary(summary.after)}`);
    // What follows reports on what landed: the services' batches must be in InfluxDB first.
    if (!(await services.flush())) console.error('demo: a demo service did not flush its telemetry within 10 s; the figures below may be short');
    return { shopUrl: services.shop.url, stop };
  } catch (err) {
    if (stopping()) return { shopUrl: undefined, stop };
    console.error(`demo: the demo app failed: ${(err as Error).message}`);
    await stop();
    return { shopUrl: undefined, stop: async () => undefined };
  }
}
