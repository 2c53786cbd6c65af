import { SpanStatusCode, trace } from '@opentelemetry/api';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureException, DeploymentError, measure, metrics, onEvent, recordDeployment, startHermes, trackEvent } from './index';
import type { HermesHandle } from './types';
import { RecordingLogExporter, RecordingMetricExporter, RecordingSpanExporter } from '../test/support';

/**
 * startHermes in-process with the OTLP export replaced by recording exporters behind the real
 * batch processors and periodic reader; long delays, so only shutdown() can deliver anything.
 */
function startRecording(extra: Parameters<typeof startHermes>[0] = {}) {
  const spans = new RecordingSpanExporter();
  const logs = new RecordingLogExporter();
  const metricExporter = new RecordingMetricExporter();
  const handle = startHermes({
    serviceName: 'api-test',
    instrumentations: { host: { enabled: false }, runtime: { enabled: false } },
    spanProcessors: [new BatchSpanProcessor({ exporter: spans, scheduledDelayMillis: 60_000 })],
    logRecordProcessors: [new BatchLogRecordProcessor({ exporter: logs, scheduledDelayMillis: 60_000 })],
    metricReaders: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })],
    ...extra,
  });
  return { handle, spans, logs, metrics: metricExporter };
}

describe('sdk API', () => {
  let handle: HermesHandle | undefined;
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  describe('captureException', () => {
    it('adds an exception event to the active span and a correlated ERROR log with the same attributes', async () => {
      const run = startRecording();
      handle = run.handle;
      const tracer = trace.getTracer('test');
      tracer.startActiveSpan('checkout', (span) => {
        captureException(new RangeError('out of stock'), { 'app.sku': 'A-1' });
        span.end();
      });
      await run.handle.shutdown();
      const span = run.spans.spans.find((s) => s.name === 'checkout')!;
      const event = span.events.find((e) => e.name === 'exception')!;
      expect(event.attributes).toMatchObject({
        'exception.type': 'RangeError',
        'exception.message': 'out of stock',
        'app.sku': 'A-1',
      });
      expect(String(event.attributes?.['exception.stacktrace'])).toContain('api.test.ts');
      expect(span.status.code).toBe(SpanStatusCode.UNSET); // handled: the request did not fail
      const log = run.logs.records.find((r) => r.eventName === 'exception')!;
      expect(log.severityText).toBe('ERROR');
      expect(log.attributes).toEqual(event.attributes);
      expect(log.spanContext?.spanId).toBe(span.spanContext().spanId);
    });

    it('creates a short ERROR span when no span is active, and accepts non-Error values', async () => {
      const run = startRecording();
      handle = run.handle;
      captureException('plain string failure');
      await run.handle.shutdown();
      const span = run.spans.spans.find((s) => s.name === 'hermes.exception')!;
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.events[0].attributes).toEqual({ 'exception.type': 'string', 'exception.message': 'plain string failure' });
      expect(run.logs.records.find((r) => r.eventName === 'exception')?.spanContext?.traceId).toBe(span.spanContext().traceId);
    });
  });

  describe('trackEvent', () => {
    it('emits the event log, the hermes.events count and the span event, and feeds onEvent listeners', async () => {
      const run = startRecording();
      handle = run.handle;
      const seen: string[] = [];
      const unsubscribe = onEvent((e) => seen.push(`${e.name}:${String(e.attributes.plan)}`));
      trace.getTracer('test').startActiveSpan('signup-request', (span) => {
        trackEvent('signup', { plan: 'pro' });
        span.end();
      });
      unsubscribe();
      trackEvent('signup', { plan: 'free' });
      await run.handle.shutdown();
      expect(seen).toEqual(['signup:pro']);
      expect(run.logs.records.filter((r) => r.eventName === 'signup').map((r) => r.attributes.plan)).toEqual(['pro', 'free']);
      expect(run.spans.spans.find((s) => s.name === 'signup-request')?.events.map((e) => e.name)).toEqual(['signup']);
      expect(run.metrics.metric('hermes.events')?.dataPoints[0].value).toBe(2);
    });

    it('is a no-op when the events instrumentation is disabled', async () => {
      const run = startRecording({ instrumentations: { events: { enabled: false }, host: { enabled: false } } });
      handle = run.handle;
      trackEvent('ignored');
      await run.handle.shutdown();
      expect(run.logs.records.filter((r) => r.eventName === 'ignored')).toEqual([]);
    });
  });

  describe('measure', () => {
    it('times sync and async functions as spans and hermes.measure.duration seconds, recording failures', async () => {
      const run = startRecording();
      handle = run.handle;
      expect(measure('sync-work', () => 42)).toBe(42);
      const startedMs = performance.now();
      await expect(measure('async-work', () => new Promise((r) => setTimeout(() => r('done'), 30)))).resolves.toBe('done');
      const wallSeconds = (performance.now() - startedMs) / 1000;
      expect(() => measure('sync-fail', () => { throw new TypeError('bad'); })).toThrow('bad');
      await expect(measure('async-fail', async () => { throw new Error('worse'); })).rejects.toThrow('worse');
      await run.handle.shutdown();

      const byName = new Map(run.spans.spans.map((s) => [s.name, s]));
      expect(byName.get('sync-work')?.status.code).toBe(SpanStatusCode.UNSET);
      expect(byName.get('sync-fail')?.status.code).toBe(SpanStatusCode.ERROR);
      expect(byName.get('async-fail')?.events[0].attributes?.['exception.message']).toBe('worse');
      const histogram = run.metrics.metric('hermes.measure.duration')!;
      expect(histogram.descriptor.unit).toBe('s');
      const points = new Map(histogram.dataPoints.map((p) => [String(p.attributes['hermes.measure.name']), p]));
      expect([...points.keys()].sort()).toEqual(['async-fail', 'async-work', 'sync-fail', 'sync-work']);
      const asyncSum = (points.get('async-work')!.value as { sum: number }).sum;
      // It waited 30 ms (a timer may fire slightly early), so the await was timed, in seconds:
      // no longer than the wall time the test itself measured around the call.
      expect(asyncSum).toBeGreaterThanOrEqual(0.025);
      expect(asyncSum).toBeLessThanOrEqual(wallSeconds);
      expect(points.get('sync-fail')!.attributes['error.type']).toBe('TypeError');
    });

    it('makes its span the parent of spans started inside fn', async () => {
      const run = startRecording();
      handle = run.handle;
      await measure('outer', async () => trace.getTracer('test').startSpan('inner').end());
      await run.handle.shutdown();
      const outer = run.spans.spans.find((s) => s.name === 'outer')!;
      const inner = run.spans.spans.find((s) => s.name === 'inner')!;
      expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    });
  });

  describe('metrics', () => {
    it('re-exports the OpenTelemetry metrics API for custom instruments', async () => {
      const run = startRecording();
      handle = run.handle;
      metrics.getMeter('shop').createCounter('shop.orders', { unit: '{order}' }).add(5, { region: 'eu' });
      await run.handle.shutdown();
      expect(run.metrics.metric('shop.orders')?.dataPoints.map((p) => [p.attributes.region, p.value])).toEqual([['eu', 5]]);
    });
  });

  describe('startHermes', () => {
    it('flushes on shutdown, is idempotent, and can start again afterwards', async () => {
      const first = startRecording();
      handle = first.handle; // shut down by afterEach should an expectation fail first
      trace.getTracer('test').startSpan('before-shutdown').end();
      expect(first.spans.spans).toEqual([]); // still batched
      const shutdown = first.handle.shutdown();
      expect(first.handle.shutdown()).toBe(shutdown);
      await shutdown;
      expect(first.spans.spans.map((s) => s.name)).toEqual(['before-shutdown']);
      const second = startRecording();
      handle = second.handle;
      trace.getTracer('test').startSpan('after-restart').end();
      await second.handle.forceFlush();
      expect(second.spans.spans.map((s) => s.name)).toEqual(['after-restart']);
      expect(second.spans.spans[0].resource.attributes['service.name']).toBe('api-test');
    });
  });

  describe('recordDeployment', () => {
    async function deploymentsEndpoint(status: number, answer: string) {
      const bodies: unknown[] = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          bodies.push({ method: req.method, url: req.url, type: req.headers['content-type'], json: JSON.parse(body) });
          res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { apiUrl, bodies, close: () => new Promise((r) => server.close(r)) };
    }

    it('POSTs the documented JSON payload to /api/deployments and resolves to the answer', async () => {
      const api = await deploymentsEndpoint(201, '{"id":"d-1"}');
      try {
        const beforeMs = Date.now();
        const answer = await recordDeployment(
          { version: '2.0.0', service: 'checkout', environment: 'production', commit: 'abc123', description: 'faster' },
          { apiUrl: api.apiUrl },
        );
        const afterMs = Date.now();
        expect(answer).toEqual({ id: 'd-1' });
        const [sent] = api.bodies as Array<{ method: string; url: string; type: string; json: Record<string, unknown> }>;
        expect(sent).toMatchObject({ method: 'POST', url: '/api/deployments', type: 'application/json' });
        expect(sent.json).toEqual({
          service: 'checkout',
          version: '2.0.0',
          environment: 'production',
          commit: 'abc123',
          description: 'faster',
          timestampMs: expect.any(Number),
        });
        expect(sent.json.timestampMs).toBeGreaterThanOrEqual(beforeMs);
        expect(sent.json.timestampMs).toBeLessThanOrEqual(afterMs);
      } finally {
        await api.close();
      }
    });

    it('defaults service and environment from the running SDK', async () => {
      const api = await deploymentsEndpoint(200, '');
      const run = startRecording({ apiUrl: api.apiUrl, environment: 'staging' });
      handle = run.handle;
      try {
        await expect(recordDeployment({ version: '3.1.0' })).resolves.toEqual({});
        expect((api.bodies[0] as { json: unknown }).json).toMatchObject({ service: 'api-test', environment: 'staging', version: '3.1.0' });
      } finally {
        await api.close();
      }
    });

    it('rejects with a DeploymentError carrying status and body on a non-2xx answer', async () => {
      const api = await deploymentsEndpoint(400, '{"error":"version missing"}');
      try {
        const failure = await recordDeployment({ version: '1', service: 's' }, { apiUrl: api.apiUrl }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(DeploymentError);
        expect(failure).toMatchObject({ status: 400, body: '{"error":"version missing"}' });
        expect((failure as Error).message).toContain('answered 400');
      } finally {
        await api.close();
      }
    });

    it('rejects with a DeploymentError naming the URL when nothing listens, and a TypeError without version', async () => {
      const api = await deploymentsEndpoint(200, '{}');
      await api.close(); // the port is now closed
      await expect(recordDeployment({ version: '1', service: 's' }, { apiUrl: api.apiUrl })).rejects.toThrow(
        `POST ${api.apiUrl}/api/deployments failed`,
      );
      await expect(recordDeployment({ version: '' })).rejects.toThrow(TypeError);
    });
  });
});
