/**
 * The InfluxDB exporter: the pipeline's last stage. It encodes batches into hermes schema
 * line protocol (point identity settled there, so the bytes are final) and either
 * - publishes them to the write queue (the write-ahead log) and resolves once they are safe
 *   there, while its drain loop takes queued entries in order and writes them through the
 *   storage module's writer, marking each done once InfluxDB answered; or
 * - without a queue, writes them straight through and resolves once InfluxDB answered.
 * The receipt counts items refused for good, so the sender hears of them as partial success.
 */
import type { TelemetryBatch } from '../../model/telemetry';
import { TAKEN, type ComponentFactory, type ComponentSettings, type Consumer, type Lifecycle, type Receipt } from '../../pipeline/component';
import { HermesError } from '../../pipeline/errors';
import type { WriteQueue } from '../../queue';
import type { BatchEncoder, EncodedBatch, InfluxStorage, InfluxWriter } from '../../storage/influxdb';
import { influxdbExporterConfigSchema, type InfluxdbExporterConfig } from './config';

/** Readiness as reported on GET /readyz. */
export interface ExporterHealth {
  ready: boolean;
  reason: string;
}

export class InfluxdbExporter implements Consumer, Lifecycle {
  private readonly storage: InfluxStorage;
  private readonly encoder: BatchEncoder;
  private readonly writer: InfluxWriter;
  private readonly exporterLabel: { exporter: string };
  private stopping = false;
  private shutdownDone: Promise<void> | undefined;
  private databaseReady = false;
  private setupError = 'not started';
  private setupTimer: NodeJS.Timeout | undefined;
  private readonly queue: WriteQueue | undefined;
  private draining: Promise<void> | undefined;
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: InfluxdbExporterConfig,
  ) {
    this.storage = settings.host.storage;
    this.exporterLabel = { exporter: settings.id };
    this.encoder = this.storage.createEncoder();
    this.queue = settings.host.queue;
    const { metrics } = settings;
    const label = this.exporterLabel;
    this.writer = this.storage.createWriter({
      batchMaxPoints: config.batchMaxPoints,
      flushIntervalMs: config.flushIntervalMs,
      maxConcurrentWrites: config.maxConcurrentWrites,
      initialBackoffMs: config.retry.initialBackoffMs,
      maxBackoffMs: config.retry.maxBackoffMs,
      logger: settings.logger,
      onWritten: (points) => metrics.pointsWritten.inc(label, points),
      onDropped: (points, reason) => metrics.pointsDropped.inc({ ...label, reason }, points),
      onWriteDone: (seconds, outcome) => metrics.writeDuration.observe({ ...label, outcome }, seconds),
      onPendingChange: (points) => {
        metrics.queuePoints.set(label, points);
        if (points < this.maxWriterPoints()) for (const wake of this.roomWaiters.splice(0)) wake();
      },
    });
  }

  /** Points handed to the writer at once while draining the queue: enough to keep every write slot busy. */
  private maxWriterPoints(): number {
    return this.config.batchMaxPoints * this.config.maxConcurrentWrites * 2;
  }

  /**
   * Creates database and retention policy when missing. Never fails start-up: when
   * InfluxDB is unreachable it keeps trying in the background and reports not ready.
   */
  async start(): Promise<void> {
    await this.setupOnce(0);
    if (this.queue) this.draining = this.drain(this.queue);
  }

  /**
   * Takes queued entries in order and writes them; an entry is done once InfluxDB answered
   * for every line of it (stored, or refused for good and counted by the writer). What is
   * not written by the shutdown deadline stays in the queue for the next start.
   */
  private async drain(queue: WriteQueue): Promise<void> {
    for (;;) {
      while (this.writer.pendingPoints >= this.maxWriterPoints()) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
      const entries = await queue.take(this.config.batchMaxPoints);
      if (entries.length === 0) return;
      for (const entry of entries) {
        // The bytes the log holds go to InfluxDB as they are; the writer batches entries together.
        // Points InfluxDB refuses for good are counted and logged by the writer: their senders
        // were acknowledged when the entry reached the log (docs/architecture.md).
        this.writer.enqueue(entry.payload, entry.lines).then(
          () => queue.done([entry]),
          // The shutdown deadline came first: the entry stays in the queue for the next start.
          () => undefined,
        );
      }
    }
  }

  private async setupOnce(failures: number): Promise<void> {
    if (this.stopping) return;
    try {
      await this.storage.ensureDatabase();
      this.databaseReady = true;
      this.setupError = '';
    } catch (err) {
      this.setupError = `influxdb setup failed: ${err instanceof Error ? err.message : String(err)}`;
      if (failures === 0) this.settings.logger.warn('influxdb not ready; retrying in the background', { error: this.setupError });
      const { initialBackoffMs, maxBackoffMs } = this.config.retry;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(failures, 30));
      this.setupTimer = setTimeout(() => void this.setupOnce(failures + 1), delay);
      this.setupTimer.unref();
    }
  }

  /**
   * Encodes and queues a batch. Resolves when InfluxDB acknowledged every line or refused
   * some for good (counted in the receipt, not retried). Rejects with
   * HERMES_ERR_OVERLOADED / HERMES_ERR_UNAVAILABLE when the queue is full and with
   * HERMES_ERR_SHUTTING_DOWN after shutdown began.
   */
  async consume(batch: TelemetryBatch): Promise<Receipt> {
    if (this.stopping) throw new HermesError('HERMES_ERR_SHUTTING_DOWN');
    const pending = this.writer.pendingPoints;
    if (!this.queue && pending >= this.config.maxQueuePoints) throw this.overloaded(pending);
    const encoded = this.encoder.encode(batch);
    const empty = this.encodingReceipt(encoded);
    const lines = encoded.lines;
    if (lines.length === 0) return empty;
    // Encoded once into bytes: the same bytes go to the log and from there, or straight, to InfluxDB.
    const bytes = Buffer.from(lines.join(''), 'utf8');
    if (this.queue) {
      const { written } = await this.queue.publish(bytes, lines.length);
      return { ...empty, written };
    }
    // A batch larger than the whole queue is still taken when the queue is empty, or it could never pass.
    if (pending > 0 && pending + lines.length > this.config.maxQueuePoints) throw this.overloaded(pending);
    const written = await this.writer.enqueue(bytes, lines.length);
    if (written.refusedLines === 0) return empty;
    // Exemplar lines are not sent items: never count more refusals than item lines.
    const refused = Math.min(written.refusedLines, encoded.itemLines);
    return {
      refusedItems: empty.refusedItems + refused,
      refusal: `influxdb refused ${refused} of ${encoded.itemLines} items: ${written.refusal}`,
    };
  }

  /** Counts what encoding lost; items it refused (no value, past retention) make the receipt. */
  private encodingReceipt(encoded: EncodedBatch): Receipt {
    const { metrics } = this.settings;
    const label = this.exporterLabel;
    if (encoded.nonFiniteFields > 0) metrics.pointsDropped.inc({ ...label, reason: 'non_finite_field' }, encoded.nonFiniteFields);
    if (encoded.truncatedFields > 0) metrics.pointsDropped.inc({ ...label, reason: 'string_truncated' }, encoded.truncatedFields);
    if (encoded.emptyItems > 0) metrics.pointsDropped.inc({ ...label, reason: 'no_value' }, encoded.emptyItems);
    if (encoded.expiredItems > 0) metrics.pointsDropped.inc({ ...label, reason: 'beyond_retention' }, encoded.expiredItems);
    const reasons: string[] = [];
    if (encoded.emptyItems > 0) reasons.push(`${encoded.emptyItems} data points had no finite value`);
    if (encoded.expiredItems > 0) reasons.push(`${encoded.expiredItems} items are older than the retention policy keeps (${this.storage.config.retentionDuration})`);
    return reasons.length === 0 ? TAKEN : { refusedItems: encoded.emptyItems + encoded.expiredItems, refusal: reasons.join('; ') };
  }

  private overloaded(pending: number): HermesError {
    if (this.writer.failing || !this.databaseReady) {
      const retryAfterSeconds = Math.max(1, Math.ceil(this.config.retry.maxBackoffMs / 1000));
      return new HermesError('HERMES_ERR_UNAVAILABLE', `influxdb is failing (${this.writer.lastError || this.setupError})`, { retryAfterSeconds });
    }
    return new HermesError('HERMES_ERR_OVERLOADED', `${pending} points waiting for influxdb`, { retryAfterSeconds: 1 });
  }

  /** Ready when the database is set up and the latest write did not fail. */
  health(): ExporterHealth {
    if (this.stopping) return { ready: false, reason: 'shutting down' };
    if (!this.databaseReady) return { ready: false, reason: this.setupError };
    if (this.writer.failing) return { ready: false, reason: `influxdb writes failing: ${this.writer.lastError}` };
    return { ready: true, reason: 'ok' };
  }

  /**
   * Stops intake and writes what is queued until `deadline` (epoch ms). Without a queue what
   * is unwritten then is lost and counted (its senders were not acknowledged); with the
   * write-ahead log it stays there for the next start.
   */
  shutdown(deadline: number): Promise<void> {
    this.shutdownDone ??= (async () => {
      this.stopping = true;
      if (this.setupTimer) clearTimeout(this.setupTimer);
      const queue = this.queue;
      if (queue) {
        await untilDeadline(queue.drained(), deadline);
        queue.stopTaking();
        for (const wake of this.roomWaiters.splice(0)) wake();
        await this.draining;
      }
      await this.writer.drain(deadline);
      if (queue && queue.pendingEntries > 0) {
        this.settings.logger.warn('stopped with batches still in the write-ahead log; they are written at the next start', { batches: queue.pendingEntries });
      }
    })();
    return this.shutdownDone;
  }
}

export const influxdbExporterFactory: ComponentFactory<InfluxdbExporterConfig, InfluxdbExporter, void> = {
  type: 'influxdb',
  configSchema: influxdbExporterConfigSchema,
  create: (settings, config) => new InfluxdbExporter(settings, config),
};

/** Waits for `promise`, or until `deadline` (epoch ms) passes, whichever comes first. */
async function untilDeadline(promise: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
  await Promise.race([promise, late]);
  clearTimeout(timer);
}
