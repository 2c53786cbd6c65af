/**
 * The OTLP/HTTP ingest handler: routes POST /v1/{traces,metrics,logs}, enforces the
 * limits, decompresses, decodes, hands the batch to the next consumer and answers
 * with the OTLP response body. A plain node:http handler, so it mounts on express or
 * on a bare server alike.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Signal } from '../../model/telemetry';
import type { Consumer } from '../../pipeline/component';
import { HermesError, isHermesError } from '../../pipeline/errors';
import type { Logger } from '../../pipeline/logger';
import type { SelfMetrics } from '../../pipeline/self-metrics';
import type { DecodeResult, OtlpFormat } from '../otlp/decode';
import { ClientAbortedError, decompressBody, parseContentEncoding, readBody } from './body';
import type { OtlpHttpReceiverConfig } from './config';
import { contentTypeOf, exportResponseBody, statusBody } from './responses';

/** The decoder contract (`decodeOtlp` in receivers/otlp); throws HERMES_ERR_BAD_REQUEST on garbage. */
export type DecodeOtlp = (signal: Signal, format: OtlpFormat, body: Uint8Array) => DecodeResult;

export interface OtlpIngestHandlerOptions {
  /** Component id, used as the `receiver` metric label. */
  receiverId: string;
  config: Pick<
    OtlpHttpReceiverConfig,
    'maxRequestBytes' | 'maxBodyBytes' | 'maxConcurrentRequests' | 'ackTimeoutMs' | 'retryAfterSeconds'
  >;
  next: Consumer;
  decode: DecodeOtlp;
  logger: Logger;
  metrics: SelfMetrics;
  /** True once the receiver is shutting down: new requests are then answered 503. */
  isShuttingDown: () => boolean;
}

const signalByPath: Record<string, Signal | undefined> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

/** How long a refused, still-uploading client may go on sending before its connection is cut. */
const LINGER_MS = 1000;
/** At most one log line per this interval for unexpected errors, however many requests fail. */
const UNEXPECTED_LOG_INTERVAL_MS = 10_000;

/** Maps a Content-Type header to an OTLP format, ignoring parameters such as charset. */
export function parseContentType(header: string | undefined): OtlpFormat | undefined {
  const mediaType = (header ?? '').split(';', 1)[0].trim().toLowerCase();
  if (mediaType === contentTypeOf.protobuf) return 'protobuf';
  if (mediaType === contentTypeOf.json) return 'json';
  return undefined;
}

