/**
 * The InfluxDB exporter: the pipeline's last stage. It encodes batches into hermes schema
 * line protocol and writes them through the storage module's bounded writer, resolving each
 * batch once InfluxDB acknowledged all of it or refused some of it for good (the receipt
 * counts those, so the sender hears of them as partial success).
 */
import type { TelemetryBatch } from '../../model/telemetry';
import { TAKEN, type ComponentFactory, type ComponentSettings, type Consumer, type Lifecycle, type Receipt } from '../../pipeline/component';
import { HermesError } from '../../pipeline/errors';
import type { BatchEncoder, InfluxStorage, InfluxWriter } from '../../storage/influxdb';
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

  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: InfluxdbExporterConfig,
  ) {
    this.storage = settings.host.storage;
    this.exporterLabel = { exporter: settings.id };
    this.encoder = this.storage.createEncoder();
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
      onPendingChange: (points) => metrics.queuePoints.set(label, points),
    });
  }

  /**
   * Creates database and retention policy when missing. Never fails start-up: when
   * InfluxDB is unreachable it keeps trying in the background and reports not ready.
   */
  async start(): Promise<void> {
    await this.setupOnce(0);
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
    if (pending >= this.config.maxQueuePoints) throw this.overloaded(pending);
    const encoded = this.encoder.encode(batch);
    const { metrics } = this.settings;
    const label = this.exporterLabel;
    if (encoded.nonFiniteFields > 0) metrics.pointsDropped.inc({ ...label, reason: 'non_finite_field' }, encoded.nonFiniteFields);
    if (encoded.truncatedFields > 0) metrics.pointsDropped.inc({ ...label, reason: 'string_truncated' }, encoded.truncatedFields);
    if (encoded.emptyItems > 0) metrics.pointsDropped.inc({ ...label, reason: 'no_value' }, encoded.emptyItems);
    const empty: Receipt = encoded.emptyItems > 0 ? { refusedItems: encoded.emptyItems, refusal: `${encoded.emptyItems} data points had no finite value` } : TAKEN;
    const lines = encoded.lines;
    if (lines.length === 0) return empty;
    // A batch larger than the whole queue is still taken when the queue is empty, or it could never pass.
    if (pending > 0 && pending + lines.length > this.config.maxQueuePoints) throw this.overloaded(pending);
    const written = await this.writer.enqueue(lines);
    if (written.refusedLines === 0) return empty;
    // Exemplar lines are not sent items: never count more refusals than item lines.
    const refused = Math.min(written.refusedLines, encoded.itemLines);
    return {
      refusedItems: empty.refusedItems + refused,
      refusal: `influxdb refused ${refused} of ${encoded.itemLines} items: ${written.refusal}`,
    };
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

  /** Stops intake, flushes the queue, and gives up at `deadline` (epoch ms), counting what was lost. */
  shutdown(deadline: number): Promise<void> {
    this.shutdownDone ??= (async () => {
      this.stopping = true;
      if (this.setupTimer) clearTimeout(this.setupTimer);
      await this.writer.drain(deadline);
    })();
    return this.shutdownDone;
  }
}

export const influxdbExporterFactory: ComponentFactory<InfluxdbExporterConfig, InfluxdbExporter, void> = {
  type: 'influxdb',
  configSchema: influxdbExporterConfigSchema,
  create: (settings, config) => new InfluxdbExporter(settings, config),
};
