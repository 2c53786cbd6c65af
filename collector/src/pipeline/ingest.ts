/**
 * The ingest service: the one policy every transport (OTLP/HTTP today; gRPC and Faro next)
 * applies to a request, so they differ only in framing. It admits or refuses a request
 * (shutdown, concurrency), reads and decompresses the body under the limits, decodes it,
 * hands the batch to the pipeline, waits for the receipt up to ackTimeoutMs, counts what
 * happened, and says what to answer: accepted (with the items refused for good, for
 * partial success), or refused with a catalog error (status and Retry-After).
 * docs/architecture.md "Acknowledgement" is the contract this implements.
 */
import type { Signal } from '../model/telemetry';
import type { DecodeResult, OtlpFormat } from '../receivers/otlp/decode';
import { decompressBody, type ContentEncoding } from './compression';
import type { Consumer, Receipt } from './component';
import { HermesError, isHermesError } from './errors';
import { DECODED_BYTES_PER_BODY_BYTE, type MemoryGuard } from './memory';
import type { Logger } from './logger';
import type { SelfMetrics } from './self-metrics';

/** The decoder contract (`decodeOtlp` in receivers/otlp); throws HERMES_ERR_BAD_REQUEST on garbage. */
export type Decode = (signal: Signal, format: OtlpFormat, body: Uint8Array) => DecodeResult;

/** Thrown by a request's `read` when the sender went away before the body was complete: there is no one to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super('the client closed the connection before sending the whole body');
    this.name = 'ClientAbortedError';
  }
}

export interface IngestLimits {
  /** Largest body after decompression; more is refused with 413. */
  maxBodyBytes: number;
  /** Requests in progress at once (reading, decoding or awaiting the pipeline); more get 429. */
  maxConcurrentRequests: number;
  /** How long to wait for the pipeline's receipt before answering 503 + Retry-After. */
  ackTimeoutMs: number;
  /** Retry-After of the service's own 429 and 503 answers. */
  retryAfterSeconds: number;
}

/** One request as a transport hands it over, once framing (path, media type) is settled. */
export interface IngestRequest {
  signal: Signal;
  format: OtlpFormat;
  encoding: ContentEncoding;
  /** The body's size as the sender declared it (Content-Length), so memory is reserved before reading. */
  declaredBytes?: number;
  /**
   * Reads the body as sent (still compressed); called only once the request is admitted.
   * Rejects with a HermesError (too large, timeout) or ClientAbortedError.
   */
  read(): Promise<Uint8Array>;
}

export type IngestResult =
  /** Everything not counted in `refusedItems` is safe; those are reported as partial success. */
  | { kind: 'accepted'; refusedItems: number; refusal: string }
  /** Nothing of the request is promised; answer `error`'s status (and Retry-After when retryable). */
  | { kind: 'refused'; error: HermesError }
  /** The sender went away: nothing to answer. */
  | { kind: 'aborted' };

export interface IngestServiceOptions {
  /** Component id of the transport, the `receiver` metric label. */
  receiverId: string;
  limits: IngestLimits;
  next: Consumer;
  decode: Decode;
  logger: Logger;
  metrics: SelfMetrics;
  /** The collector's memory budget, shared by every transport; absent: unbounded (tests). */
  memory?: MemoryGuard;
}

/** At most one log line per this interval for unexpected errors, however many requests fail. */
const UNEXPECTED_LOG_INTERVAL_MS = 10_000;

export class IngestService {
  private activeRequests = 0;
  private closed = false;
  private lastUnexpectedLogAt = -Infinity;
  private unexpectedSuppressed = 0;

  constructor(private readonly options: IngestServiceOptions) {}

  /** Requests admitted and not yet answered. */
  get active(): number {
    return this.activeRequests;
  }

  /** From now on every request is refused with 503 + Retry-After (the transport is shutting down). */
  close(): void {
    this.closed = true;
  }

  /** Refuses a request the transport could not frame (unknown path, media type), counted like any refusal. */
  refuse(signal: Signal | 'unknown', error: HermesError): IngestResult {
    this.options.metrics.itemsRefused.inc({ receiver: this.options.receiverId, signal, reason: error.code }, 1);
    return { kind: 'refused', error };
  }

  /**
   * Runs a request through the pipeline and calls `answer` once with what to tell the
   * sender. Resolves when the request no longer holds a concurrency slot, which may be
   * after the answer (see the ackTimeoutMs case). Never rejects.
   */
  async ingest(request: IngestRequest, answer: (result: IngestResult) => void): Promise<void> {
    const { limits } = this.options;
    const retryAfterSeconds = limits.retryAfterSeconds;
    if (this.closed) return answer(this.refuse(request.signal, new HermesError('HERMES_ERR_SHUTTING_DOWN', undefined, { retryAfterSeconds })));
    if (this.activeRequests >= limits.maxConcurrentRequests) {
      const detail = `more than maxConcurrentRequests (${limits.maxConcurrentRequests}) requests in progress`;
      return answer(this.refuse(request.signal, new HermesError('HERMES_ERR_OVERLOADED', detail, { retryAfterSeconds })));
    }
    this.activeRequests++;
    try {
      await this.run(request, answer);
    } finally {
      this.activeRequests--;
    }
  }

