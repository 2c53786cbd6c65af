/**
 * The collector's memory budget (memoryLimitMiB): requests hold reservations for the bytes
 * they buffer and decode, and new work is refused with 503 + Retry-After while the budget
 * is spent or the process's live memory is near the limit, so a flood slows senders
 * down instead of growing the heap until the process dies.
 */
import { HermesError } from './errors';

/**
 * What one body byte costs while its request is in progress: decoded objects, the encoded
 * line-protocol strings and the buffer written to the log (measured: a 1 MiB protobuf body of
 * 2,000 spans held about 8 MiB).
 */
export const DECODED_BYTES_PER_BODY_BYTE = 8;
/** Share of the budget requests in progress may reserve; the rest is the process's own and the GC's slack. */
const REQUESTS_SHARE = 0.4;
/**
 * Live memory (JS heap in use plus Buffers) past this share of the budget refuses new work.
 * Not resident memory: V8 keeps freed pages resident for a while, so a refusal based on it
 * would outlast the garbage it was refusing for (measured: a run pushed back for good).
 */
const LIVE_SHARE = 0.6;

export interface MemoryGuardOptions {
  limitBytes: number;
  retryAfterSeconds: number;
  /** JS heap in use plus external memory (Buffers), now; sampled from process.memoryUsage unless a test substitutes it. */
  liveBytes?: () => number;
}

/** Memory use is read at most this often: reading it costs, and requests come by the thousand. */
const SAMPLE_MS = 50;

export class MemoryGuard {
  private reservedBytes = 0;
  private readonly live: () => number;

  constructor(private readonly options: MemoryGuardOptions) {
    this.live = options.liveBytes ?? sampledLive();
  }

  /** Bytes reserved by requests in progress. */
  get reserved(): number {
    return this.reservedBytes;
  }

  /**
   * Reserves `bytes` for a request, or throws HERMES_ERR_UNAVAILABLE when the requests in
   * progress already hold 40% of the budget or live memory is past 60% of it (the rest is
   * the process's own: code, caches, garbage not yet collected).
   */
  reserve(bytes: number): void {
    const limit = this.options.limitBytes;
    if (this.reservedBytes > 0 && this.reservedBytes + bytes > limit * REQUESTS_SHARE) {
      throw this.refusal(`requests in progress hold ${mib(this.reservedBytes)} of the ${mib(limit)} memory limit`);
    }
    const live = this.live();
    if (live > limit * LIVE_SHARE) throw this.refusal(`live memory is ${mib(live)} of the ${mib(limit)} limit`);
    this.reservedBytes += bytes;
  }

  release(bytes: number): void {
    this.reservedBytes = Math.max(0, this.reservedBytes - bytes);
  }

  private refusal(detail: string): HermesError {
    return new HermesError('HERMES_ERR_UNAVAILABLE', `${detail} (memoryLimitMiB)`, { retryAfterSeconds: this.options.retryAfterSeconds });
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

function sampledLive(): () => number {
  let value = 0;
  let readAt = -Infinity;
  return () => {
    const now = performance.now();
    if (now - readAt >= SAMPLE_MS) {
      const usage = process.memoryUsage();
      value = usage.heapUsed + usage.external;
      readAt = now;
    }
    return value;
  };
}
