import { MemoryGuard } from './memory';

const MiB = 1024 * 1024;

describe('MemoryGuard', () => {
  describe('.reserve', () => {
    it('lets requests in progress hold up to 40% of the budget, and refuses more with 503 + Retry-After', () => {
      const guard = new MemoryGuard({ limitBytes: 100 * MiB, retryAfterSeconds: 2, liveBytes: () => 10 * MiB });
      guard.reserve(30 * MiB);
      guard.reserve(10 * MiB);
      expect(() => guard.reserve(1)).toThrow(expect.objectContaining({ code: 'HERMES_ERR_UNAVAILABLE', httpStatus: 503, retryAfterSeconds: 2 }));
      guard.release(20 * MiB);
      expect(() => guard.reserve(10 * MiB)).not.toThrow();
      expect(guard.reserved).toBe(30 * MiB);
    });

    it('takes one request larger than its share when nothing else is held, so it can ever pass', () => {
      const guard = new MemoryGuard({ limitBytes: 100 * MiB, retryAfterSeconds: 2, liveBytes: () => 10 * MiB });
      expect(() => guard.reserve(80 * MiB)).not.toThrow();
      expect(() => guard.reserve(1)).toThrow(/requests in progress hold 80 MiB of the 100 MiB memory limit/);
    });

    it('refuses new work while live memory (heap in use and Buffers) is past 60% of the budget', () => {
      let live = 65 * MiB;
      const guard = new MemoryGuard({ limitBytes: 100 * MiB, retryAfterSeconds: 5, liveBytes: () => live });
      expect(() => guard.reserve(1)).toThrow(/live memory is 65 MiB of the 100 MiB limit \(memoryLimitMiB\)/);
      live = 50 * MiB;
      expect(() => guard.reserve(1)).not.toThrow();
    });
  });
});
