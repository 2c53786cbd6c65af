import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { EventsInstrumentation, type TrackedEvent } from './events';
import { logsHarness, metricNamed, metricsHarness, tracesHarness } from '../test/support';

describe('EventsInstrumentation', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => context.disable());

  function wired(config = {}) {
    const metrics = metricsHarness();
    const logs = logsHarness();
    const traces = tracesHarness();
    const events = new EventsInstrumentation(config);
    events.setMeterProvider(metrics.provider);
    events.setLoggerProvider(logs.provider);
    events.setTracerProvider(traces.provider);
    return { events, metrics, logs, traces, tracer: traces.provider.getTracer('test') };
  }

  describe('.track', () => {
    it('emits a log record with eventName and attributes, counted in hermes.events by event.name', async () => {
      const { events, metrics, logs } = wired();
      events.track('signup', { plan: 'pro' });
      events.track('signup', { plan: 'free' });
      events.track('checkout');
      const records = logs.exporter.getFinishedLogRecords();
      expect(records.map((r) => [r.eventName, r.attributes])).toEqual([
        ['signup', { plan: 'pro' }],
        ['signup', { plan: 'free' }],
        ['checkout', {}],
      ]);
      expect(records[0].instrumentationScope.name).toBe('@hermes/instrumentation-events');
      const counter = metricNamed(await metrics.collect(), 'hermes.events');
      expect(counter.descriptor.unit).toBe('{event}');
      expect(counter.dataPoints.map((p) => [p.attributes['event.name'], p.value])).toEqual([
        ['signup', 2],
        ['checkout', 1],
      ]);
    });

    it('adds a span event to the active span and correlates the log record with it', () => {
      const { events, logs, traces, tracer } = wired();
      tracer.startActiveSpan('request', (span) => {
        events.track('cache.miss', { key: 'user:1' });
        span.end();
      });
      const [span] = traces.exporter.getFinishedSpans();
      expect(span.events.map((e) => [e.name, e.attributes])).toEqual([['cache.miss', { key: 'user:1' }]]);
      const [record] = logs.exporter.getFinishedLogRecords();
      expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
      expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
    });

    it('honours the per-signal switches', async () => {
      const { events, metrics, logs, traces, tracer } = wired({ emitLogRecords: false, countEvents: false, emitSpanEvents: false });
      tracer.startActiveSpan('request', (span) => {
        events.track('quiet');
        span.end();
      });
      expect(logs.exporter.getFinishedLogRecords()).toEqual([]);
      expect(traces.exporter.getFinishedSpans()[0].events).toEqual([]);
      expect((await metrics.collect()).filter((m) => m.descriptor.name === 'hermes.events')).toEqual([]);
    });

    it('drops an event without a name', () => {
      const { events, logs } = wired();
      events.track('');
      events.track(undefined as unknown as string);
      expect(logs.exporter.getFinishedLogRecords()).toEqual([]);
    });
  });

  describe('.onEvent', () => {
    it('lets listeners see every event, with span context, until they unsubscribe', () => {
      const { events, tracer } = wired();
      const seen: TrackedEvent[] = [];
      const unsubscribe = events.onEvent((e) => seen.push(e));
      const beforeMs = Date.now();
      events.track('a', { n: 1 });
      const afterMs = Date.now();
      const activeSpan = tracer.startActiveSpan('request', (span) => {
        events.track('b');
        span.end();
        return span;
      });
      unsubscribe();
      events.track('c');
      expect(seen.map((e) => e.name)).toEqual(['a', 'b']);
      expect(seen[0].attributes).toEqual({ n: 1 });
      expect(seen[0].spanContext).toBeUndefined();
      expect(seen[1].spanContext).toMatchObject({
        traceId: activeSpan.spanContext().traceId,
        spanId: activeSpan.spanContext().spanId,
      });
      expect(seen[0].timestampMs).toBeGreaterThanOrEqual(beforeMs);
      expect(seen[0].timestampMs).toBeLessThanOrEqual(afterMs);
      expect(Object.isFrozen(seen[0].attributes)).toBe(true);
    });

    it('keeps calling the other listeners when one throws', () => {
      const { events } = wired();
      const seen: string[] = [];
      events.onEvent(() => {
        throw new Error('listener bug');
      });
      events.onEvent((e) => seen.push(e.name));
      expect(() => events.track('x')).not.toThrow();
      expect(seen).toEqual(['x']);
    });
  });

  describe('.disable', () => {
    it('stops emission and listener calls; enable() resumes both', async () => {
      const { events, metrics, logs } = wired();
      const seen: string[] = [];
      events.onEvent((e) => seen.push(e.name));
      events.disable();
      events.track('while-off');
      expect(logs.exporter.getFinishedLogRecords()).toEqual([]);
      expect(seen).toEqual([]);
      events.enable();
      events.track('back');
      expect(seen).toEqual(['back']);
      expect(metricNamed(await metrics.collect(), 'hermes.events').dataPoints.map((p) => p.attributes['event.name'])).toEqual(['back']);
    });
  });

});
