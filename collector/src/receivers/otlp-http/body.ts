/**
 * Reads a request body under a byte limit and decompresses it under a second limit.
 * Not a generic body parser: it never buffers more than the limits allow, and a
 * compression bomb is stopped by zlib's `maxOutputLength` instead of being inflated.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { HermesError } from '../../pipeline/errors';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'zstd';

type Inflate = (buf: Uint8Array, options: { maxOutputLength: number }) => Promise<Buffer>;

const gunzip: Inflate = promisify(zlib.gunzip);
const inflate: Inflate = promisify(zlib.inflate);
const inflateRaw: Inflate = promisify(zlib.inflateRaw);
// zstd arrived in Node 22.15 / 23.8; older runtimes answer 415 instead of failing to start.
const zstdDecompress: Inflate | undefined =
  typeof zlib.zstdDecompress === 'function' ? promisify(zlib.zstdDecompress) : undefined;

/** Thrown when the client went away before the body was complete: there is no one to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super('the client closed the connection before sending the whole body');
    this.name = 'ClientAbortedError';
  }
}

/**
 * Maps a Content-Encoding header to a supported encoding, or throws a 415 HermesError
 * naming what is supported.
 */
export function parseContentEncoding(header: string | undefined): ContentEncoding {
  const value = (header ?? '').trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'zstd':
      if (zstdDecompress) return 'zstd';
      throw new HermesError(
        'HERMES_ERR_UNSUPPORTED_ENCODING',
        `zstd needs Node >= 22.15 (this is ${process.version}); use gzip or deflate`,
      );
    default:
      throw new HermesError(
        'HERMES_ERR_UNSUPPORTED_ENCODING',
        `"${value}"; supported: identity, gzip, deflate${zstdDecompress ? ', zstd' : ''}`,
      );
  }
}

/** The encodings this runtime can decode, for documentation and error messages. */
export function supportedEncodings(): ContentEncoding[] {
  return zstdDecompress ? ['identity', 'gzip', 'deflate', 'zstd'] : ['identity', 'gzip', 'deflate'];
}

function tooLarge(what: string, limitBytes: number, limitName: string): HermesError {
  return new HermesError('HERMES_ERR_BODY_TOO_LARGE', `${what} exceeds ${limitName} (${limitBytes} bytes)`);
}

/**
 * Buffers the body of `req`, refusing it as soon as it is known to exceed `maxBytes`:
 * from Content-Length before reading anything, else while counting chunks (reading
 * stops there). Rejects with `ClientAbortedError` if the client goes away first.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge(`Content-Length ${declared}`, maxBytes, 'maxRequestBytes'));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(tooLarge('the request body', maxBytes, 'maxRequestBytes'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onAbort = () => {
      cleanup();
      reject(new ClientAbortedError());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}


async function inflateEither(body: Buffer, options: { maxOutputLength: number }): Promise<Buffer> {
  try {
    return await inflate(body, options);
  } catch (err) {
    // RFC 9110 says deflate means zlib-wrapped, but some senders send a raw deflate stream.
    // A raw stream fails zlib's header check (Z_DATA_ERROR); other failures are final.
    if ((err as { code?: unknown }).code !== 'Z_DATA_ERROR') throw err;
    return await inflateRaw(body, options);
  }
}

/**
 * Decodes `body` per `encoding`, refusing output beyond `maxBytes` (413) without
 * producing it, and answering corrupt input with 400.
 */
export async function decompressBody(body: Buffer, encoding: ContentEncoding, maxBytes: number): Promise<Buffer> {
  if (encoding === 'identity') {
    if (body.length > maxBytes) throw tooLarge('the request body', maxBytes, 'maxBodyBytes');
    return body;
  }
  const options = { maxOutputLength: maxBytes };
  try {
    switch (encoding) {
      case 'gzip':
        return await gunzip(body, options);
      case 'deflate':
        return await inflateEither(body, options);
      case 'zstd':
        // parseContentEncoding only returns 'zstd' when the runtime has it.
        return await zstdDecompress!(body, options);
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge('the decompressed body', maxBytes, 'maxBodyBytes');
    }
    throw new HermesError('HERMES_ERR_BAD_REQUEST', `the body is not valid ${encoding}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
