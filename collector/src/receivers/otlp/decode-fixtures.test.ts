import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AnyValue,
  ExponentialHistogramDataPoint,
  KeyValue,
  LogsBatch,
  Metric,
  MetricsBatch,
  Span,
  TracesBatch,
} from '../../model/telemetry';
import type { OtlpFormat } from './decode';
import { decodeOtlp } from './index';
import { LOGS, METRICS, RESOURCE_ATTRIBUTES, SCOPE, SPANS, hrTimeToNanos } from './testdata/scenario';

const FILE_EXTENSION: Record<OtlpFormat, string> = { protobuf: 'pb', json: 'json' };

function fixture(name: 'traces' | 'metrics' | 'logs', format: OtlpFormat): Uint8Array {
  return readFileSync(join(__dirname, 'testdata', `${name}.${FILE_EXTENSION[format]}`));
}

function attributes(o: Record<string, unknown>): KeyValue[] {
  return Object.entries(o).map(([key, value]) => ({ key, value: value as AnyValue }));
}

const resource = { attributes: attributes(RESOURCE_ATTRIBUTES), droppedAttributesCount: 0 };
const scope = { name: SCOPE.name, version: SCOPE.version, attributes: [], droppedAttributesCount: 0 };

/** The W3C "sampled" flag the SDK was given, plus OTLP's "is-remote is known" bit (0x100). */
const SAMPLED_LOCAL_FLAGS = 0x101;

const expectedSpans: Span[] = SPANS.map((s) => ({
  traceId: s.traceId,
  spanId: s.spanId,
  traceState: '',
  parentSpanId: s.parent < 0 ? '' : SPANS[s.parent].spanId,
  flags: SAMPLED_LOCAL_FLAGS,
  name: s.name,
  kind: (s.apiKind + 1) as Span['kind'],
  startTimeUnixNano: hrTimeToNanos(s.start),
  endTimeUnixNano: hrTimeToNanos(s.end),
  attributes: attributes(s.attributes),
  droppedAttributesCount: 0,
  events: s.events.map((e) => ({
    timeUnixNano: hrTimeToNanos(e.time),
    name: e.name,
    attributes: attributes(e.attributes),
    droppedAttributesCount: 0,
  })),
  droppedEventsCount: 0,
  links: s.links.map((l) => ({
    traceId: l.traceId,
    spanId: l.spanId,
    traceState: '',
    attributes: attributes(l.attributes),
    droppedAttributesCount: 0,
    flags: SAMPLED_LOCAL_FLAGS,
  })),
  droppedLinksCount: 0,
  status: { code: s.status.code, message: s.status.message ?? '' },
}));

function metricNamed(batch: MetricsBatch, name: string): Metric {
  const metric = batch.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.name === name);
  if (!metric) throw new Error(`no metric ${name} decoded`);
  return metric;
}

