/**
 * End to end: the demo app (shop + payments, `node --import @hermes/sdk/register`, real
 * PostgreSQL) sends to a collector running in this process, which writes to the real influxd;
 * InfluxQL checks what landed. Batch and metric intervals are set far beyond the test's length,
 * so everything found in InfluxDB got there through the services' shutdown flush (SIGTERM).
 * Needs `npm run build` first (the services run from demo/dist).
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import type { RunningCollector } from '@hermes/collector';
import { startTestCollector } from './test-collector';
import { startDemoServices, type RunningDemo } from './app/launch';
import { findPostgresBin, startPostgres, type RunningPostgres } from './app/postgres';
import { REGRESSED_RELEASE } from './app/config';
import { runScenario, type ScenarioSummary } from './traffic';

/** The collector's own data folder (its write-ahead log), removed after the run. */
const dataDir = mkdtempSync(join(tmpdir(), 'hermes-demo-test-'));

const influxUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const database = `hermes_demo_${process.pid}`;

type Row = Record<string, unknown>;

async function query(q: string): Promise<Row[]> {
  const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    results: { error?: string; series?: { columns: string[]; values: unknown[][]; tags?: Record<string, string> }[] }[];
  };
  const result = body.results[0];
  if (result.error) throw new Error(`${q}: ${result.error}`);
  const rows: Row[] = [];
  for (const series of result.series ?? []) {
    // GROUP BY tags come per series, not as columns.
    for (const values of series.values) rows.push({ ...series.tags, ...Object.fromEntries(series.columns.map((c, i) => [c, values[i]])) });
  }
  return rows;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('demo app with @hermes/sdk', () => {
  let postgres: RunningPostgres;
  let collector: RunningCollector;
  let demo: RunningDemo;
  let scenario: ScenarioSummary;
  const exitCodes: (number | null)[] = [];

  // Every step below has its own deadline, each well under this hook's 120 s, so a stuck step
  // fails with its own message rather than with jest's timeout.
  beforeAll(async () => {
    // Not a skip: `npm test` installs PostgreSQL (scripts/lib/setup.sh), so its absence is a failure.
    if (findPostgresBin() === undefined) {
      throw new Error(
        'PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH): ' +
          'the demo end-to-end test needs it. `npm test` installs it (scripts/lib/setup.sh); or: apt-get install postgresql',
      );
    }
    postgres = await startPostgres({ startTimeoutMs: 20_000 });
    const started = await startTestCollector({ influxUrl, database, dataDir });
    collector = started.collector;
    const { otlpPort, apiPort } = started;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    demo = await startDemoServices({
      databaseUrl: postgres.url,
      otlpEndpoint: `http://127.0.0.1:${otlpPort}`,
      apiUrl,
      environment: 'e2e',
      output: 'ignore',
      startTimeoutMs: 20_000,
      // Nothing is exported on a timer during the test: only the shutdown flush can deliver.
      env: { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BLRP_SCHEDULE_DELAY: '600000', OTEL_METRIC_EXPORT_INTERVAL: '600000' },
    });
    // Failures the scenario's random mix may not hit in a short run: one of each, on release 1.0.0.
    expect((await post(`${demo.shop.url}/checkout`, { productId: 13, quantity: 1, card: '4242424242424242' })).status).toBe(500);
    expect((await fetch(`${demo.shop.url}/products?sort=popularity`)).status).toBe(500);
    expect((await post(`${demo.shop.url}/checkout`, { productId: 1, quantity: 1, card: '4000000000000002' })).status).toBe(402);
    scenario = await runScenario({ demo, apiUrl, environment: 'e2e', requestsPerPhase: 40, concurrency: 2 });
    // The new error of the regressed release.
    expect((await post(`${demo.shop.url}/checkout`, { productId: 2, quantity: 1, card: '4242424242424242', coupon: 'WELCOME10' })).status).toBe(500);
    exitCodes.push(await demo.shop.stop(), await demo.payments.stop());
    await collector.written();
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    await collector?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
    await postgres?.stop();
    // HERMES_DEMO_TEST_KEEP_DB=1 keeps the data to look at after a failure.
    if (process.env.HERMES_DEMO_TEST_KEEP_DB) return;
    await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE ${database}`)}`, { method: 'POST' });
  }, 60_000);

  it('runs the scenario: traffic answered on both releases and the deployment recorded', () => {
    expect(scenario.before.networkErrors + scenario.after.networkErrors).toBe(0);
    expect(scenario.before.requests).toBe(40);
    expect(scenario.after.requests).toBe(40);
    expect(scenario.deploymentError).toBeUndefined();
    expect(exitCodes).toEqual([0, 0]);
  });

  it('stores HTTP server spans of both services on both shop releases', async () => {
    const rows = await query(`SELECT count(span_id) FROM spans WHERE kind = 'server' GROUP BY service, version`);
    const counts = Object.fromEntries(rows.map((r) => [`${r.service}@${r.version}`, r.count]));
    expect(counts['shop@1.0.0']).toBeGreaterThanOrEqual(40);
    expect(counts[`shop@${REGRESSED_RELEASE}`]).toBeGreaterThanOrEqual(40);
    expect(counts['payments@1.0.0']).toBeGreaterThan(0);
  });

  it('joins a checkout across services: the shop client span and the payments server span share a trace', async () => {
    const charges = await query(`SELECT trace_id, parent_span_id FROM spans WHERE service = 'payments' AND kind = 'server'`);
    expect(charges.length).toBeGreaterThan(0);
    const { trace_id: traceId, parent_span_id: parentSpanId } = charges[0];
    const shopSpans = await query(`SELECT span_id, "name", trace_id FROM spans WHERE service = 'shop' AND kind = 'client' AND trace_id = '${traceId}'`);
    expect(shopSpans.map((s) => s.span_id)).toContain(parentSpanId);
    const shopServer = await query(`SELECT span_id, "http.route" FROM spans WHERE service = 'shop' AND kind = 'server' AND trace_id = '${traceId}'`);
    expect(shopServer.map((s) => s['http.route'])).toEqual(['/checkout']);
  });

  it('stores PostgreSQL client spans with their SQL statements', async () => {
    const rows = await query(`SELECT * FROM spans WHERE service = 'shop' AND kind = 'client' AND scope_name = '@opentelemetry/instrumentation-pg' LIMIT 5000`);
    const statements = rows.map((r) => String(r['db.query.text'] ?? r['db.statement'] ?? ''));
    expect(statements).toContain('SELECT id, name, price_cents, stock FROM products WHERE id = $1');
    expect(statements.some((s) => s.startsWith('INSERT INTO orders'))).toBe(true);
    // The slow report's query takes its 300 ms of pg_sleep.
    const slow = await query(`SELECT max(duration_ns) FROM spans WHERE service = 'shop' AND scope_name = '@opentelemetry/instrumentation-pg' AND kind = 'client'`);
    expect(Number(slow[0].max)).toBeGreaterThanOrEqual(300e6);
  });

  it('stores runtime and host metrics of each service', async () => {
    for (const measurement of ['v8js.memory.heap.used', 'nodejs.eventloop.delay.p99', 'process.cpu.time', 'system.memory.usage', 'system.cpu.utilization']) {
      const rows = await query(`SELECT count(value) FROM "${measurement}" GROUP BY service`);
      expect({ measurement, services: rows.map((r) => r.service).sort() }).toEqual({ measurement, services: ['payments', 'shop'] });
    }
  });

  it('stores custom events as log records and as the hermes.events counter, and measure() as a span and histogram', async () => {
    const events = await query(`SELECT trace_id, "order.ref" FROM logs WHERE service = 'shop' AND event_name = 'order_placed'`);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => /^[0-9a-f]{32}$/.test(String(e.trace_id)) && String(e['order.ref']).startsWith('ord-'))).toBe(true);
    const counted = await query(`SELECT max(value) FROM "hermes.events" WHERE service = 'shop' AND "event.name" = 'order_placed' GROUP BY version`);
    expect(counted.length).toBeGreaterThan(0);
    const measured = await query(`SELECT count(span_id) FROM spans WHERE service = 'shop' AND "name" = 'shop.price_cart'`);
    expect(Number(measured[0]?.count)).toBeGreaterThan(0);
    const histogram = await query(`SELECT max("count") FROM "hermes.measure.duration" WHERE "hermes.measure.name" = 'shop.price_cart'`);
    expect(Number(histogram[0]?.max)).toBeGreaterThan(0);
  });

  it('stores captured exceptions with stack traces, on the trace of the failed request', async () => {
    const exceptions = await query(
      `SELECT trace_id, span_id, "exception.type", "exception.stacktrace", version FROM logs WHERE service = 'shop' AND event_name = 'exception'`,
    );
    const outOfStock = exceptions.find((e) => String(e['exception.stacktrace']).includes('is out of stock'));
    expect(outOfStock).toBeDefined();
    expect(String(outOfStock?.['exception.stacktrace'])).toMatch(/\n\s+at .*shop\.js:\d+/);
    const failedRequest = await query(
      `SELECT span_id, status, "http.route" FROM spans WHERE service = 'shop' AND kind = 'server' AND trace_id = '${outOfStock?.trace_id}'`,
    );
    expect(failedRequest).toEqual([expect.objectContaining({ 'http.route': '/checkout', status: 'error' })]);
    // A real PostgreSQL error, and the new bug that only the regressed release has.
    expect(exceptions.some((e) => String(e['exception.stacktrace']).includes('column "popularity" does not exist'))).toBe(true);
    const newBug = exceptions.filter((e) => String(e['exception.stacktrace']).includes("reading 'percent'"));
    expect(newBug.length).toBeGreaterThan(0);
    expect(newBug.every((e) => e.version === REGRESSED_RELEASE && e['exception.type'] === 'TypeError')).toBe(true);
  });

  it('stores application logs correlated with the trace and span that wrote them', async () => {
    const logs = await query(`SELECT trace_id, span_id, level FROM logs WHERE service = 'shop' AND body = 'order placed'`);
    expect(logs.length).toBeGreaterThan(0);
    const spans = await query(`SELECT trace_id, "http.route" FROM spans WHERE service = 'shop' AND span_id = '${logs[0].span_id}'`);
    expect(spans).toEqual([expect.objectContaining({ trace_id: logs[0].trace_id })]);
    expect(logs[0].level).toBe('info');
    // The payments service's warning sits on the trace the shop started.
    const declined = await query(`SELECT trace_id, level FROM logs WHERE service = 'payments' AND body = 'card declined'`);
    expect(declined.length).toBeGreaterThan(0);
    expect(declined[0].level).toBe('warn');
    const shopSide = await query(`SELECT count(span_id) FROM spans WHERE service = 'shop' AND kind = 'server' AND trace_id = '${declined[0].trace_id}'`);
    expect(Number(shopSide[0]?.count)).toBe(1);
  });

  it('stores the deployment point', async () => {
    const rows = await query(`SELECT version, commit, description FROM deployments WHERE service = 'shop' AND environment = 'e2e'`);
    expect(rows).toEqual([expect.objectContaining({ version: REGRESSED_RELEASE, commit: 'c0ffee1' })]);
  });
});
