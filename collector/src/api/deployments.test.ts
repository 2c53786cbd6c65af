import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HermesError } from '../pipeline/errors';
import { silentLogger } from '../pipeline/logger';
import { influxdbExporterConfigSchema, influxdbExporterFactory } from '../exporters/influxdb';
import { SelfMetrics } from '../pipeline/self-metrics';
import type { TelemetryBatch } from '../model/telemetry';
import { TAKEN, type Consumer, type Receipt } from '../pipeline/component';
import { createDeploymentsRouter } from './deployments';
import { createApiApp } from './server';
import { testHost, testSettings } from '../../test/support/settings';

const influxUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const database = 'hermes_api_deployments_test';

/** A real double: records what it was asked to take, or fails the way the exporter would. */
class RecordingConsumer implements Consumer {
  batches: TelemetryBatch[] = [];
  failWith: Error | undefined;
  async consume(batch: TelemetryBatch): Promise<Receipt> {
    if (this.failWith) throw this.failWith;
    this.batches.push(batch);
    return TAKEN;
  }
  get records() {
    return this.batches.flatMap((b) => (b.signal === 'records' ? b.records : []));
  }
}

async function serve(consumer: Consumer): Promise<{ url: string; server: Server }> {
  const router = createDeploymentsRouter({ consumer, logger: silentLogger, nowMs: () => 1_700_000_000_123 });
  const server = createServer(createApiApp({ metrics: new SelfMetrics(), logger: silentLogger, routes: [{ router, endpoints: ['POST /api/deployments'] }] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/deployments`, server };
}

const post = (url: string, body: unknown, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('deployments API', () => {
  let writer: RecordingConsumer;
  let url: string;
  let server: Server;

  beforeEach(async () => {
    writer = new RecordingConsumer();
    ({ url, server } = await serve(writer));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  describe('POST /api/deployments', () => {
    it('writes one deployments point and answers 201 with the stored deployment', async () => {
      const payload = { service: 'checkout', version: '2.4.0', environment: 'production', commit: '9f1c2ab', description: 'faster "cart" totals', timestampMs: 1796032323385 };
      const res = await post(url, payload);
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual(payload);
      expect(writer.records).toEqual([
        {
          measurement: 'deployments',
          tags: { service: 'checkout', environment: 'production' },
          fields: { version: '2.4.0', commit: '9f1c2ab', description: 'faster "cart" totals' },
          timeUnixNano: 1796032323385000000n,
          identity: '2.4.0',
        },
      ]);
    });

    it('stamps a payload without timestampMs with the time of receipt and leaves out absent tags and fields', async () => {
      const res = await post(url, { service: 'shop', version: '1.1.0' });
      expect(res.status).toBe(201);
      expect(writer.records).toEqual([
        { measurement: 'deployments', tags: { service: 'shop', environment: '' }, fields: { version: '1.1.0' }, timeUnixNano: 1700000000123000000n, identity: '1.1.0' },
      ]);
    });

    it.each([
      [{ version: '1.0.0' }, 'service'],
      [{ service: 'shop' }, 'version'],
      [{ service: 'shop', version: '   ' }, 'version'],
      [{ service: 'shop', version: 2 }, 'version'],
      [{ service: 'shop', version: '1', timestampMs: 'yesterday' }, 'timestampMs'],
      [[1, 2], 'body'],
    ])('refuses %j with 400 naming %s, and writes nothing', async (payload, key) => {
      const res = await post(url, payload);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('HERMES_ERR_BAD_REQUEST');
      expect(body.message).toContain(key);
      expect(writer.records).toEqual([]);
    });

    it('answers 400 to malformed JSON, 415 to another content type and 413 to an oversized body', async () => {
      expect((await post(url, '{"service":')).status).toBe(400);
      expect((await post(url, 'service=shop', 'application/x-www-form-urlencoded')).status).toBe(415);
      expect((await post(url, { service: 'shop', version: '1', description: 'x'.repeat(20_000) })).status).toBe(413);
      expect(writer.records).toEqual([]);
    });

    it('answers the writer refusal with its status and Retry-After', async () => {
      writer.failWith = new HermesError('HERMES_ERR_OVERLOADED', '9000 points waiting', { retryAfterSeconds: 3 });
      const res = await post(url, { service: 'shop', version: '1.1.0' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(((await res.json()) as { code: string }).code).toBe('HERMES_ERR_OVERLOADED');
    });
  });
});

describe('deployments through the InfluxDB exporter', () => {
  it('stores the point in the real influxd with the tags and fields docs/schema.md names', async () => {
    const exporter = influxdbExporterFactory.create(
      testSettings('influxdb', testHost({ database })),
      influxdbExporterConfigSchema.parse({ flushIntervalMs: 10 }),
      undefined,
    );
    await exporter.start();
    const { url, server } = await serve(exporter);
    try {
      // An hour ago: inside the 7-day retention policy whatever day the suite runs.
      const timestampMs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000 + 385;
      const description = 'line one\nback\\slash "quoted"';
      const res = await post(url, { service: 'shop, eu', environment: 'prod=1', version: '1.1.0', commit: 'abc', description, timestampMs });
      expect(res.status).toBe(201);
      const query = `SELECT service, environment, version, commit, description FROM deployments`;
      const body = (await (await fetch(`${influxUrl}/query?db=${database}&epoch=ms&q=${encodeURIComponent(query)}`)).json()) as {
        results: { series: { values: unknown[][] }[] }[];
      };
      expect(body.results[0].series[0].values).toEqual([[timestampMs, 'shop, eu', 'prod=1', '1.1.0', 'abc', description]]);
      await exporter.shutdown(Date.now() + 5000);
      const late = await post(url, { service: 'shop', version: '1.2.0' });
      expect(late.status).toBe(503);
      expect(((await late.json()) as { code: string }).code).toBe('HERMES_ERR_SHUTTING_DOWN');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await exporter.shutdown(Date.now() + 5000);
      await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE ${database}`)}`, { method: 'POST' });
    }
  });
});
