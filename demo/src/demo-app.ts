/**
 * The part of `npm start` that runs the demo app next to Hermes: PostgreSQL, the shop and
 * payments services instrumented with @hermes/sdk, and a short burst of traffic with one
 * deployment. Each step that cannot run (PostgreSQL missing...) is reported, never fatal.
 */
import { resolve } from 'node:path';
import { startDemoServices, type RunningDemo } from './app/launch';
import { startPostgres, type RunningPostgres } from './app/postgres';
import { formatSummary, runScenario } from './traffic';

export interface DemoAppOptions {
  /** Repository root (.hermes/postgres keeps the database between runs). */
  root: string;
  otlpEndpoint: string;
  apiUrl: string;
  requestsPerPhase?: number;
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
  try {
    postgres = await startPostgres({ dataDir: resolve(options.root, '.hermes/postgres') });
    console.log(`demo: started PostgreSQL ${postgres.url} (pid ${postgres.pid}, data in .hermes/postgres)`);
  } catch (err) {
    console.error(`demo: PostgreSQL is unavailable, so the demo app does not run (${(err as Error).message}).
demo: Hermes and the sample telemetry above still work; install PostgreSQL with: apt-get install postgresql`);
    return { shopUrl: undefined, stop };
  }
  try {
    demo = await startDemoServices({ databaseUrl: postgres.url, otlpEndpoint: options.otlpEndpoint, apiUrl: options.apiUrl });
    console.log(`demo: shop ${demo.shop.url} and payments ${demo.payments.url} run with node --import @hermes/sdk/register`);
    const summary = await runScenario({
      demo,
      apiUrl: options.apiUrl,
      requestsPerPhase: options.requestsPerPhase ?? 150,
      maxPhaseDurationMs: 20_000,
      progress: (message) => console.log(`demo: ${message}`),
    });
    console.log(`demo: shop answered, before the deployment:\n${formatSummary(summary.before)}`);
    console.log(`demo: and after deploying ${summary.deployedRelease}:\n${formatSummary(summary.after)}`);
    return { shopUrl: demo.shop.url, stop };
  } catch (err) {
    console.error(`demo: the demo app failed: ${(err as Error).message}`);
    await stop();
    return { shopUrl: undefined, stop: async () => undefined };
  }
}
