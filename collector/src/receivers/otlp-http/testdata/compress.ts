/** Compressing request bodies the way senders do, for the receiver's tests. */
import * as zlib from 'node:zlib';

/** How a body is compressed; a raw deflate stream (no zlib header) is sent as `deflate` too. */
export type Compression = 'gzip' | 'deflate' | 'deflate-raw' | 'zstd';

export function compress(compression: Compression, body: Buffer): Buffer {
  switch (compression) {
    case 'gzip':
      return zlib.gzipSync(body);
    case 'deflate':
      return zlib.deflateSync(body);
    case 'deflate-raw':
      return zlib.deflateRawSync(body);
    case 'zstd':
      return zlib.zstdCompressSync(body);
  }
}

/** The Content-Encoding that names data compressed with `compression`. */
export const contentEncodingOf = (compression: Compression): string => (compression === 'deflate-raw' ? 'deflate' : compression);
