/**
 * Quantile estimation from OTLP histogram buckets, and the field names hermes uses for
 * quantiles. Estimates assume values are spread evenly inside a bucket (linear
 * interpolation), so their error is bounded by the width of the bucket they fall in.
 */
import type { ExponentialHistogramDataPoint, HistogramDataPoint } from '../../model/telemetry';

/** The quantiles written for every histogram, with their field names. */
export const HISTOGRAM_QUANTILES: readonly (readonly [number, string])[] = [
  [0.5, 'p50'],
  [0.9, 'p90'],
  [0.95, 'p95'],
  [0.99, 'p99'],
];

/** `p<q*100>`: 0.5 → p50, 0.99 → p99, 0.999 → p99.9 (12 significant digits drop float noise). */
export function quantileFieldName(quantile: number): string {
  return 'p' + String(Number((quantile * 100).toPrecision(12)));
}

/** One bucket in ascending value order: values in (lower, upper], `count` of them. */
interface Bucket {
  lower: number;
  upper: number;
  count: number;
}

/**
 * The q-quantile of values spread over ascending buckets, by linear interpolation inside
 * the bucket holding rank q·total, clamped to [min, max] when known. Undefined when empty.
 */
function quantileFromBuckets(
  buckets: Bucket[],
  quantile: number,
  min: number | undefined,
  max: number | undefined,
): number | undefined {
  let total = 0;
  for (const b of buckets) total += b.count;
  if (total <= 0) return undefined;
  const rank = quantile * total;
  let before = 0;
  let estimate: number | undefined;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    if (before + b.count >= rank) {
      const lower = Number.isFinite(b.lower) ? b.lower : min ?? b.upper;
      const upper = Number.isFinite(b.upper) ? b.upper : max ?? lower;
      estimate = lower + ((upper - lower) * (rank - before)) / b.count;
      break;
    }
    before += b.count;
  }
  if (estimate === undefined || Number.isNaN(estimate)) return undefined;
  if (min !== undefined && estimate < min) estimate = min;
  if (max !== undefined && estimate > max) estimate = max;
  return estimate;
}

/** Buckets of an explicit-bounds histogram; the first starts at min (or 0 when its bound is positive). */
export function explicitBuckets(point: HistogramDataPoint): Bucket[] {
  const { explicitBounds: bounds, bucketCounts: counts } = point;
  const buckets: Bucket[] = [];
  for (let i = 0; i < counts.length; i++) {
    let lower = i === 0 ? -Infinity : bounds[i - 1];
    const upper = i < bounds.length ? bounds[i] : Infinity;
    if (i === 0 && point.min === undefined && upper > 0) lower = 0;
    buckets.push({ lower, upper, count: counts[i] });
  }
  return buckets;
}

/** Estimated quantile of an explicit-bounds histogram point. */
export function histogramQuantile(point: HistogramDataPoint, quantile: number): number | undefined {
  return quantileFromBuckets(explicitBuckets(point), quantile, point.min, point.max);
}

/**
 * Buckets of an exponential histogram in ascending order: negative buckets (most
 * negative first), the zero bucket, then positive ones. Bucket index i covers
 * (base^i, base^(i+1)] with base = 2^(2^-scale); negative ones mirror that.
 */
export function exponentialBuckets(point: ExponentialHistogramDataPoint): Bucket[] {
  const step = Math.pow(2, -point.scale);
  const bound = (index: number) => Math.pow(2, index * step);
  const buckets: Bucket[] = [];
  const neg = point.negative;
  for (let k = neg.bucketCounts.length - 1; k >= 0; k--) {
    const index = neg.offset + k;
    buckets.push({ lower: -bound(index + 1), upper: -bound(index), count: neg.bucketCounts[k] });
  }
  if (point.zeroCount > 0) {
    buckets.push({ lower: -point.zeroThreshold, upper: point.zeroThreshold, count: point.zeroCount });
  }
  const pos = point.positive;
  for (let k = 0; k < pos.bucketCounts.length; k++) {
    const index = pos.offset + k;
    buckets.push({ lower: bound(index), upper: bound(index + 1), count: pos.bucketCounts[k] });
  }
  return buckets;
}

/** Estimated quantile of an exponential histogram point. */
export function exponentialHistogramQuantile(
  point: ExponentialHistogramDataPoint,
  quantile: number,
): number | undefined {
  return quantileFromBuckets(exponentialBuckets(point), quantile, point.min, point.max);
}
