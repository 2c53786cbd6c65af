import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
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

/** This process's resident set size as the kernel reports it in /proc/self/status, in bytes. */
function kernelRssBytes(): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
}

describe('RuntimeInstrumentation', () => {
  let instrumentation: RuntimeInstrumentation | undefined;
  afterEach(() => instrumentation?.disable());

  describe('.constructor', () => {
    it('names itself and enables itself unless told not to', () => {
      instrumentation = new RuntimeInstrumentation();
      expect(instrumentation.instrumentationName).toBe('@hermes/instrumentation-runtime');
      const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
      expect(instrumentation.instrumentationVersion).toBe(pkg.version);
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
      // A ref'd timer the active-resources figure must count while it exists.
      const timer = setInterval(() => undefined, 60_000);
      const cpuBefore = process.cpuUsage();
      const rssBefore = kernelRssBytes();
      const heapBefore = v8.getHeapStatistics().used_heap_size;
      const metrics = await collect().finally(() => clearInterval(timer));
      const heapAfter = v8.getHeapStatistics().used_heap_size;
      const cpuAfter = process.cpuUsage();
      const rssAfter = kernelRssBytes();
      const MiB = 1024 * 1024;

      const heapUsed = metricNamed(metrics, 'v8js.memory.heap.used');
      expect(heapUsed.descriptor.unit).toBe('By');
      const spaces = pointValues(heapUsed);
      expect(spaces.map((p) => p.attributes['v8js.heap.space.name']).sort()).toEqual(
        v8.getHeapSpaceStatistics().map((space) => space.space_name).sort(),
      );
      // All spaces together are V8's used heap, read just before and after, give or take 8 MiB.
      const heapTotal = spaces.reduce((sum, p) => sum + p.value, 0);
      expect(heapTotal).toBeGreaterThanOrEqual(Math.min(heapBefore, heapAfter) - 8 * MiB);
      expect(heapTotal).toBeLessThanOrEqual(Math.max(heapBefore, heapAfter) + 8 * MiB);
      const heapSize = pointValues(metricNamed(metrics, 'v8js.memory.heap.space.size'));
      const oldUsed = spaces.find((p) => p.attributes['v8js.heap.space.name'] === 'old_space')!.value;
      const oldSize = heapSize.find((p) => p.attributes['v8js.heap.space.name'] === 'old_space')!.value;
      expect(oldSize).toBeGreaterThanOrEqual(oldUsed);

      const rss = metricNamed(metrics, 'process.memory.usage');
      expect(rss.descriptor.unit).toBe('By');
      // The kernel's figure just before and after the collection, give or take 32 MiB of churn.
      const rssValue = pointValues(rss)[0].value;
      expect(rssValue).toBeGreaterThanOrEqual(Math.min(rssBefore, rssAfter) - 32 * MiB);
      expect(rssValue).toBeLessThanOrEqual(Math.max(rssBefore, rssAfter) + 32 * MiB);

      // The process's cumulative CPU time, in seconds, read during the collection: between what
      // process.cpuUsage() said just before and just after it.
      const cpu = metricNamed(metrics, 'process.cpu.time');
      expect(cpu.descriptor.unit).toBe('s');
      const cpuByMode = Object.fromEntries(pointValues(cpu).map((p) => [p.attributes['cpu.mode'], p.value]));
      expect(Object.keys(cpuByMode).sort()).toEqual(['system', 'user']);
      expect(cpuByMode.user).toBeGreaterThanOrEqual(cpuBefore.user / 1e6);
      expect(cpuByMode.user).toBeLessThanOrEqual(cpuAfter.user / 1e6);
      expect(cpuByMode.system).toBeGreaterThanOrEqual(cpuBefore.system / 1e6);
      expect(cpuByMode.system).toBeLessThanOrEqual(cpuAfter.system / 1e6);

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
      expect(resources.find((p) => p.attributes['v8js.resource.type'] === 'Timeout')?.value).toBeGreaterThanOrEqual(1);
    });

    it('records every GC pause perf_hooks reports, by kind, in seconds', async () => {
      const { provider, collect } = metricsHarness();
      // An independent observer of the same GC entries: what the histogram must add up to.
      // perf_hooks hands each entry to every observer in the same dispatch, so once both observe
      // and nothing is pending, both see the same entries from any synchronous point on.
      const seen: PerformanceEntry[] = [];
      const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
      instrumentation = new RuntimeInstrumentation();
      observer.observe({ entryTypes: ['gc'] });
      try {
        await tick(50); // let entries of earlier collections reach both observers
        // One synchronous step: a fresh, empty histogram and an empty list of seen entries.
        instrumentation.setMeterProvider(provider);
        seen.length = 0;
        // Churn short-lived garbage until the young generation collects (no --expose-gc needed).
        let keep = 0;
        for (let i = 0; i < 300_000; i++) keep += new Array(16).fill(i).length;
        expect(keep).toBe(300_000 * 16);
        await tick(50); // gc entries are delivered to observers asynchronously
      } finally {
        // One synchronous step again: both stop, and drop whatever is still pending alike.
        instrumentation.disable();
        observer.disconnect();
      }
      const gcDuration = metricNamed(await collect(), 'v8js.gc.duration');
      expect(gcDuration.descriptor.unit).toBe('s');
      const points = gcDuration.dataPoints.map((p) => ({
        kind: p.attributes['v8js.gc.type'],
        ...(p.value as { count: number; sum: number }),
      }));
      expect(seen.length).toBeGreaterThan(0);
      const kindNames = new Map([
        [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
        [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
        [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
        [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
      ]);
      const seenByKind: Record<string, number> = {};
      for (const entry of seen) {
        const kind = kindNames.get((entry as PerformanceEntry & { detail: { kind: number } }).detail.kind) ?? 'unknown';
        seenByKind[kind] = (seenByKind[kind] ?? 0) + 1;
      }
      expect(Object.fromEntries(points.map((p) => [p.kind, p.count]))).toEqual(seenByKind);
      const seenSeconds = seen.reduce((sum, e) => sum + e.duration, 0) / 1000;
      expect(points.reduce((sum, p) => sum + p.sum, 0)).toBeCloseTo(seenSeconds, 6);
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