function total(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Base-2 exponential bucket index of a positive value (upper-inclusive buckets, OTLP's rule). */
function exponentialIndex(value: number, scale: number): number {
  return Math.ceil(Math.log2(value) * 2 ** scale) - 1;
}

describe('decodeOtlp', () => {
  describe.each(['protobuf', 'json'] as const)('.decodeOtlp(%s) on real OpenTelemetry JS SDK output', (format) => {
    it('decodes the spans exactly as the SDK was given them', () => {
      const result = decodeOtlp('traces', format, fixture('traces', format));
      const expected: TracesBatch = {
        signal: 'traces',
        resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: expectedSpans }] }],
      };
      expect(result).toEqual({ batch: expected, accepted: SPANS.length, rejected: 0, rejectedMessage: '' });
    });

    it('decodes the log records exactly as the SDK was given them', () => {
      const result = decodeOtlp('logs', format, fixture('logs', format));
      const expected: LogsBatch = {
        signal: 'logs',
        resourceLogs: [
          {
            resource,
            schemaUrl: '',
            scopeLogs: [
              {
                scope,
                schemaUrl: '',
                logRecords: LOGS.map((l) => ({
                  timeUnixNano: hrTimeToNanos(l.time),
                  observedTimeUnixNano: hrTimeToNanos(l.observedTime),
                  severityNumber: l.severityNumber,
                  severityText: l.severityText,
                  body:
                    typeof l.body === 'object' && !(l.body instanceof Uint8Array)
                      ? { kvlist: attributes(l.body as Record<string, unknown>) }
                      : (l.body as AnyValue),
                  attributes: attributes(l.attributes),
                  droppedAttributesCount: 0,
                  flags: l.traceContext ? 1 : 0,
                  traceId: l.traceContext?.traceId ?? '',
                  spanId: l.traceContext?.spanId ?? '',
                  eventName: l.eventName ?? '',
                })),
              },
            ],
          },
        ],
      };
      expect(result).toEqual({ batch: expected, accepted: LOGS.length, rejected: 0, rejectedMessage: '' });
    });

    describe('metrics', () => {
      const result = decodeOtlp('metrics', format, fixture('metrics', format));
      const batch = result.batch as MetricsBatch;

      it('keeps the resource, scope and every data point', () => {
        expect(batch.resourceMetrics[0].resource).toEqual(resource);
        expect(batch.resourceMetrics[0].scopeMetrics[0].scope).toEqual(scope);
        // two counter series, one each for the other five instruments
        expect(result).toMatchObject({ accepted: 7, rejected: 0, rejectedMessage: '' });
      });

      it('decodes timestamps as nanoseconds with start <= time', () => {
        for (const metric of batch.resourceMetrics[0].scopeMetrics[0].metrics) {
          for (const point of metric.data?.dataPoints ?? []) {
            expect(point.timeUnixNano).toBeGreaterThan(1_700_000_000_000_000_000n);
            expect(point.startTimeUnixNano).toBeLessThanOrEqual(point.timeUnixNano);
          }
        }
      });

      it('decodes the counter as a cumulative monotonic int sum per attribute set', () => {
        const metric = metricNamed(batch, METRICS.counter.name);
        expect(metric).toMatchObject({ unit: METRICS.counter.unit, description: METRICS.counter.description, metadata: [] });
        const totals = new Map<string, number>();
        for (const add of METRICS.counter.adds) {
          const route = add.attributes['http.route'];
          totals.set(route, (totals.get(route) ?? 0) + add.value);
        }
        expect(metric.data).toMatchObject({ type: 'sum', aggregationTemporality: 2, isMonotonic: true });
        const points = metric.data?.dataPoints ?? [];
        expect(points.map((p) => [p.attributes, 'value' in p ? p.value : undefined])).toEqual(
          [...totals].map(([route, total]) => [[{ key: 'http.route', value: route }], total]),
        );
      });

      it('decodes the up-down counter as a non-monotonic sum', () => {
        const metric = metricNamed(batch, METRICS.upDownCounter.name);
        const net = total(METRICS.upDownCounter.adds);
        expect(metric.data).toMatchObject({
          type: 'sum',
          isMonotonic: false,
          aggregationTemporality: 2,
          dataPoints: [{ value: net, attributes: [], exemplars: [], flags: 0 }],
        });
      });

      it('decodes the explicit-bucket histogram with per-bucket counts', () => {
        const { bounds, records } = METRICS.histogram;
        const bucketCounts = new Array<number>(bounds.length + 1).fill(0);
        for (const v of records) {
          const i = bounds.findIndex((bound) => v <= bound);
          bucketCounts[i < 0 ? bounds.length : i]++;
        }
        expect(metricNamed(batch, METRICS.histogram.name).data).toMatchObject({
          type: 'histogram',
          aggregationTemporality: 2,
          dataPoints: [
            {
              count: records.length,
              sum: total(records),
              min: Math.min(...records),
              max: Math.max(...records),
              explicitBounds: bounds,
              bucketCounts,
            },
          ],
        });
      });

      it('decodes the exponential histogram with every recorded value in its bucket', () => {
        const { records } = METRICS.exponentialHistogram;
        const data = metricNamed(batch, METRICS.exponentialHistogram.name).data;
        expect(data?.type).toBe('exponential_histogram');
        const point = data?.dataPoints[0] as ExponentialHistogramDataPoint;
        const positives = records.filter((v) => v > 0);
        expect(point).toMatchObject({
          count: records.length,
          sum: total(records),
          zeroCount: records.length - positives.length,
          min: Math.min(...records),
          max: Math.max(...records),
          negative: { offset: 0, bucketCounts: [] },
        });
        const expectedCounts = new Map<number, number>();
        for (const v of positives) {
          const index = exponentialIndex(v, point.scale) - point.positive.offset;
          expectedCounts.set(index, (expectedCounts.get(index) ?? 0) + 1);
        }
        const decodedCounts = new Map(
          point.positive.bucketCounts.flatMap((count, index) => (count > 0 ? [[index, count] as const] : [])),
        );
        expect(decodedCounts).toEqual(expectedCounts);
      });

      it('decodes gauges as the last recorded double and the observed int', () => {
        expect(metricNamed(batch, METRICS.gauge.name).data).toMatchObject({
          type: 'gauge',
          dataPoints: [{ value: METRICS.gauge.records[METRICS.gauge.records.length - 1] }],
        });
        expect(metricNamed(batch, METRICS.observableGauge.name).data).toMatchObject({
          type: 'gauge',
          dataPoints: [{ value: METRICS.observableGauge.value }],
        });
      });
    });
  });

  it('decodes the protobuf and JSON serializations of the same SDK data to the same model', () => {
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      expect(decodeOtlp(signal, 'json', fixture(signal, 'json'))).toEqual(
        decodeOtlp(signal, 'protobuf', fixture(signal, 'protobuf')),
      );
    }
  });
});
