/**
 * `@hermes/instrumentation-runtime`: Node.js runtime health (event loop, GC, V8 heap, RSS,
 * active resources, process CPU) as OpenTelemetry metrics. Metrics only: no spans, no patching.
 */
import {
  ValueType,
  type BatchObservableResult,
  type Histogram,
  type Meter,
  type Observable,
} from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  constants as perfConstants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
  type IntervalHistogram,
  type PerformanceEntry,
} from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { HermesInstrumentation, observable, type Binding } from './base';
import * as sc from './semconv';
import { VERSION } from './version';

export const RUNTIME_INSTRUMENTATION_NAME = '@hermes/instrumentation-runtime';

export interface RuntimeInstrumentationConfig extends InstrumentationConfig {
  /** Sampling resolution of `perf_hooks.monitorEventLoopDelay`; lower is more precise and costlier. */
  eventLoopDelayResolutionMs?: number;
  /**
   * Histogram bucket boundaries (seconds) advised for `v8js.gc.duration`. Semconv suggests
   * [0.01, 0.1, 1, 10]; the default is finer because most pauses last well under 10 ms.
   */
  gcDurationBucketsSeconds?: number[];
}

const DEFAULTS: RuntimeInstrumentationConfig = {
  enabled: true,
  eventLoopDelayResolutionMs: 10,
  gcDurationBucketsSeconds: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
};

const NS_PER_SECOND = 1e9;
const MS_PER_SECOND = 1e3;
const US_PER_SECOND = 1e6;

/** perf_hooks GC kinds → semconv `v8js.gc.type` values. */
const GC_TYPES: ReadonlyMap<number, string> = new Map([
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

const DELAY_PERCENTILES: ReadonlyArray<[string, number]> = [
  [sc.METRIC_NODEJS_EVENTLOOP_DELAY_P50, 50],
  [sc.METRIC_NODEJS_EVENTLOOP_DELAY_P90, 90],
  [sc.METRIC_NODEJS_EVENTLOOP_DELAY_P99, 99],
];

/**
 * Event-loop delay percentiles and utilisation are reported for the interval since the previous
 * collection (the delay histogram is reset on each collection), so use one periodic reader.
 */
export class RuntimeInstrumentation extends HermesInstrumentation<RuntimeInstrumentationConfig> {
  private delayHistogram: IntervalHistogram | undefined;
  private gcObserver: PerformanceObserver | undefined;
  private gcDuration: Histogram | undefined;
  private lastUtilization: EventLoopUtilization | undefined;

  constructor(config: RuntimeInstrumentationConfig = {}) {
    super(RUNTIME_INSTRUMENTATION_NAME, VERSION, DEFAULTS, config);
    this.enableUnlessDisabled();
  }

  protected start(): void {
    this.delayHistogram = monitorEventLoopDelay({ resolution: this.config.eventLoopDelayResolutionMs });
    this.delayHistogram.enable();
    this.lastUtilization = performance.eventLoopUtilization();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // `detail` is typed on the subclass only; the 'gc' entry type guarantees its shape.
        const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        this.gcDuration?.record(entry.duration / MS_PER_SECOND, {
          [sc.ATTR_V8JS_GC_TYPE]: (kind !== undefined && GC_TYPES.get(kind)) || 'unknown',
        });
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  protected stop(): void {
    this.delayHistogram?.disable();
    this.delayHistogram = undefined;
    this.gcObserver?.disconnect();
    this.gcObserver = undefined;
  }

  protected bind(meter: Meter): Binding {
    this.gcDuration = meter.createHistogram(sc.METRIC_V8JS_GC_DURATION, {
      description: 'Garbage collection duration by kind (major, minor, incremental, weakcb).',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: this.config.gcDurationBucketsSeconds },
    });
    const delays = DELAY_PERCENTILES.map(([name, p]) => ({
      p,
      gauge: observable(meter, 'gauge', name, 's', `Event loop delay, ${p}th percentile over the collection interval.`),
    }));
    const delayMax = observable(meter, 'gauge', sc.METRIC_NODEJS_EVENTLOOP_DELAY_MAX, 's', 'Event loop maximum delay.');
    const delayMean = observable(meter, 'gauge', sc.METRIC_NODEJS_EVENTLOOP_DELAY_MEAN, 's', 'Event loop mean delay.');
    const utilization = observable(meter, 'gauge', sc.METRIC_NODEJS_EVENTLOOP_UTILIZATION, '1', 'Event loop utilization, 0..1.');
    const heapUsed = observable(meter, 'upDownCounter', sc.METRIC_V8JS_MEMORY_HEAP_USED, 'By', 'V8 heap memory used, per heap space.', true);
    const heapSize = observable(meter, 'upDownCounter', sc.METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE, 'By', 'V8 heap memory reserved (total), per heap space.', true);
    const rss = observable(meter, 'upDownCounter', sc.METRIC_PROCESS_MEMORY_USAGE, 'By', 'Resident set size of the process.', true);
    const resources = observable(meter, 'gauge', sc.METRIC_V8JS_RESOURCE_ACTIVE, '{resource}', 'Active handles and requests keeping the event loop alive, by type.', true);
    const cpuTime = observable(meter, 'counter', sc.METRIC_PROCESS_CPU_TIME, 's', 'CPU time consumed by the process, by mode (user, system).');
    const observables: Observable[] = [
      ...delays.map((d) => d.gauge),
      delayMax,
      delayMean,
      utilization,
      heapUsed,
      heapSize,
      rss,
      resources,
      cpuTime,
    ];

    const callback = (result: BatchObservableResult): void => {
      const histogram = this.delayHistogram;
      // An empty histogram reports min = 2^63 and percentiles 0: nothing to say yet.
      if (histogram && histogram.count > 0) {
        for (const d of delays) result.observe(d.gauge, histogram.percentile(d.p) / NS_PER_SECOND);
        result.observe(delayMax, histogram.max / NS_PER_SECOND);
        result.observe(delayMean, histogram.mean / NS_PER_SECOND);
        histogram.reset();
      }
      const now = performance.eventLoopUtilization();
      if (this.lastUtilization) {
        result.observe(utilization, performance.eventLoopUtilization(now, this.lastUtilization).utilization);
      }
      this.lastUtilization = now;
      for (const space of v8.getHeapSpaceStatistics()) {
        const attributes = { [sc.ATTR_V8JS_HEAP_SPACE_NAME]: space.space_name };
        result.observe(heapUsed, space.space_used_size, attributes);
        result.observe(heapSize, space.space_size, attributes);
      }
      result.observe(rss, process.memoryUsage.rss());
      for (const [type, count] of countBy(process.getActiveResourcesInfo())) {
        result.observe(resources, count, { [sc.ATTR_V8JS_RESOURCE_TYPE]: type });
      }
      const cpu = process.cpuUsage();
      result.observe(cpuTime, cpu.user / US_PER_SECOND, { [sc.ATTR_CPU_MODE]: 'user' });
      result.observe(cpuTime, cpu.system / US_PER_SECOND, { [sc.ATTR_CPU_MODE]: 'system' });
    };
    meter.addBatchObservableCallback(callback, observables);
    return {
      unbind: () => {
        meter.removeBatchObservableCallback(callback, observables);
        this.gcDuration = undefined;
      },
    };
  }
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
