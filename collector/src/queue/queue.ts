/**
 * The write queue between the pipeline and the storage writer: the exporter publishes each
 * batch's final encoded line protocol, a writer takes entries in order and marks them done
 * once InfluxDB stored them. Publishing resolves once the entry is safe (for the
 * write-ahead log: on local disk), which is when the sender is acknowledged. A second
 * implementation (NATS JetStream, for several replicas) fills the same interface.
 */

/** One published batch: complete lines of line protocol, each ending in '\n'. */
export interface QueueEntry {
  /** Position in the queue; entries are taken in this order. */
  readonly seq: number;
  readonly payload: Buffer;
  /** Lines in `payload`. */
  readonly lines: number;
  /** When it was published (epoch ms), for the age of the oldest unwritten entry. */
  readonly publishedAtMs: number;
}

export interface Published {
  /** Resolves when the entry is done; never rejects (an entry not done by shutdown stays queued). */
  written: Promise<void>;
}

export interface WriteQueue {
  /**
   * Appends one encoded batch; resolves once it is safe, with a promise that resolves once
   * the entry is done (written to InfluxDB), for callers that must read their own write.
   * Rejects with HERMES_ERR_UNAVAILABLE (+ Retry-After) when the queue is at its size cap,
   * and with HERMES_ERR_SHUTTING_DOWN once closed.
   */
  publish(payload: Buffer, lines: number): Promise<Published>;
  /**
   * The next entries in publishing order, together at most `maxLines` lines (at least one
   * entry), waiting while there are none; resolves `[]` once the queue is closed for taking.
   */
  take(maxLines: number): Promise<QueueEntry[]>;
  /** Entries written for good (stored or refused by InfluxDB); the queue may reclaim their space. */
  done(entries: readonly QueueEntry[]): void;
  /** Stops `publish`; entries published and not done stay for the next start. */
  close(): Promise<void>;
  /** Wakes pending `take` calls with `[]`. */
  stopTaking(): void;
  /** Entries published and not yet done. */
  readonly pendingEntries: number;
  /** Resolves once no entry is pending (at once when none is). */
  drained(): Promise<void>;
}
