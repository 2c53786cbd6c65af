/** Where and how Hermes stores: the one InfluxDB every writer and reader of a collector uses. */
import { z } from 'zod';

/** InfluxQL duration literal: `INF`, or units like `7d`, `1h30m` (ns, u, µ, ms, s, m, h, d, w). */
const INFLUXQL_DURATION = /^(?:INF|(?:\d+(?:ns|u|µ|ms|s|m|h|d|w))+)$/i;

export const influxStorageConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8086').describe('InfluxDB\'s HTTP API base URL.'),
  database: z.string().min(1).default('hermes').describe('Database written to and read from (on 2.x/3.x: a name mapped to a bucket).'),
  username: z.string().optional().describe('InfluxDB 1.x user, sent as `u`.'),
  password: z.string().optional().describe('InfluxDB 1.x password, sent as `p`.'),
  token: z.string().optional().describe('For the v1-compatible API of InfluxDB 2.x/3.x: sent as `Authorization: Token <token>`.'),
  createDatabase: z.boolean().default(true).describe('Create the database and retention policy at start when missing.'),
  retentionPolicy: z.string().min(1).default('hermes').describe('Retention policy written to and read from; created as the default one when missing.'),
  retentionDuration: z
    .string()
    .regex(INFLUXQL_DURATION, 'an InfluxQL duration such as 7d, 12h, 1w2d or INF')
    .default('7d')
    .describe('How long InfluxDB keeps data (InfluxQL duration: 7d, 12h, INF).'),
  requestTimeoutMs: z.number().int().min(1).default(10_000).describe('Timeout of one write or query request to InfluxDB.'),
  /** Schema policy, so readers know which attributes were stored as tags. */
  tagAttributes: z.array(z.string().min(1)).default(['http.request.method', 'http.route']).describe('Span/log attribute keys stored as tags (keep them low-cardinality).'),
});

export type InfluxStorageConfig = z.output<typeof influxStorageConfigSchema>;
