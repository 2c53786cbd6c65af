/** The write queue's config: which queue, and the write-ahead log's limits. */
import { z } from 'zod';

export const queueConfigSchema = z.strictObject({
  type: z
    .enum(['wal', 'none'])
    .default('wal')
    .describe("'wal': a sender is acknowledged once its batch is on local disk (the write-ahead log under dataDir/wal); 'none': once InfluxDB stored it."),
  maxMiB: z.number().int().min(1).default(1024).describe('Largest the write-ahead log may grow on disk while InfluxDB is slow or away; past it senders get 503 + Retry-After.'),
  segmentMiB: z.number().int().min(1).max(1024).default(64).describe('Size of one log file; written files are deleted whole.'),
  fsync: z.boolean().default(true).describe('fdatasync before acknowledging (one per group of concurrent requests). Off: faster, but a power loss can lose acknowledged data.'),
  memoryCacheMiB: z.number().int().min(0).default(64).describe('Log entries kept in memory for the writer; the rest is read back from disk.'),
  retryAfterSeconds: z.number().int().min(1).default(5).describe('Retry-After when the log is full.'),
});

export type QueueConfig = z.output<typeof queueConfigSchema>;
