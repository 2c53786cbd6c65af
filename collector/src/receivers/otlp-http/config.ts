/** The otlp_http receiver's config: one zod schema holding every default. */
import { z } from 'zod';
import { DEFAULT_BIND_HOST } from '../../config/bind-host';

const MiB = 1024 * 1024;

export const otlpHttpReceiverConfigSchema = z.strictObject({
  /** Interface to listen on; loopback unless the operator opens it up on purpose. */
  host: z.string().min(1).default(DEFAULT_BIND_HOST).describe('Interface to listen on; loopback unless the operator opens it up on purpose.'),
  /** 4318 is the OTLP/HTTP port every SDK defaults to; 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65535).default(4318).describe('4318 is the OTLP/HTTP port every SDK defaults to; 0 picks a free port (tests).'),
  /**
   * Largest body on the wire (before decompression). 16 MiB is four times the 4 MiB
   * that OTLP/gRPC servers accept by default, so batches sized for gRPC always fit.
   */
  maxRequestBytes: z.number().int().positive().default(16 * MiB).describe('Largest request body on the wire, before decompression; larger gets 413.'),
  /**
   * Largest body after decompression. Twice the wire limit because the same batch
   * in OTLP/JSON (hex ids, field names, int64 as strings) is 2-3 times its protobuf size.
   * Worst-case buffered memory is maxConcurrentRequests × (maxRequestBytes + maxBodyBytes).
   */
  maxBodyBytes: z.number().int().positive().default(32 * MiB).describe('Largest body after decompression; a gzip bomb gets 413 without being inflated.'),
  /** Requests in progress at once (reading, decoding or awaiting the pipeline); more get 429. */
  maxConcurrentRequests: z.number().int().positive().default(64).describe('Requests in progress at once (reading, decoding or awaiting the pipeline); more get 429.'),
  /**
   * How long to wait for the pipeline to take a batch before answering 503. Below the
   * 10 s default export timeout of the OpenTelemetry SDKs, so the sender gets a 503 with
   * Retry-After (and backs off) rather than timing out on its side.
   */
  ackTimeoutMs: z.number().int().positive().default(8000).describe('How long a request waits for storage to acknowledge before it is answered 503 + Retry-After.'),
  /**
   * Time to receive a whole request; slower uploads get 408 so they cannot hold a
   * concurrency slot for long. Above the SDKs' 10 s export timeout, so it only cuts
   * clients that have given up or trickle on purpose.
   */
  requestTimeoutMs: z.number().int().positive().default(30_000).describe('A request whose body has not arrived by then gets 408.'),
  /** Retry-After sent with the receiver's own 429 and 503 answers. */
  retryAfterSeconds: z.number().int().positive().default(5).describe('Retry-After sent with the receiver\'s own 429 and 503 answers.'),
});

export type OtlpHttpReceiverConfig = z.infer<typeof otlpHttpReceiverConfigSchema>;
