/**
 * Delivery behaviour of the InfluxDB exporter against real influxd processes: request
 * splitting on 413, permanent 400s, retries while InfluxDB is down or answering 5xx,
 * backpressure, database re-creation and shutdown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startInfluxd, type RunningInfluxd } from '../../dev/influxd';
import { HermesError } from '../../pipeline/errors';
import { droppedPoints, rows, span, testExporter, traces, writtenPoints } from './testdata/batches';
import type { SelfMetrics } from '../../pipeline/self-metrics';

const sharedUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const dbPrefix = `hermes_delivery_${process.pid}`;
let dbCounter = 0;
const cleanups: (() => Promise<unknown>)[] = [];

/** An exporter on its own database, shut down after the test. */
function exporterFor(url: string, overrides: Parameters<typeof testExporter>[2] = {}) {
  const db = `${dbPrefix}_${++dbCounter}`;
  const made = testExporter(url, db, overrides);
  cleanups.push(() => made.exporter.shutdown(Date.now() + 2000));
  return { ...made, db };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function writeDurationCount(metrics: SelfMetrics, outcome: string): Promise<number> {
  const { values } = await metrics.writeDuration.get();
  return values
    .filter((v) => v.metricName === 'hermes_exporter_write_duration_seconds_count' && v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

async function countSpans(url: string, db: string): Promise<number> {
  const [row] = await rows(url, db, 'SELECT count(span_id) FROM spans');
  return (row?.count as number | undefined) ?? 0;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function spans(count: number) {
  return traces(Array.from({ length: count }, () => span({ attributes: [{ key: 'payload', value: 'x'.repeat(200) }] })));
}

/** An HTTP front for influxd that answers 503 to the first `failures` writes, then forwards. */
function flakyProxy(target: string, failures: number): Promise<{ url: string; server: Server; refused: () => number }> {
  let refused = 0;
  const targetUrl = new URL(target);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/write') && refused < failures) {
      refused++;
      req.resume();
      res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"overloaded"}');
      return;
    }
    const upstream = request(
      { host: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      cleanups.push(() => new Promise((r) => server.close(r)));
      resolve({ url: `http://127.0.0.1:${port}`, server, refused: () => refused });
    });
  });
}

