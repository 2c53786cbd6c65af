/**
 * The one catalog of Hermes errors: each code has its message, HTTP status, and gRPC
 * status code (for google.rpc.Status bodies and, later, the gRPC receiver).
 */

/** gRPC status codes used in google.rpc.Status bodies. */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
} as const;

interface CatalogEntry {
  httpStatus: number;
  grpcCode: number;
  message: string;
  /** Whether a sender may retry the same request later. */
  retryable: boolean;
}

export const errorCatalog = {
  /** Any invalid input: an undecodable body, a bad parameter; the detail says which. */
  HERMES_ERR_BAD_REQUEST: {
    httpStatus: 400,
    grpcCode: GrpcCode.INVALID_ARGUMENT,
    message: 'invalid request',
    retryable: false,
  },
  /** The path names no endpoint (or a signal no pipeline takes). */
  HERMES_ERR_NO_SUCH_ENDPOINT: {
    httpStatus: 404,
    grpcCode: GrpcCode.UNIMPLEMENTED,
    message: 'no such endpoint',
    retryable: false,
  },
  /** The endpoint exists; the thing it names (an issue) does not. */
  HERMES_ERR_NOT_FOUND: {
    httpStatus: 404,
    grpcCode: GrpcCode.NOT_FOUND,
    message: 'not found',
    retryable: false,
  },
  HERMES_ERR_METHOD_NOT_ALLOWED: {
    httpStatus: 405,
    grpcCode: GrpcCode.UNIMPLEMENTED,
    message: 'method not allowed',
    retryable: false,
  },
  HERMES_ERR_BODY_TOO_LARGE: {
    httpStatus: 413,
    grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
    message: 'the request body is larger than the limit',
    retryable: false,
  },
  HERMES_ERR_UNSUPPORTED_MEDIA_TYPE: {
    httpStatus: 415,
    grpcCode: GrpcCode.INVALID_ARGUMENT,
    message: 'unsupported content type',
    retryable: false,
  },
  HERMES_ERR_UNSUPPORTED_ENCODING: {
    httpStatus: 415,
    grpcCode: GrpcCode.INVALID_ARGUMENT,
    message: 'unsupported content encoding',
    retryable: false,
  },
  HERMES_ERR_OVERLOADED: {
    httpStatus: 429,
    grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
    message: 'the collector is overloaded; retry later',
    retryable: true,
  },
  HERMES_ERR_UNAVAILABLE: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    message: 'storage is unavailable; retry later',
    retryable: true,
  },
  HERMES_ERR_SHUTTING_DOWN: {
    httpStatus: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    message: 'the collector is shutting down; retry later',
    retryable: true,
  },
  /** InfluxDB refused a write for good (a field type conflict, say); retrying the same write cannot help. */
  HERMES_ERR_STORAGE_REFUSED: {
    httpStatus: 500,
    grpcCode: GrpcCode.INTERNAL,
    message: 'storage refused the write',
    retryable: false,
  },
  HERMES_ERR_INTERNAL: {
    httpStatus: 500,
    grpcCode: GrpcCode.INTERNAL,
    message: 'internal error',
    retryable: false,
  },
  HERMES_ERR_CONFIG: {
    httpStatus: 500,
    grpcCode: GrpcCode.FAILED_PRECONDITION,
    message: 'invalid configuration',
    retryable: false,
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

/** An error from the catalog, with an optional detail and Retry-After hint. */
export class HermesError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly grpcCode: number;
  readonly retryable: boolean;
  /** Seconds a sender should wait before retrying; set for retryable errors. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, detail?: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    const entry: CatalogEntry = errorCatalog[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message, { cause: options.cause });
    this.name = 'HermesError';
    this.code = code;
    this.httpStatus = entry.httpStatus;
    this.grpcCode = entry.grpcCode;
    this.retryable = entry.retryable;
    this.retryAfterSeconds = entry.retryable ? (options.retryAfterSeconds ?? 1) : undefined;
  }
}

export function isHermesError(err: unknown): err is HermesError {
  return err instanceof HermesError;
}
