/**
 * The two interfaces that join every pipeline piece (consumer and lifecycle) and the
 * factory shape every component is built by.
 */
import type { z } from 'zod';
import type { TelemetryBatch } from '../model/telemetry';
import { HermesError } from './errors';
import type { MemoryGuard } from './memory';
import type { WriteQueue } from '../queue';
import type { InfluxStorage } from '../storage/influxdb';
import type { Logger } from './logger';
import type { SelfMetrics } from './self-metrics';

/** What became of a batch a consumer took (docs/architecture.md, "Acknowledgement"). */
export interface Receipt {
  /** Items of the batch refused for good: they will never be stored. The rest are safe. */
  refusedItems: number;
  /** Why, in words for the sender's partial-success message; '' when nothing was refused. */
  refusal: string;
  /**
   * Present when the batch was acknowledged before storage had it (a write-ahead log):
   * resolves once it is in InfluxDB, for writers that must read their own write.
   */
  written?: Promise<void>;
}

/** The receipt of a batch taken whole. */
export const TAKEN: Receipt = Object.freeze({ refusedItems: 0, refusal: '' });

/**
 * Takes a batch onward. Called by receivers and processors for every accepted batch.
 *
 * The returned promise resolves once the next stage has taken responsibility for the
 * batch (for the InfluxDB exporter: once InfluxDB has acknowledged the write), so a
 * receiver acknowledges its sender only for data that is safe; the receipt counts the
 * items refused for good, which the sender is told as partial success. It rejects with a
 * `HermesError` (overload, unavailable) the receiver maps to a status, and then nothing
 * of the batch is promised. It must not mutate the batch, nor keep references that grow
 * without bound.
 */
export interface Consumer {
  consume(batch: TelemetryBatch): Promise<Receipt>;
}

/** Two receipts of one batch (fan-out): the worse count, the first reason, written when both are. */
export function mergeReceipts(a: Receipt, b: Receipt): Receipt {
  const worse = b.refusedItems > a.refusedItems ? b : a;
  const merged: Receipt = { refusedItems: worse.refusedItems, refusal: worse.refusal || a.refusal || b.refusal };
  if (a.written || b.written) merged.written = Promise.all([a.written, b.written]).then(() => undefined);
  return merged;
}

/**
 * Start and stop. `start` runs once after construction and may fail start-up (bad
 * config seen late, port in use). `shutdown` is idempotent: it stops intake, flushes
 * what was accepted, and returns by `deadline` (epoch ms) even if a flush is unfinished.
 */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(deadline: number): Promise<void>;
}

/** What the collector shares with every component (as the OpenTelemetry Collector's Host). */
export interface ComponentHost {
  /** The one InfluxDB this collector writes to and reads from. */
  storage: InfluxStorage;
  /** Folder for state that must survive a restart (source maps, the write-ahead log). */
  dataDir: string;
  /** Where encoded batches wait for storage (the write-ahead log); absent: written straight through. */
  queue?: WriteQueue;
  /** The memory budget every receiver reserves from; absent: unbounded. */
  memory?: MemoryGuard;
}

/** What every component gets from the host, besides its own config. */
export interface ComponentSettings {
  /** The instance id: the component's type, as named in the config file. */
  id: string;
  logger: Logger;
  metrics: SelfMetrics;
  host: ComponentHost;
}

/**
 * Builds one kind of component. `type` is the lower_snake_case id used in config;
 * `configSchema` validates (and fills defaults for) that component's config section.
 * Receivers and processors are built around the consumer they feed; exporters end a
 * pipeline and get none.
 */
export interface ComponentFactory<Config, Instance extends Lifecycle, Next = Consumer> {
  readonly type: string;
  readonly configSchema: z.ZodType<Config>;
  create(settings: ComponentSettings, config: Config, next: Next): Instance;
}


/**
 * For writes that are one record the caller needs stored and readable (API writes): a
 * refusal is an error to answer with, not a partial success, and it waits for the record
 * to be in InfluxDB (read-your-writes), not only safe in the write-ahead log.
 */
export async function consumeWhole(consumer: Consumer, batch: TelemetryBatch): Promise<void> {
  const receipt = await consumer.consume(batch);
  if (receipt.refusedItems > 0) throw new HermesError('HERMES_ERR_STORAGE_REFUSED', receipt.refusal);
  await receipt.written;
}
