/**
 * Reads an HTTP request body under a byte limit. Not a generic body parser: it never
 * buffers more than the limit allows, and says so before reading when Content-Length does.
 */
import type { IncomingMessage } from 'node:http';
import { tooLarge } from '../../pipeline/compression';
import { ClientAbortedError } from '../../pipeline/ingest';

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
