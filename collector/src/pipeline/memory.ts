/**
 * The collector's memory budget (memoryLimitMiB): requests hold reservations for the bytes
 * they buffer and decode, and new work is refused with 503 + Retry-After while the budget
 * is spent or the process's resident memory is near the limit, so a flood slows senders
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
/** Resident memory past this share of the budget refuses new work. */
const RSS_SHARE = 0.8;

export interface MemoryGuardOptions {
  limitBytes: number;
  retryAfterSeconds: number;
  /** Resident set size now; process.memoryUsage.rss unless a test substitutes it. */
  rssBytes?: () => number;
}

export class MemoryGuard {
  private reservedBytes = 0;
  private readonly rss: () => number;

  constructor(private readonly options: MemoryGuardOptions) {
    this.rss = options.rssBytes ?? (() => process.memoryUsage.rss());
  }

  /** Bytes reserved by requests in progress. */
  get reserved(): number {
    return this.reservedBytes;
  }

  /**
   * Reserves `bytes` for a request, or throws HERMES_ERR_UNAVAILABLE when the requests in
   * progress already hold 40% of the budget or resident memory is past 80% of it (the rest
   * is the process's own: code, caches, the write queue's memory, garbage not yet collected).
   */
  reserve(bytes: number): void {
    const limit = this.options.limitBytes;
    const rss = this.rss();
    if (this.reservedBytes > 0 && this.reservedBytes + bytes > limit * REQUESTS_SHARE) {
      throw this.refusal(`requests in progress hold ${mib(this.reservedBytes)} of the ${mib(limit)} memory limit`);
    }
    if (rss > limit * RSS_SHARE) throw this.refusal(`resident memory is ${mib(rss)} of the ${mib(limit)} limit`);
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
