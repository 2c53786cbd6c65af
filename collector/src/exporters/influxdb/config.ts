/** The InfluxDB exporter's config schema: every default lives here. */
import { z } from 'zod';

/** InfluxQL duration literal: `INF`, or units like `7d`, `1h30m` (ns, u, µ, ms, s, m, h, d, w). */
const INFLUXQL_DURATION = /^(?:INF|(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/i;

export const influxdbExporterConfigSchema = z
  .object({
    /** InfluxDB's HTTP API base URL. */
    url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8086'),
    database: z.string().min(1).default('hermes'),
    /** InfluxDB 1.x credentials, sent as `u`/`p`. */
    username: z.string().optional(),
    password: z.string().optional(),
    /** For the v1-compatible API of InfluxDB 2.x/3.x: sent as `Authorization: Token <token>`. */
    token: z.string().optional(),
    /** Create the database and retention policy at start when missing. */
    createDatabase: z.boolean().default(true),
    retentionPolicy: z.string().min(1).default('hermes'),
    retentionDuration: z
      .string()
      .regex(INFLUXQL_DURATION, 'an InfluxQL duration such as 7d, 12h, 1w2d or INF')
      .default('7d'),
    batchMaxPoints: z.number().int().min(1).default(5000),
    flushIntervalMs: z.number().int().min(1).default(1000),
    maxConcurrentWrites: z.number().int().min(1).default(4),
    maxQueuePoints: z.number().int().min(1).default(500_000),
    requestTimeoutMs: z.number().int().min(1).default(10_000),
    retry: z
      .object({
        initialBackoffMs: z.number().int().min(1).default(200),
        maxBackoffMs: z.number().int().min(1).default(10_000),
      })
      .strict()
      .prefault({}),
    /** Span/log attribute keys written as tags (keep them low-cardinality). */
    tagAttributes: z.array(z.string().min(1)).default(['http.request.method', 'http.route']),
  })
  .strict();

export type InfluxdbExporterConfig = z.output<typeof influxdbExporterConfigSchema>;
