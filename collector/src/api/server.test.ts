/** The API server over a real socket: health, readiness both ways, metrics, mounted routers. */
import { createServer } from 'node:net';
import { Router } from 'express';
import { TAKEN, type Consumer } from '../pipeline/component';
import { testHost, testSettings } from '../../test/support/settings';
import { HermesError } from '../pipeline/errors';
import { createLogger, silentLogger } from '../pipeline/logger';
import { SelfMetrics } from '../pipeline/self-metrics';
import { otlpHttpReceiverConfigSchema, OtlpHttpReceiver } from '../receivers/otlp-http';
import { createApiServer, type ApiServer, type ApiServerDependencies, type Readiness } from './server';

interface ReadyzBody {
  status: string;
  failing?: { name: string; reason: string }[];
  checks: Readiness[];
}
const readyz = async (res: Response) => (await res.json()) as ReadyzBody;

describe('ApiServer', () => {
  let api: ApiServer;
  let base: string;
  let metrics: SelfMetrics;

  async function startApi(deps: Partial<ApiServerDependencies> = {}): Promise<void> {
    await api?.shutdown(Date.now() + 1000);
    metrics = deps.metrics ?? new SelfMetrics();
    api = createApiServer({ host: '127.0.0.1', port: 0, logger: silentLogger, ...deps, metrics });
    await api.start();
    base = `http://127.0.0.1:${api.address().port}`;
  }

  afterEach(() => api.shutdown(Date.now() + 1000));

  describe('GET /healthz', () => {
    it('answers 200 {"status":"ok"} even when not ready', async () => {
      await startApi({ readiness: [() => ({ name: 'influxdb', ready: false, reason: 'down' })] });
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 when every check passes, and 503 naming the failing ones when not', async () => {
      let influx: Readiness = { name: 'influxdb', ready: true, reason: 'ok' };
      await startApi({ readiness: [() => influx, () => ({ name: 'queue', ready: true, reason: 'ok' })] });

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect((await readyz(ready)).status).toBe('ready');

      influx = { name: 'influxdb', ready: false, reason: 'influxdb writes failing: ECONNREFUSED' };
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      const body = await readyz(notReady);
      expect(body.failing).toEqual([{ name: 'influxdb', reason: 'influxdb writes failing: ECONNREFUSED' }]);
      expect(body.checks).toHaveLength(2);
    });

    it('counts a check that throws as not ready', async () => {
      await startApi({
        readiness: [
          () => {
            throw new Error('state unavailable');
          },
        ],
      });
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect((await readyz(res)).failing?.[0].reason).toContain('state unavailable');
    });
  });

  describe('GET /metrics', () => {
    it("serves the receiver's counters in Prometheus text format", async () => {
      await startApi();
      const consumer: Consumer = { consume: () => Promise.resolve(TAKEN) };
      const config = otlpHttpReceiverConfigSchema.parse({ port: 0 });
      const receiver = new OtlpHttpReceiver({ settings: testSettings('otlp_http', testHost(), metrics), config, next: consumer });
      await receiver.start();
      try {
        const spans = ['a', 'b'].map((name, i) => ({ traceId: '5b8efff798038103d269b633813fc60c', spanId: `eee19b7ec3c1b17${i}`, name }));
        const otlp = `http://127.0.0.1:${receiver.address().port}/v1/traces`;
        const post = await fetch(otlp, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
        });
        expect(post.status).toBe(200);
        await fetch(otlp, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
      } finally {
        await receiver.shutdown(Date.now() + 1000);
      }

      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
      const text = await res.text();
      expect(text).toContain('hermes_receiver_items_received_total{receiver="otlp_http",signal="traces"} 2');
      expect(text).toContain('hermes_receiver_requests_total{receiver="otlp_http",signal="traces",status="200"} 1');
      expect(text).toContain('hermes_receiver_items_refused_total{receiver="otlp_http",signal="traces",reason="HERMES_ERR_UNSUPPORTED_MEDIA_TYPE"} 1');
    });
  });

  describe('routes', () => {
    it('mounts injected routers, lists their endpoints on GET /, and answers unknown paths 404 in JSON', async () => {
      const router = Router();
      router.get('/api/echo', (req, res) => {
        res.json({ q: req.query.q });
      });
      await startApi({ routes: [{ router, endpoints: ['GET /api/echo'] }] });
      expect(await (await fetch(`${base}/`)).json()).toEqual({ service: 'hermes', endpoints: ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /api/echo'] });
      expect(await (await fetch(`${base}/api/echo?q=hi`)).json()).toEqual({ q: 'hi' });
      const missing = await fetch(`${base}/api/nothing`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ code: 'HERMES_ERR_NO_SUCH_ENDPOINT', message: 'no such endpoint: GET /api/nothing' });
    });

    it('answers a failing route 500 (or its HermesError status) and keeps serving', async () => {
      const lines: string[] = [];
      const router = Router();
      router.get('/api/boom', async () => {
        throw new TypeError('route bug');
      });
      router.get('/api/busy', () => {
        throw new HermesError('HERMES_ERR_OVERLOADED', undefined, { retryAfterSeconds: 9 });
      });
      await startApi({ routes: [{ router, endpoints: [] }], logger: createLogger('debug', (l) => lines.push(l)) });
      const boom = await fetch(`${base}/api/boom`);
      expect(boom.status).toBe(500);
      expect(await boom.json()).toEqual({ code: 'HERMES_ERR_INTERNAL', message: 'internal error' });
      expect(lines.join('\n')).toContain('route bug');
      const busy = await fetch(`${base}/api/busy`);
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toBe('9');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  });

  describe('.start', () => {
    it('rejects with an error naming the address when the port is taken', async () => {
      await startApi();
      const taken = api.address().port;
      const other = createApiServer({ host: '127.0.0.1', port: taken, logger: silentLogger, metrics: new SelfMetrics() });
      await expect(other.start()).rejects.toThrow(`api server cannot listen on 127.0.0.1:${taken}: the port is already in use`);
    });
  });

  describe('.shutdown', () => {
    it('stops listening and can be called again', async () => {
      await startApi();
      await api.shutdown(Date.now() + 1000);
      await expect(api.shutdown(Date.now())).resolves.toBeUndefined();
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
      // The port is free again.
      await new Promise<void>((resolve, reject) => {
        const srv = createServer().once('error', reject);
        srv.listen(Number(new URL(base).port), '127.0.0.1', () => srv.close(() => resolve()));
      });
    });
  });
});
