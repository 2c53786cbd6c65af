/** The InfluxDB exporter's config schema: every default lives here. */
import { z } from 'zod';

/** InfluxQL duration literal: `INF`, or units like `7d`, `1h30m` (ns, u, µ, ms, s, m, h, d, w). */
const INFLUXQL_DURATION = /^(?:INF|(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/i;

export const influxdbExporterConfigSchema = z
  .object({
    /** InfluxDB's HTTP API base URL. */
    url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8086').describe('InfluxDB\'s HTTP API base URL.'),
    database: z.string().min(1).default('hermes').describe('Database written to (on 2.x/3.x: a name mapped to a bucket).'),
    /** InfluxDB 1.x credentials, sent as `u`/`p`. */
    username: z.string().optional().describe('InfluxDB 1.x credentials, sent as `u`/`p`.'),
    password: z.string().optional().describe('InfluxDB 1.x password, with username.'),
    /** For the v1-compatible API of InfluxDB 2.x/3.x: sent as `Authorization: Token <token>`. */
    token: z.string().optional().describe('For the v1-compatible API of InfluxDB 2.x/3.x: sent as `Authorization: Token <token>`.'),
    /** Create the database and retention policy at start when missing. */
    createDatabase: z.boolean().default(true).describe('Create the database and retention policy at start when missing.'),
    retentionPolicy: z.string().min(1).default('hermes').describe('Retention policy written to; created as the default one when missing.'),
    retentionDuration: z
      .string()
      .regex(INFLUXQL_DURATION, 'an InfluxQL duration such as 7d, 12h, 1w2d or INF')
      .default('7d')
      .describe('How long InfluxDB keeps data (InfluxQL duration: 7d, 12h, INF).'),
    batchMaxPoints: z.number().int().min(1).default(5000).describe('Most points in one write request.'),
    flushIntervalMs: z.number().int().min(1).default(1000).describe('Longest wait before queued points are written while other writes are in flight.'),
    maxConcurrentWrites: z.number().int().min(1).default(4).describe('Write requests to InfluxDB in flight at once.'),
    maxQueuePoints: z.number().int().min(1).default(500_000).describe('Points waiting for InfluxDB before senders get 429/503 + Retry-After.'),
    requestTimeoutMs: z.number().int().min(1).default(10_000).describe('Timeout of one write request; then it is retried.'),
    retry: z
      .object({
        initialBackoffMs: z.number().int().min(1).default(200).describe('First wait before retrying a failed write; doubles up to maxBackoffMs.'),
        maxBackoffMs: z.number().int().min(1).default(10_000).describe('Longest wait between write retries.'),
      })
      .strict()
      .prefault({}),
    /** Span/log attribute keys written as tags (keep them low-cardinality). */
    tagAttributes: z.array(z.string().min(1)).default(['http.request.method', 'http.route']).describe('Span/log attribute keys written as tags (keep them low-cardinality).'),
  })
  .strict();

export type InfluxdbExporterConfig = z.output<typeof influxdbExporterConfigSchema>;
