import { RuntimeInstrumentation } from './runtime';
import { metricNamed, metricsHarness, pointValues } from '../test/support';

/** Keeps the event loop busy for `ms`, so the delay monitor has something to measure. */
function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy wait on purpose
  }
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RuntimeInstrumentation', () => {
  let instrumentation: RuntimeInstrumentation | undefined;
  afterEach(() => instrumentation?.disable());

  describe('.constructor', () => {
    it('names itself and enables itself unless told not to', () => {
      instrumentation = new RuntimeInstrumentation();
      expect(instrumentation.instrumentationName).toBe('@hermes/instrumentation-runtime');
      expect(instrumentation.instrumentationVersion).toMatch(/^\d+\.\d+\.\d+$/);
      expect(instrumentation.isEnabled()).toBe(true);
      expect(new RuntimeInstrumentation({ enabled: false }).isEnabled()).toBe(false);
    });
  });

  describe('.setMeterProvider', () => {
    it('reports heap per space, RSS, CPU, active resources and event-loop figures with semconv names and units', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new RuntimeInstrumentation({ eventLoopDelayResolutionMs: 1 });
      instrumentation.setMeterProvider(provider);
      await tick(20);
      blockFor(30);
      await tick(20);
      const metrics = await collect();

      const heapUsed = metricNamed(metrics, 'v8js.memory.heap.used');
      expect(heapUsed.descriptor.unit).toBe('By');
      const spaces = pointValues(heapUsed);
      expect(spaces.map((p) => p.attributes['v8js.heap.space.name'])).toContain('old_space');
      expect(spaces.reduce((sum, p) => sum + p.value, 0)).toBeGreaterThan(1_000_000);
      const heapSize = pointValues(metricNamed(metrics, 'v8js.memory.heap.space.size'));
      const oldUsed = spaces.find((p) => p.attributes['v8js.heap.space.name'] === 'old_space')!.value;
      const oldSize = heapSize.find((p) => p.attributes['v8js.heap.space.name'] === 'old_space')!.value;
      expect(oldSize).toBeGreaterThanOrEqual(oldUsed);

      const rss = metricNamed(metrics, 'process.memory.usage');
      expect(rss.descriptor.unit).toBe('By');
      expect(pointValues(rss)[0].value).toBeGreaterThan(10_000_000);

      const cpu = pointValues(metricNamed(metrics, 'process.cpu.time'));
      const user = cpu.find((p) => p.attributes['cpu.mode'] === 'user')!;
      expect(user.value).toBeGreaterThan(0.02); // the busy wait alone burnt 30 ms
      expect(cpu.map((p) => p.attributes['cpu.mode']).sort()).toEqual(['system', 'user']);

      const p99 = metricNamed(metrics, 'nodejs.eventloop.delay.p99');
      expect(p99.descriptor.unit).toBe('s');
      // The 30 ms block delays one sample by about that much; p99 of a 1 ms monitor must see it.
      expect(metricNamed(metrics, 'nodejs.eventloop.delay.max').dataPoints[0].value).toBeGreaterThan(0.02);
      const p50 = pointValues(metricNamed(metrics, 'nodejs.eventloop.delay.p50'))[0].value;
      expect(p50).toBeGreaterThan(0);
      expect(p50).toBeLessThanOrEqual(pointValues(p99)[0].value);

      const elu = pointValues(metricNamed(metrics, 'nodejs.eventloop.utilization'))[0].value;
      expect(elu).toBeGreaterThan(0.1);
      expect(elu).toBeLessThanOrEqual(1);

      const resources = pointValues(metricNamed(metrics, 'v8js.resource.active'));
      expect(resources.every((p) => typeof p.attributes['v8js.resource.type'] === 'string')).toBe(true);
    });

    it('records GC pauses by kind in seconds once a collection happens', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new RuntimeInstrumentation();
      instrumentation.setMeterProvider(provider);
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
      } else {
        // Without --expose-gc, churn short-lived garbage until the young generation collects.
        let keep = 0;
        for (let i = 0; i < 300_000; i++) keep += new Array(16).fill(i).length;
        expect(keep).toBeGreaterThan(0);
      }
      await tick(50); // gc entries are delivered to observers asynchronously
      const gcDuration = metricNamed(await collect(), 'v8js.gc.duration');
      expect(gcDuration.descriptor.unit).toBe('s');
      const kinds = gcDuration.dataPoints.map((p) => p.attributes['v8js.gc.type']);
      expect(kinds.length).toBeGreaterThan(0);
      for (const kind of kinds) expect(['major', 'minor', 'incremental', 'weakcb']).toContain(kind);
      const histogram = gcDuration.dataPoints[0].value as { count: number; sum: number };
      expect(histogram.count).toBeGreaterThan(0);
      expect(histogram.sum / histogram.count).toBeLessThan(1); // seconds, not milliseconds
    });
  });

  describe('.disable', () => {
    it('stops emission: observed values stop moving after disable()', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new RuntimeInstrumentation();
      instrumentation.setMeterProvider(provider);
      expect(metricNamed(await collect(), 'v8js.memory.heap.used').dataPoints.length).toBeGreaterThan(0);
      instrumentation.disable();
      const cpuUser = async () =>
        pointValues(metricNamed(await collect(), 'process.cpu.time')).find((p) => p.attributes['cpu.mode'] === 'user')
          ?.value;
      // With cumulative temporality the SDK repeats the last observed values, so "no emission"
      // shows as values that stop moving even though the process keeps burning CPU.
      const before = await cpuUser();
      blockFor(30);
      expect(await cpuUser()).toBe(before);
    });

    it('can be enabled again and emits again', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new RuntimeInstrumentation({ enabled: false });
      instrumentation.setMeterProvider(provider);
      expect(await collect()).toEqual([]);
      instrumentation.enable();
      expect(pointValues(metricNamed(await collect(), 'process.memory.usage'))[0].value).toBeGreaterThan(0);
    });
  });
});
