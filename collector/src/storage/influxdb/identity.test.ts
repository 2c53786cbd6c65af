import fc from 'fast-check';
import { fnv1a, offsetTimeNs, PointClaims, precisionStepNs, SECOND_SEED } from './identity';
import { logLevel, severityName } from './schema';

describe('identity', () => {
  describe('precisionStepNs', () => {
    it('is the largest power of ten up to 10^6 dividing the timestamp', () => {
      expect(precisionStepNs(1_700_000_000_123_000_000n)).toBe(1_000_000);
      expect(precisionStepNs(1_700_000_000_123_400_000n)).toBe(100_000);
      expect(precisionStepNs(1_700_000_000_123_456_780n)).toBe(10);
      expect(precisionStepNs(1_700_000_000_123_456_789n)).toBe(1);
    });
  });

  describe('offsetTimeNs', () => {
    it('only fills digits below the timestamp precision, so the original is recoverable', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 1n, max: 4_000_000_000_000n }), fc.integer({ min: 0, max: 6 }), fc.nat(), (base, digits, hash) => {
          // Timestamps of every precision, from seconds-like (10^6 zeros) to full ns.
          const time = base * BigInt(10 ** digits);
          const step = BigInt(precisionStepNs(time));
          const shifted = offsetTimeNs(time, hash);
          expect(shifted - (shifted % step)).toBe(time);
        }),
      );
    });

    it('spreads sequential span ids over a millisecond like a uniform hash would', () => {
      const n = 200_000;
      const offsets = new Set<bigint>();
      for (let i = 1; i <= n; i++) {
        const hash = fnv1a(i.toString(16).padStart(16, '0'), fnv1a(i.toString(16).padStart(32, '0')));
        offsets.add(offsetTimeNs(1_000_000n, hash));
      }
      // Expected distinct values of n uniform draws from 10^6 slots: 10^6 (1 - e^(-n/10^6)).
      const uniform = 1e6 * (1 - Math.exp(-n / 1e6));
      expect(offsets.size).toBeGreaterThan(uniform * 0.99);
    });

    it('leaves full-nanosecond timestamps unchanged', () => {
      expect(offsetTimeNs(1_700_000_000_123_456_789n, 12345)).toBe(1_700_000_000_123_456_789n);
    });
  });

  describe('PointClaims.claim', () => {
    const T = 1_700_000_000_123_000_000n; // a millisecond timestamp: 10^6 slots below it

    it('moves a distinct item off a taken point by 1 ns, and gives the same item its own point again', () => {
      const claims = new PointClaims();
      const first = claims.claim('spans,service=a', T, 7, 1);
      const other = claims.claim('spans,service=a', T, 7, 2); // same offset hash, another item
      const elsewhere = claims.claim('spans,service=b', T, 7, 2); // another series: no conflict
      expect(BigInt(other)).toBe(BigInt(first) + 1n);
      expect(elsewhere).toBe(first);
      expect([claims.claim('spans,service=a', T, 7, 2), claims.claim('spans,service=a', T, 7, 1)]).toEqual([other, first]);
      expect(claims.bumped).toBe(1);
    });

    it('gives 10,000 distinct items of one series and millisecond 10,000 points, and the same items the same points again', () => {
      const claims = new PointClaims();
      const items = Array.from({ length: 10_000 }, (_, i) => [fnv1a(`span${i}`), fnv1a(`span${i}`, SECOND_SEED)] as const);
      const times = items.map(([h, h2]) => claims.claim('spans,service=a', T, h, h2));
      expect(new Set(times).size).toBe(10_000);
      expect(items.map(([h, h2]) => claims.claim('spans,service=a', T, h, h2))).toEqual(times);
    });

    it('forgets the oldest claims past its size, and stays within it', () => {
      const claims = new PointClaims(1000);
      for (let i = 0; i < 5000; i++) claims.claim('m', T + BigInt(i) * 1_000_000n, i, i);
      expect(claims.size).toBeLessThanOrEqual(1000);
    });
  });
});

describe('translate', () => {
  describe('logLevel', () => {
    it('maps severity numbers in steps of four and falls back to the text', () => {
      expect([1, 4, 5, 9, 12, 13, 17, 21, 24].map((n) => logLevel(n, ''))).toEqual([
        'trace', 'trace', 'debug', 'info', 'info', 'warn', 'error', 'fatal', 'fatal',
      ]);
      expect(logLevel(0, 'Warning')).toBe('warn');
      expect(logLevel(0, 'CRITICAL')).toBe('fatal');
      expect(logLevel(0, '')).toBe('unspecified');
    });
  });

  describe('severityName', () => {
    it('derives OTLP short names from the number', () => {
      expect([1, 2, 9, 12, 24, 0].map(severityName)).toEqual(['TRACE', 'TRACE2', 'INFO', 'INFO4', 'FATAL4', '']);
    });
  });
});
