/** Metric data points → one measurement per metric, and their exemplars → `exemplars` (docs/schema.md §5). */
import { anyValueToText } from '../../../model/any-value';
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  KeyValue,
  Metric,
  MetricsBatch,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../../model/telemetry';
import { fnv1a, SECOND_SEED } from '../identity';
import { encodeFloat, encodeInt, escapeKey, escapeMeasurement } from '../line-protocol';
import { HISTOGRAM_QUANTILES, exponentialHistogramQuantile, histogramQuantile, quantileFieldName } from '../quantiles';
import { EXEMPLARS_MEASUREMENT, METRIC_TAG_COLUMNS, metricMeasurement } from '../schema';
import { NameCache, tag, tagNames, type EncodeContext, type ResourceFragment } from './context';

const TEMPORALITY_TAG = ['', ',temporality=delta', ',temporality=cumulative'];

export class MetricEncoder {
  private readonly measurements = new NameCache((name) => escapeMeasurement(metricMeasurement(name)));
  private readonly pointTagNames = tagNames(METRIC_TAG_COLUMNS, true);

  encode(ctx: EncodeContext, batch: MetricsBatch, nowMs: number): void {
    for (const rm of batch.resourceMetrics) {
      const res = ctx.resource(rm.resource, nowMs);
      for (const sm of rm.scopeMetrics) {
        const scopeHash = fnv1a(sm.scope.name + '\n' + sm.scope.version, res.hash);
        for (const metric of sm.metrics) this.encodeMetric(ctx, metric, res, scopeHash);
      }
    }
  }

  /** Data point attributes as tags, sorted by key so a series key is canonical. */
  private pointTags(attributes: KeyValue[]): string {
    if (attributes.length === 0) return '';
    const pairs: [string, string][] = [];
    for (const kv of attributes) {
      if (kv.value === null) continue;
      pairs.push([this.pointTagNames.get(kv.key), anyValueToText(kv.value)]);
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let tags = '';
    for (const [key, value] of pairs) tags += tag(key, value);
    return tags;
  }

  private encodeMetric(ctx: EncodeContext, metric: Metric, res: ResourceFragment, scopeHash: number): void {
    const data = metric.data;
    if (data === undefined) return;
    const temporality = 'aggregationTemporality' in data ? (TEMPORALITY_TAG[data.aggregationTemporality] ?? '') : '';
    const prefix = this.measurements.get(metric.name) + res.tags + ',metric_type=' + data.type + temporality;
    const exemplarSeries = EXEMPLARS_MEASUREMENT + ',metric=' + (escapeKey(metric.name) || '_') + ',service=' + res.service;
    for (const point of data.dataPoints) {
      const series = prefix + this.pointTags(point.attributes);
      let fields: string;
      if (data.type === 'gauge' || data.type === 'sum') fields = ctx.floatField('value', (point as NumberDataPoint).value);
      else if (data.type === 'histogram') fields = histogramFields(ctx, point as HistogramDataPoint);
      else if (data.type === 'exponential_histogram') {
        fields = distributionFields(ctx, point as ExponentialHistogramDataPoint, exponentialHistogramQuantile);
      } else fields = summaryFields(ctx, point as SummaryDataPoint);
      if (fields === '') {
        ctx.empty++;
        continue;
      }
      const time = point.timeUnixNano !== 0n ? point.timeUnixNano : point.startTimeUnixNano;
      const seriesHash = fnv1a(series, scopeHash);
      ctx.emit(series, fields.slice(1), time, seriesHash, fnv1a(series, scopeHash ^ SECOND_SEED));
      if ('exemplars' in point) {
        for (const ex of point.exemplars) {
          const value = encodeFloat(ex.value);
          if (value === undefined) {
            ctx.nonFinite++;
            continue;
          }
          const exFields = 'value=' + value + ',trace_id=' + ctx.str(ex.traceId) + ',span_id=' + ctx.str(ex.spanId);
          ctx.emit(exemplarSeries, exFields, ex.timeUnixNano, fnv1a(exFields, seriesHash), fnv1a(exFields, seriesHash ^ SECOND_SEED), false);
        }
      }
    }
  }
}

/** count, sum, min, max and the estimated p50..p99 shared by both histogram kinds. */
function distributionFields<P extends HistogramDataPoint | ExponentialHistogramDataPoint>(
  ctx: EncodeContext,
  point: P,
  quantile: (point: P, q: number) => number | undefined,
): string {
  let fields = ',count=' + encodeInt(point.count) + ctx.floatField('sum', point.sum) + ctx.floatField('min', point.min) + ctx.floatField('max', point.max);
  for (const [q, name] of HISTOGRAM_QUANTILES) fields += ctx.floatField(name, quantile(point, q));
  return fields;
}

function histogramFields(ctx: EncodeContext, point: HistogramDataPoint): string {
  let fields = distributionFields(ctx, point, histogramQuantile);
  let cumulative = 0;
  for (let i = 0; i < point.bucketCounts.length; i++) {
    cumulative += point.bucketCounts[i];
    const bound = i < point.explicitBounds.length ? String(point.explicitBounds[i]) : '+Inf';
    fields += ',' + escapeKey('le_' + bound) + '=' + encodeInt(cumulative);
  }
  return fields;
}

function summaryFields(ctx: EncodeContext, point: SummaryDataPoint): string {
  let fields = ',count=' + encodeInt(point.count) + ctx.floatField('sum', point.sum);
  for (const qv of point.quantileValues) fields += ctx.floatField(escapeKey(quantileFieldName(qv.quantile)), qv.value);
  return fields;
}
