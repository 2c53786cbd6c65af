/**
 * Request body compression: which encodings Hermes takes, and decompression under a byte
 * limit. A compression bomb is stopped by zlib's `maxOutputLength` instead of being
 * inflated. Shared by every transport whose bodies may arrive compressed.
 */
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { HermesError } from './errors';

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'zstd';

type Inflate = (buf: Uint8Array, options: { maxOutputLength: number }) => Promise<Buffer>;

const gunzip: Inflate = promisify(zlib.gunzip);
const inflate: Inflate = promisify(zlib.inflate);
const inflateRaw: Inflate = promisify(zlib.inflateRaw);
// zstd arrived in Node 22.15 / 23.8; older runtimes answer 415 instead of failing to start.
const zstdDecompress: Inflate | undefined =
  typeof zlib.zstdDecompress === 'function' ? promisify(zlib.zstdDecompress) : undefined;

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
        `"${value}"; supported: ${supportedEncodings().join(', ')}`,
      );
  }
}

/** The encodings this runtime can decode, as error messages name them. */
export function supportedEncodings(): ContentEncoding[] {
  return zstdDecompress ? ['identity', 'gzip', 'deflate', 'zstd'] : ['identity', 'gzip', 'deflate'];
}

export function tooLarge(what: string, limitBytes: number, limitName: string): HermesError {
  return new HermesError('HERMES_ERR_BODY_TOO_LARGE', `${what} exceeds ${limitName} (${limitBytes} bytes)`);
}

async function inflateEither(body: Uint8Array, options: { maxOutputLength: number }): Promise<Buffer> {
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
export async function decompressBody(body: Uint8Array, encoding: ContentEncoding, maxBytes: number): Promise<Buffer> {
  if (encoding === 'identity') {
    if (body.length > maxBytes) throw tooLarge('the request body', maxBytes, 'maxBodyBytes');
    return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
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
