/** The InfluxDB exporter's config: how it queues and writes. Where it writes is `storage.influxdb`. */
import { z } from 'zod';

export const influxdbExporterConfigSchema = z.strictObject({
  batchMaxPoints: z.number().int().min(1).default(5000).describe('Most points in one write request.'),
  flushIntervalMs: z.number().int().min(1).default(1000).describe('Longest wait before queued points are written while other writes are in flight.'),
  maxConcurrentWrites: z.number().int().min(1).default(4).describe('Write requests to InfluxDB in flight at once.'),
  maxQueuePoints: z.number().int().min(1).default(500_000).describe('Points waiting for InfluxDB before senders get 429/503 + Retry-After.'),
  retry: z
    .strictObject({
      initialBackoffMs: z.number().int().min(1).default(200).describe('First wait before retrying a failed write; doubles up to maxBackoffMs.'),
      maxBackoffMs: z.number().int().min(1).default(10_000).describe('Longest wait between write retries.'),
    })
    .prefault({}),
});

export type InfluxdbExporterConfig = z.output<typeof influxdbExporterConfigSchema>;
