/**
 * The OTLP/HTTP transport: routes POST /v1/{traces,metrics,logs}, settles the framing
 * (media type, content encoding), hands the request to the ingest service, and writes its
 * result as an OTLP/HTTP response. Policy (limits, admission, decode, acknowledgement)
 * is the ingest service's, not this file's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Signal } from '../../model/telemetry';
import { parseContentEncoding, type ContentEncoding } from '../../pipeline/compression';
import { HermesError } from '../../pipeline/errors';
import type { IngestResult, IngestService } from '../../pipeline/ingest';
import type { SelfMetrics } from '../../pipeline/self-metrics';
import type { OtlpFormat } from '../otlp/decode';
import { readBody } from './body';
import { contentTypeOf, exportResponseBody, statusBody } from './responses';

export interface OtlpHttpHandlerOptions {
  /** Component id, the `receiver` metric label. */
  receiverId: string;
  /** Largest body on the wire, before decompression. */
  maxRequestBytes: number;
  ingest: IngestService;
  metrics: SelfMetrics;
}

const signalByPath: Record<string, Signal | undefined> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

/** How long a refused, still-uploading client may go on sending before its connection is cut. */
const LINGER_MS = 1000;

/** Maps a Content-Type header to an OTLP format, ignoring parameters such as charset. */
export function parseContentType(header: string | undefined): OtlpFormat | undefined {
  const mediaType = (header ?? '').split(';', 1)[0].trim().toLowerCase();
  if (mediaType === contentTypeOf.protobuf) return 'protobuf';
  if (mediaType === contentTypeOf.json) return 'json';
  return undefined;
}

/** Builds the handler. It never throws and never rejects: every failure becomes a response. */
export function createOtlpHttpHandler(options: OtlpHttpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { receiverId: receiver, ingest, metrics } = options;

  const respond = (req: IncomingMessage, res: ServerResponse, signal: Signal | 'unknown', format: OtlpFormat, result: IngestResult, headers: Record<string, string> = {}) => {
    if (result.kind === 'aborted') {
      metrics.requests.inc({ receiver, signal, status: 'aborted' });
      return;
    }
    let status = 200;
    let body: Buffer;
    if (result.kind === 'accepted') {
      // Partial success is still 200: the sender must not retry what was stored.
      body = exportResponseBody(signal as Signal, format, result.refusedItems, result.refusal);
    } else {
      const { error } = result;
      status = error.httpStatus;
      if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
      body = statusBody(format, error.grpcCode, error.message);
    }
    metrics.requests.inc({ receiver, signal, status: String(status) });
    if (res.headersSent || res.destroyed) return;
    if (!req.complete) {
      // Answered before the body was read: discard the rest so the client can read this
      // answer (closing at once could reset it). A body refused for its size is cut short
      // after a moment; one pushed back (429/503) is within the limits, so it is read to its
      // end and the sender sees the Retry-After instead of a reset connection.
      req.resume();
      if (status === 413) {
        res.once('finish', () => {
          setTimeout(() => {
            if (!req.complete) req.socket.destroy();
          }, LINGER_MS).unref();
        });
      }
    }
    res.writeHead(status, { ...headers, 'Content-Type': contentTypeOf[format], 'Content-Length': String(body.length) });
    res.end(body);
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const signal = signalByPath[path];
    const requestFormat = parseContentType(req.headers['content-type']);
    // Errors go back in the request's format, or JSON when that format is not one we speak.
    const format = requestFormat ?? 'json';
    if (!signal) {
      const detail = `${path}; OTLP/HTTP paths are ${Object.keys(signalByPath).join(', ')}`;
      return respond(req, res, 'unknown', format, ingest.refuse('unknown', new HermesError('HERMES_ERR_NO_SUCH_ENDPOINT', detail)));
    }
    if (req.method !== 'POST') {
      const error = new HermesError('HERMES_ERR_METHOD_NOT_ALLOWED', `${req.method} ${path}; use POST`);
      return respond(req, res, signal, format, ingest.refuse(signal, error), { Allow: 'POST' });
    }
    if (!requestFormat) {
      const detail = `"${req.headers['content-type'] ?? ''}"; use ${contentTypeOf.protobuf} or ${contentTypeOf.json}`;
      return respond(req, res, signal, 'json', ingest.refuse(signal, new HermesError('HERMES_ERR_UNSUPPORTED_MEDIA_TYPE', detail)));
    }
    let encoding: ContentEncoding;
    try {
      encoding = parseContentEncoding(req.headers['content-encoding']);
    } catch (err) {
      return respond(req, res, signal, requestFormat, ingest.refuse(signal, err as HermesError));
    }
    const declared = Number(req.headers['content-length']);
    void ingest.ingest(
      {
        signal,
        format: requestFormat,
        encoding,
        declaredBytes: Number.isSafeInteger(declared) && declared > 0 && declared <= options.maxRequestBytes ? declared : undefined,
        read: () => readBody(req, options.maxRequestBytes),
      },
      (result) => respond(req, res, signal, requestFormat, result),
    );
  };
}