/** Builds the handler. It never throws and never rejects: every failure becomes a response. */
export function createOtlpIngestHandler(options: OtlpIngestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { receiverId: receiver, config, next, decode, logger, metrics, isShuttingDown } = options;
  let active = 0;
  let lastUnexpectedLogAt = -Infinity;
  let unexpectedSuppressed = 0;

  const logUnexpected = (err: unknown) => {
    const now = Date.now();
    if (now - lastUnexpectedLogAt < UNEXPECTED_LOG_INTERVAL_MS) {
      unexpectedSuppressed++;
      return;
    }
    logger.error('unexpected error while handling an OTLP request; answered 500', {
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      suppressedSinceLastLog: unexpectedSuppressed,
    });
    lastUnexpectedLogAt = now;
    unexpectedSuppressed = 0;
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    signalLabel: string,
    format: OtlpFormat,
    status: number,
    body: Buffer,
    headers: Record<string, string> = {},
  ) => {
    metrics.requests.inc({ receiver, signal: signalLabel, status: String(status) });
    if (res.headersSent || res.destroyed) return;
    if (!req.complete) {
      // Answered before the body was read: discard the rest for a moment so the client can
      // read this answer (closing at once could reset it), then cut the upload short.
      req.resume();
      res.once('finish', () => {
        setTimeout(() => {
          if (!req.complete) req.socket.destroy();
        }, LINGER_MS).unref();
      });
    }
    res.writeHead(status, {
      ...headers,
      'Content-Type': contentTypeOf[format],
      'Content-Length': String(body.length),
    });
    res.end(body);
  };

  const sendError = (
    req: IncomingMessage,
    res: ServerResponse,
    signalLabel: string,
    format: OtlpFormat,
    err: HermesError,
    refusedItems: number,
    headers: Record<string, string> = {},
  ) => {
    metrics.itemsRefused.inc({ receiver, signal: signalLabel, reason: err.code }, refusedItems);
    if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
    send(req, res, signalLabel, format, err.httpStatus, statusBody(format, err.grpcCode, err.message), headers);
  };

  const asHermesError = (err: unknown): HermesError => {
    if (isHermesError(err)) return err;
    logUnexpected(err);
    return new HermesError('HERMES_ERR_INTERNAL');
  };

  /**
   * Waits for `next` up to ackTimeoutMs. Resolves `{ pending }` with the unsettled consume
   * promise on timeout (wrapped: an async function would adopt and await a bare promise).
   */
  const consumeWithin = async (result: DecodeResult): Promise<{ pending?: Promise<void> }> => {
    // Promise.resolve().then turns a consumer that throws synchronously into a rejection.
    const consumed = Promise.resolve().then(() => next.consume(result.batch));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      // Unref'd: after shutdown cut the connection, this wait must not keep the process alive.
      timer = setTimeout(() => resolve('timeout'), config.ackTimeoutMs).unref();
    });
    try {
      const outcome = await Promise.race([consumed, timedOut]);
      return outcome === 'timeout' ? { pending: consumed } : {};
    } finally {
      clearTimeout(timer);
    }
  };

  const ingest = async (req: IncomingMessage, res: ServerResponse, signal: Signal, format: OtlpFormat) => {
    let result: DecodeResult | undefined;
    try {
      const encoding = parseContentEncoding(req.headers['content-encoding']);
      const wire = await readBody(req, config.maxRequestBytes);
      const body = await decompressBody(wire, encoding, config.maxBodyBytes);
      result = decode(signal, format, body);
      if (result.rejected > 0) {
        metrics.itemsRefused.inc({ receiver, signal, reason: 'HERMES_ERR_BAD_REQUEST' }, result.rejected);
      }
      if (result.accepted > 0) {
        const { pending } = await consumeWithin(result);
        if (pending) {
          const err = new HermesError(
            'HERMES_ERR_UNAVAILABLE',
            `the pipeline did not take the batch within ackTimeoutMs (${config.ackTimeoutMs} ms)`,
            { retryAfterSeconds: config.retryAfterSeconds },
          );
          sendError(req, res, signal, format, err, result.accepted);
          // Hold the concurrency slot until the consumer settles, so a stuck pipeline
          // cannot pile up unbounded abandoned batches behind 503 answers.
          await pending.catch(() => undefined);
          return;
        }
        metrics.itemsReceived.inc({ receiver, signal }, result.accepted);
      }
      const body200 = exportResponseBody(signal, format, result.rejected, result.rejectedMessage);
      send(req, res, signal, format, 200, body200);
    } catch (err) {
      if (err instanceof ClientAbortedError) {
        metrics.requests.inc({ receiver, signal, status: 'aborted' });
        return;
      }
      sendError(req, res, signal, format, asHermesError(err), result?.accepted || 1);
    }
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const signal = signalByPath[path];
    const requestFormat = parseContentType(req.headers['content-type']);
    // Errors go back in the request's format, or JSON when that format is not one we speak.
    const format = requestFormat ?? 'json';
    if (!signal) {
      sendError(req, res, 'unknown', format, new HermesError('HERMES_ERR_NOT_FOUND', `${path}; OTLP/HTTP paths are ${Object.keys(signalByPath).join(', ')}`), 1);
      return;
    }
    if (req.method !== 'POST') {
      sendError(req, res, signal, format, new HermesError('HERMES_ERR_METHOD_NOT_ALLOWED', `${req.method} ${path}; use POST`), 1, { Allow: 'POST' });
      return;
    }
    const retryAfterSeconds = config.retryAfterSeconds;
    if (isShuttingDown()) {
      sendError(req, res, signal, format, new HermesError('HERMES_ERR_SHUTTING_DOWN', undefined, { retryAfterSeconds }), 1);
      return;
    }
    if (active >= config.maxConcurrentRequests) {
      const detail = `more than maxConcurrentRequests (${config.maxConcurrentRequests}) requests in progress`;
      sendError(req, res, signal, format, new HermesError('HERMES_ERR_OVERLOADED', detail, { retryAfterSeconds }), 1);
      return;
    }
    if (!requestFormat) {
      const detail = `"${req.headers['content-type'] ?? ''}"; use ${contentTypeOf.protobuf} or ${contentTypeOf.json}`;
      sendError(req, res, signal, 'json', new HermesError('HERMES_ERR_UNSUPPORTED_MEDIA_TYPE', detail), 1);
      return;
    }
    active++;
    ingest(req, res, signal, requestFormat)
      .catch(logUnexpected)
      .finally(() => {
        active--;
      });
  };
}
