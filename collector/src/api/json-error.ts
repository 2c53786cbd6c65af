/**
 * The API port's one way to answer an error: `{ code, message }` with the catalog's status and
 * Retry-After when the error is retryable. Routes throw HermesErrors; the app's error handler
 * answers them through here, body-parser failures included.
 */
import type { Response } from 'express';
import { HermesError, isHermesError, type ErrorCode } from '../pipeline/errors';

export function sendJsonError(res: Response, err: HermesError): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  res.status(err.httpStatus).json({ code: err.code, message: err.message });
}

/** body-parser's failure types, as catalog codes. */
const bodyParserCodes: Record<string, ErrorCode> = {
  'entity.too.large': 'HERMES_ERR_BODY_TOO_LARGE',
  'entity.parse.failed': 'HERMES_ERR_BAD_REQUEST',
  'encoding.unsupported': 'HERMES_ERR_UNSUPPORTED_ENCODING',
  'charset.unsupported': 'HERMES_ERR_UNSUPPORTED_MEDIA_TYPE',
};

/** The HermesError an error thrown in a route stands for, or undefined when it is unexpected (a bug). */
export function asHermesError(err: unknown): HermesError | undefined {
  if (isHermesError(err)) return err;
  const type = (err as { type?: unknown } | null)?.type;
  const code = typeof type === 'string' ? bodyParserCodes[type] : undefined;
  return code === undefined ? undefined : new HermesError(code, (err as Error).message);
}