describe('InfluxdbExporter (delivery)', () => {
  describe('.consume', () => {
    it('splits a request influxd refuses as too large (413) until every half fits', async () => {
      const small = await startInfluxd({ maxBodyBytes: 4000 });
      cleanups.push(() => small.stop());
      const { exporter, metrics, db } = exporterFor(small.url);
      await exporter.start();
      await exporter.consume(spans(40));
      expect(await countSpans(small.url, db)).toBe(40);
      expect(await writeDurationCount(metrics, 'too_large')).toBeGreaterThan(0);
      expect(await writtenPoints(metrics)).toBe(41); // and the batch's `resources` point

      // One line larger than the limit on its own cannot be split: dropped and counted.
      await exporter.consume(traces([span({ attributes: [{ key: 'big', value: 'y'.repeat(5000) }] })]));
      expect(await droppedPoints(metrics, 'too_large')).toBe(1);
    });

    it('counts points influxd refuses (400) as dropped and never retries them', async () => {
      const { exporter, metrics, db } = exporterFor(sharedUrl);
      await exporter.start();
      // A field type conflict: trace_id already exists as an integer.
      const res = await fetch(`${sharedUrl}/write?db=${db}&rp=hermes`, { method: 'POST', body: 'spans trace_id=1i' });
      expect(res.status).toBe(204);
      await expect(exporter.consume(spans(3))).resolves.toEqual({
        refusedItems: 3,
        refusal: expect.stringMatching(/^influxdb refused 3 of 3 items: partial write: field type conflict/),
      });
      expect(await droppedPoints(metrics, 'rejected')).toBe(3);
      expect(await writeDurationCount(metrics, 'rejected')).toBe(1);
      expect(await writeDurationCount(metrics, 'retry')).toBe(0);
      expect(exporter.health().ready).toBe(true);
    });

    it('tells each batch sharing a write request how many of its own points influxd refused', async () => {
      const { exporter, metrics, db } = exporterFor(sharedUrl, { maxConcurrentWrites: 1 });
      await exporter.start();
      // `colour` already exists as a float: a string colour is refused, every other point is taken.
      const res = await fetch(`${sharedUrl}/write?db=${db}&rp=hermes`, { method: 'POST', body: 'spans colour=1' });
      expect(res.status).toBe(204);
      const first = exporter.consume(spans(1));
      // Queued while the first write is in flight, so they go out together in the next request.
      const conflicting = exporter.consume(traces([0, 1].map(() => span({ attributes: [{ key: 'colour', value: 'red' }] }))));
      const clean = exporter.consume(spans(3));
      await expect(Promise.all([first, conflicting, clean])).resolves.toEqual([
        { refusedItems: 0, refusal: '' },
        { refusedItems: 2, refusal: expect.stringContaining('field type conflict') },
        { refusedItems: 0, refusal: '' },
      ]);
      expect(await countSpans(sharedUrl, db)).toBe(4);
      expect(await droppedPoints(metrics, 'rejected')).toBe(2);
    });

    it('retries 5xx answers with backoff until influxd takes the write', async () => {
      const proxy = await flakyProxy(sharedUrl, 3);
      const { exporter, metrics, db } = exporterFor(proxy.url, { retry: { initialBackoffMs: 20, maxBackoffMs: 50 } });
      await exporter.start();
      await exporter.consume(spans(5));
      expect(proxy.refused()).toBe(3);
      expect(await writeDurationCount(metrics, 'retry')).toBe(3);
      expect(await countSpans(sharedUrl, db)).toBe(5);
      expect(exporter.health()).toEqual({ ready: true, reason: 'ok' });
    });

    it('keeps retrying while influxd is down, reports not ready, and delivers once it is back', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hermes-restart-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const httpPort = await freePort();
      let influxd: RunningInfluxd = await startInfluxd({ dataDir, httpPort });
      cleanups.push(() => influxd.stop());
      const { exporter, db } = exporterFor(influxd.url, { retry: { initialBackoffMs: 20, maxBackoffMs: 200 } });
      await exporter.start();
      await influxd.stop();

      let delivered = false;
      const done = exporter.consume(spans(7)).then(() => {
        delivered = true;
      });
      await waitFor(() => !exporter.health().ready);
      expect(exporter.health().reason).toMatch(/influxdb writes failing/);
      await new Promise((r) => setTimeout(r, 300));
      expect(delivered).toBe(false);

      influxd = await startInfluxd({ dataDir, httpPort });
      await done;
      expect(await countSpans(influxd.url, db)).toBe(7);
      expect(exporter.health().ready).toBe(true);
    });

    it('re-creates a dropped database (404) and then writes', async () => {
      const { exporter, db } = exporterFor(sharedUrl);
      await exporter.start();
      await fetch(`${sharedUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${db}"`)}`, { method: 'POST' });
      await exporter.consume(spans(2));
      expect(await countSpans(sharedUrl, db)).toBe(2);
    });

    it('drops and counts points for a retention policy that does not exist (a config error)', async () => {
      const { exporter, metrics, db } = exporterFor(sharedUrl, { retentionPolicy: 'missing', createDatabase: false });
      await fetch(`${sharedUrl}/query?q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`, { method: 'POST' });
      await exporter.start();
      await exporter.consume(spans(2));
      expect(await droppedPoints(metrics, 'retention_policy_missing')).toBe(3); // 2 spans and their `resources` point
      expect(await writeDurationCount(metrics, 'retry')).toBe(0);
    });

    it('rejects with 429 when the queue is full while influxd is healthy', async () => {
      const { exporter } = exporterFor(sharedUrl, { maxQueuePoints: 10, flushIntervalMs: 60_000 });
      await exporter.start();
      const first = exporter.consume(spans(8));
      const err = await exporter.consume(spans(5)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HermesError);
      expect(err).toMatchObject({ code: 'HERMES_ERR_OVERLOADED', httpStatus: 429, retryAfterSeconds: 1 });
      await exporter.shutdown(Date.now() + 5000);
      await first;
    });

    it('rejects with 503 when the queue is full because influxd is failing', async () => {
      const port = await freePort();
      const { exporter, metrics } = exporterFor(`http://127.0.0.1:${port}`, {
        maxQueuePoints: 10,
        retry: { initialBackoffMs: 20, maxBackoffMs: 3000 },
      });
      await exporter.start();
      expect(exporter.health().ready).toBe(false);
      const stuck = exporter.consume(spans(10)).catch((e: unknown) => e);
      await waitFor(async () => (await writeDurationCount(metrics, 'retry')) > 0);
      const err = await exporter.consume(spans(1)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HERMES_ERR_UNAVAILABLE', httpStatus: 503, retryAfterSeconds: 3 });
      await exporter.shutdown(Date.now() + 100);
      expect(await stuck).toMatchObject({ code: 'HERMES_ERR_SHUTTING_DOWN' });
    });
  });

  describe('credentials', () => {
    /** A real HTTP server standing in for InfluxDB's /ping and /write, recording what it was sent. */
    async function recordingServer(): Promise<{ url: string; seen: { path: string; authorization: string | undefined }[] }> {
      const seen: { path: string; authorization: string | undefined }[] = [];
      const server = createServer((req, res) => {
        seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((r) => server.close(r)));
      const address = server.address();
      return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, seen };
    }

    it('sends a token as Authorization: Token on pings and writes', async () => {
      const fake = await recordingServer();
      const { exporter } = exporterFor(fake.url, { token: 's3cret', createDatabase: false });
      await exporter.start();
      await exporter.consume(spans(1));
      expect(fake.seen.map((s) => [s.path.split('?')[0], s.authorization])).toEqual([
        ['/ping', 'Token s3cret'],
        ['/write', 'Token s3cret'],
      ]);
      expect(exporter.health().ready).toBe(true);
    });

    it('sends v1 username and password as u and p on writes', async () => {
      const fake = await recordingServer();
      const { exporter, db } = exporterFor(fake.url, { username: 'hermes', password: 'p&w', createDatabase: false });
      await exporter.start();
      await exporter.consume(spans(1));
      const write = new URL(fake.url + (fake.seen.find((s) => s.path.startsWith('/write'))?.path ?? ''));
      expect(Object.fromEntries(write.searchParams)).toEqual({ db, rp: 'hermes', precision: 'ns', u: 'hermes', p: 'p&w' });
    });
  });

  describe('.start', () => {
    it('does not fail when influxd is unreachable and becomes ready once it answers', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hermes-late-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const httpPort = await freePort();
      const { exporter, db } = exporterFor(`http://127.0.0.1:${httpPort}`, { retry: { initialBackoffMs: 20, maxBackoffMs: 200 } });
      await exporter.start();
      expect(exporter.health().ready).toBe(false);
      const influxd = await startInfluxd({ dataDir, httpPort });
      cleanups.push(() => influxd.stop());
      await waitFor(() => exporter.health().ready);
      const [series] = await rows(influxd.url, db, 'SHOW RETENTION POLICIES');
      expect(series?.name).toBeDefined();
    });
  });

  describe('.shutdown', () => {
    it('flushes what is queued, then refuses new batches', async () => {
      const { exporter, db } = exporterFor(sharedUrl, { flushIntervalMs: 60_000 });
      await exporter.start();
      const pending = exporter.consume(spans(25));
      await exporter.shutdown(Date.now() + 5000);
      await pending;
      expect(await countSpans(sharedUrl, db)).toBe(25);
      await expect(exporter.consume(spans(1))).rejects.toMatchObject({ code: 'HERMES_ERR_SHUTTING_DOWN', httpStatus: 503 });
      expect(exporter.health().ready).toBe(false);
    });

    it('gives up at the deadline, counts the loss, and rejects the batch', async () => {
      const port = await freePort();
      const { exporter, metrics } = exporterFor(`http://127.0.0.1:${port}`, { retry: { initialBackoffMs: 20, maxBackoffMs: 100 } });
      await exporter.start();
      const pending = exporter.consume(spans(4)).catch((e: unknown) => e);
      // That shutdown returns at all while the writer retries forever is the point; the jest timeout bounds it.
      await exporter.shutdown(Date.now() + 300);
      expect(await pending).toMatchObject({ code: 'HERMES_ERR_SHUTTING_DOWN' });
      expect(await droppedPoints(metrics, 'shutdown')).toBe(5); // 4 spans and their `resources` point
    });
  });
});
