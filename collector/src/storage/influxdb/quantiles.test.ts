import fc from 'fast-check';
import type { ExponentialHistogramDataPoint, HistogramDataPoint } from '../../model/telemetry';
import { exponentialBuckets, exponentialHistogramQuantile, histogramQuantile, quantileFieldName } from './quantiles';

function histogram(bounds: number[], counts: number[], extra: Partial<HistogramDataPoint> = {}): HistogramDataPoint {
  return {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: counts.reduce((a, b) => a + b, 0),
    sum: undefined,
    bucketCounts: counts,
    explicitBounds: bounds,
    exemplars: [],
    flags: 0,
    min: undefined,
    max: undefined,
    ...extra,
  };
}

function expHistogram(scale: number, offset: number, counts: number[], extra: Partial<ExponentialHistogramDataPoint> = {}): ExponentialHistogramDataPoint {
  return {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: counts.reduce((a, b) => a + b, 0),
    sum: undefined,
    scale,
    zeroCount: 0,
    positive: { offset, bucketCounts: counts },
    negative: { offset: 0, bucketCounts: [] },
    flags: 0,
    exemplars: [],
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
    ...extra,
  };
}

/** The exact q-quantile of sorted values (nearest rank). */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

describe('quantiles', () => {
  describe('histogramQuantile', () => {
    it('interpolates linearly inside the bucket holding the rank', () => {
      const point = histogram([10, 20, 30], [0, 10, 10, 0]);
      expect(histogramQuantile(point, 0.5)).toBeCloseTo(20);
      expect(histogramQuantile(point, 0.9)).toBeCloseTo(28);
      expect(histogramQuantile(point, 0.25)).toBeCloseTo(15);
    });

    it('clamps to min and max, and uses max as the top of the +Inf bucket', () => {
      const point = histogram([10], [0, 4], { min: 12, max: 20 });
      expect(histogramQuantile(point, 0.5)).toBeCloseTo(15);
      expect(histogramQuantile(point, 1)).toBeCloseTo(20);
    });

    it('is undefined for an empty histogram', () => {
      expect(histogramQuantile(histogram([1, 2], [0, 0, 0]), 0.5)).toBeUndefined();
    });

    it('lands within one bucket width of the exact quantile of the bucketed sample', () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 50, maxLength: 500 }),
          fc.constantFrom(0.5, 0.9, 0.95, 0.99),
          (values, q) => {
            const bounds = Array.from({ length: 20 }, (_, i) => (i + 1) * 50);
            const counts = new Array<number>(bounds.length + 1).fill(0);
            for (const v of values) {
              const index = bounds.findIndex((b) => v <= b);
              counts[index === -1 ? bounds.length : index]++;
            }
            const sorted = [...values].sort((a, b) => a - b);
            const estimate = histogramQuantile(histogram(bounds, counts, { min: sorted[0], max: sorted[sorted.length - 1] }), q) as number;
            expect(Math.abs(estimate - exactQuantile(sorted, q))).toBeLessThanOrEqual(50 + 1e-9);
          },
        ),
      );
    });
  });

  describe('exponentialBuckets', () => {
    it('uses base 2^(2^-scale): bucket i covers (base^i, base^(i+1)]', () => {
      const [b] = exponentialBuckets(expHistogram(1, 2, [1]));
      expect(b.lower).toBeCloseTo(2);
      expect(b.upper).toBeCloseTo(2 * Math.SQRT2);
    });

    it('orders negative buckets, the zero bucket, then positive ones ascending', () => {
      const buckets = exponentialBuckets(
        expHistogram(0, 0, [1], { negative: { offset: 0, bucketCounts: [1, 1] }, zeroCount: 1, zeroThreshold: 0.001 }),
      );
      const lowers = buckets.map((b) => b.lower);
      expect(lowers).toEqual([...lowers].sort((a, b) => a - b));
      expect(buckets[0].lower).toBeCloseTo(-4);
    });
  });

  describe('exponentialHistogramQuantile', () => {
    it('lands within one bucket of the exact quantile of the sample', () => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 1.001, max: 1e6, noNaN: true }), { minLength: 50, maxLength: 300 }),
          fc.integer({ min: 0, max: 4 }),
          (values, scale) => {
            const base = Math.pow(2, Math.pow(2, -scale));
            const index = (v: number) => Math.ceil(Math.log(v) / Math.log(base)) - 1;
            const offset = Math.min(...values.map(index));
            const counts: number[] = [];
            for (const v of values) {
              const k = index(v) - offset;
              while (counts.length <= k) counts.push(0);
              counts[k]++;
            }
            const sorted = [...values].sort((a, b) => a - b);
            const exact = exactQuantile(sorted, 0.9);
            const estimate = exponentialHistogramQuantile(expHistogram(scale, offset, counts), 0.9) as number;
            // Within the bucket of the exact value, or its neighbour (ranks at a bucket edge).
            expect(estimate / exact).toBeLessThanOrEqual(base * base * (1 + 1e-9));
            expect(exact / estimate).toBeLessThanOrEqual(base * base * (1 + 1e-9));
          },
        ),
      );
    });
  });

  describe('quantileFieldName', () => {
    it('names quantiles by percent without float noise', () => {
      expect([0.5, 0.99, 0.999, 0, 1].map(quantileFieldName)).toEqual(['p50', 'p99', 'p99.9', 'p0', 'p100']);
    });
  });
});