  private async run(request: IngestRequest, answer: (result: IngestResult) => void): Promise<void> {
    const { receiverId: receiver, limits, metrics } = this.options;
    const { signal } = request;
    let decoded: DecodeResult | undefined;
    const memory = this.options.memory;
    let reserved = 0;
    try {
      const declared = request.declaredBytes ?? 0;
      memory?.reserve(declared);
      reserved += declared;
      const wire = await request.read();
      if (wire.length > declared) {
        memory?.reserve(wire.length - declared);
        reserved += wire.length - declared;
      }
      const body = await decompressBody(wire, request.encoding, limits.maxBodyBytes);
      const decodedEstimate = body.length * DECODED_BYTES_PER_BODY_BYTE;
      memory?.reserve(decodedEstimate);
      reserved += decodedEstimate;
      decoded = this.options.decode(signal, request.format, body);
      if (decoded.rejected > 0) metrics.itemsRefused.inc({ receiver, signal, reason: 'HERMES_ERR_BAD_REQUEST' }, decoded.rejected);
      let receipt: Receipt | undefined;
      if (decoded.accepted > 0) {
        const outcome = await this.consumeWithin(decoded);
        if ('pending' in outcome) {
          const error = new HermesError('HERMES_ERR_UNAVAILABLE', `the pipeline did not take the batch within ackTimeoutMs (${limits.ackTimeoutMs} ms)`, {
            retryAfterSeconds: limits.retryAfterSeconds,
          });
          metrics.itemsRefused.inc({ receiver, signal, reason: error.code }, decoded.accepted);
          answer({ kind: 'refused', error });
          // Hold the concurrency slot until the consumer settles, so a stuck pipeline
          // cannot pile up unbounded abandoned batches behind 503 answers.
          await outcome.pending.catch(() => undefined);
          return;
        }
        receipt = outcome.receipt;
        const refused = Math.min(receipt.refusedItems, decoded.accepted);
        if (refused > 0) metrics.itemsRefused.inc({ receiver, signal, reason: 'HERMES_ERR_STORAGE_REFUSED' }, refused);
        metrics.itemsReceived.inc({ receiver, signal }, decoded.accepted - refused);
      }
      answer(accepted(decoded, receipt));
    } catch (err) {
      if (err instanceof ClientAbortedError) return answer({ kind: 'aborted' });
      const error = this.asHermesError(err);
      metrics.itemsRefused.inc({ receiver, signal, reason: error.code }, decoded?.accepted || 1);
      answer({ kind: 'refused', error });
    } finally {
      memory?.release(reserved);
    }
  }

  /** Waits for the consumer up to ackTimeoutMs; on timeout returns the still-unsettled promise. */
  private async consumeWithin(decoded: DecodeResult): Promise<{ receipt: Receipt } | { pending: Promise<Receipt> }> {
    // Promise.resolve().then turns a consumer that throws synchronously into a rejection.
    const consumed = Promise.resolve().then(() => this.options.next.consume(decoded.batch));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      // Unref'd: after shutdown cut the connection, this wait must not keep the process alive.
      timer = setTimeout(() => resolve('timeout'), this.options.limits.ackTimeoutMs).unref();
    });
    try {
      const outcome = await Promise.race([consumed, timedOut]);
      return outcome === 'timeout' ? { pending: consumed } : { receipt: outcome };
    } finally {
      clearTimeout(timer);
    }
  }

  private asHermesError(err: unknown): HermesError {
    if (isHermesError(err)) return err;
    const now = Date.now();
    if (now - this.lastUnexpectedLogAt < UNEXPECTED_LOG_INTERVAL_MS) {
      this.unexpectedSuppressed++;
    } else {
      this.options.logger.error('unexpected error while ingesting a request; answered 500', {
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        suppressedSinceLastLog: this.unexpectedSuppressed,
      });
      this.lastUnexpectedLogAt = now;
      this.unexpectedSuppressed = 0;
    }
    return new HermesError('HERMES_ERR_INTERNAL');
  }
}

/** The accepted result: items the decoder rejected plus items storage refused, with both reasons. */
function accepted(decoded: DecodeResult, receipt: Receipt | undefined): IngestResult {
  const stored = Math.min(receipt?.refusedItems ?? 0, decoded.accepted);
  const reasons = [decoded.rejected > 0 ? decoded.rejectedMessage : '', stored > 0 ? (receipt?.refusal ?? '') : ''].filter((r) => r !== '');
  return { kind: 'accepted', refusedItems: decoded.rejected + stored, refusal: reasons.join('; ') };
}
