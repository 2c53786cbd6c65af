/**
 * The demo's traffic generator: a bounded stream of shop requests with a realistic mix (browsing,
 * checkouts, declined cards, a sold-out product, a slow report, a legacy client whose query fails),
 * and the demo scenario: traffic on release 1.0.0, a deployment of 1.1.0 (shop restarted with the
 * new service.version, `recordDeployment` called), then traffic on the regressed release.
 *
 * CLI (traffic only, against a running shop): node demo/dist/traffic.js http://127.0.0.1:PORT [seconds]
 */
import { recordDeployment } from '@hermes/sdk';
import { IN_STOCK_IDS, SOLD_OUT_ID } from './app/catalog';
import { REGRESSED_RELEASE } from './app/config';
import type { RunningDemo } from './app/launch';

export interface TrafficOptions {
  shopUrl: string;
  /** Stop after this many requests... */
  requests: number;
  /** ...or after this long, whichever comes first. */
  maxDurationMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Seed of the request mix, so a run can be repeated. */
  seed?: number;
}

export interface TrafficSummary {
  requests: number;
  /** Answers by route and status, e.g. `POST /checkout 402`. */
  byOutcome: Record<string, number>;
  /** Requests that got no HTTP answer at all (connection refused...). */
  networkErrors: number;
  elapsedMs: number;
}

interface PlannedRequest {
  label: string;
  path: string;
  body?: unknown;
}

const GOOD_CARD = '4242424242424242';
const DECLINED_CARD = '4000000000000002';

/** A small deterministic PRNG (mulberry32): the same seed gives the same mix. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request of the mix; weights are percentages of all requests. */
export function planRequest(next: () => number): PlannedRequest {
  const roll = next() * 100;
  const product = IN_STOCK_IDS[Math.floor(next() * IN_STOCK_IDS.length)];
  if (roll < 38) return { label: 'GET /products', path: '/products' };
  if (roll < 73) return { label: 'GET /products/:id', path: `/products/${product}` };
  if (roll < 84) return { label: 'POST /checkout', path: '/checkout', body: { productId: product, quantity: 1 + Math.floor(next() * 3), card: GOOD_CARD } };
  if (roll < 90) return { label: 'POST /checkout', path: '/checkout', body: { productId: product, quantity: 1, card: GOOD_CARD, coupon: 'WELCOME10' } };
  if (roll < 93) return { label: 'POST /checkout', path: '/checkout', body: { productId: product, quantity: 1, card: DECLINED_CARD } };
  if (roll < 95) return { label: 'POST /checkout', path: '/checkout', body: { productId: SOLD_OUT_ID, quantity: 1, card: GOOD_CARD } };
  if (roll < 97) return { label: 'GET /reports/sales', path: '/reports/sales' };
  if (roll < 98.5) return { label: 'GET /products', path: '/products?sort=popularity' };
  return { label: 'GET /products/:id', path: '/products/999' };
}

export async function sendTraffic(options: TrafficOptions): Promise<TrafficSummary> {
  const next = random(options.seed ?? 1);
  const deadline = Date.now() + (options.maxDurationMs ?? Infinity);
  const summary: TrafficSummary = { requests: 0, byOutcome: {}, networkErrors: 0, elapsedMs: 0 };
  const started = Date.now();
  let planned = 0;
  const worker = async () => {
    while (planned < options.requests && Date.now() < deadline) {
      planned++;
      const request = planRequest(next);
      try {
        const res = await fetch(options.shopUrl + request.path, {
          method: request.body ? 'POST' : 'GET',
          headers: request.body ? { 'content-type': 'application/json' } : undefined,
          body: request.body ? JSON.stringify(request.body) : undefined,
        });
        await res.arrayBuffer();
        const outcome = `${request.label} ${res.status}`;
        summary.byOutcome[outcome] = (summary.byOutcome[outcome] ?? 0) + 1;
      } catch {
        summary.networkErrors++;
      }
      summary.requests++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  summary.elapsedMs = Date.now() - started;
  return summary;
}

export interface ScenarioOptions {
  demo: RunningDemo;
  /** Hermes API base URL for recordDeployment. */
  apiUrl: string;
  environment?: string;
  /** Requests before and after the deployment each. */
  requestsPerPhase?: number;
  maxPhaseDurationMs?: number;
  concurrency?: number;
  /** Called between steps, for a person watching. */
  progress?: (message: string) => void;
}

export interface ScenarioSummary {
  before: TrafficSummary;
  after: TrafficSummary;
  deployedRelease: string;
  /** Why recordDeployment failed (the collector refused or is unreachable); the scenario goes on. */
  deploymentError?: string;
}

/** Traffic on the current release, the deployment of the regressed release, traffic again. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioSummary> {
  const say = options.progress ?? (() => undefined);
  const phase = (seed: number) =>
    sendTraffic({
      shopUrl: options.demo.shop.url,
      requests: options.requestsPerPhase ?? 200,
      maxDurationMs: options.maxPhaseDurationMs ?? 20_000,
      concurrency: options.concurrency,
      seed,
    });
  say(`traffic on shop ${options.demo.shop.release}`);
  const before = await phase(1);
  say(`deploying shop ${REGRESSED_RELEASE} (restart with the new service.version, then recordDeployment)`);
  await options.demo.redeployShop(REGRESSED_RELEASE);
  let deploymentError: string | undefined;
  await recordDeployment(
    {
      service: 'shop',
      version: REGRESSED_RELEASE,
      environment: options.environment ?? 'demo',
      commit: 'c0ffee1',
      description: 'product recommendations; coupon service client',
    },
    { apiUrl: options.apiUrl },
  ).catch((err: unknown) => {
    deploymentError = (err as Error).message;
    say(`recordDeployment failed: ${deploymentError}`);
  });
  say(`traffic on shop ${REGRESSED_RELEASE}`);
  const after = await phase(2);
  return { before, after, deployedRelease: REGRESSED_RELEASE, deploymentError };
}

/** Outcomes as `label status ×count` lines, most frequent first. */
export function formatSummary(summary: TrafficSummary): string {
  return Object.entries(summary.byOutcome)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, count]) => `    ${outcome} ×${count}`)
    .join('\n');
}

if (require.main === module) {
  const [shopUrl, seconds = '30'] = process.argv.slice(2);
  if (!shopUrl) {
    console.error('usage: node demo/dist/traffic.js SHOP_URL [seconds]');
    process.exit(2);
  }
  sendTraffic({ shopUrl, requests: Number.MAX_SAFE_INTEGER, maxDurationMs: Number(seconds) * 1000 })
    .then((summary) => console.log(`${summary.requests} requests in ${summary.elapsedMs} ms:\n${formatSummary(summary)}`))
    .catch((err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    });
}
