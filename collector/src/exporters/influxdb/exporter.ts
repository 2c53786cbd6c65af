/**
 * The InfluxDB exporter: the pipeline's last stage. It translates batches to hermes
 * schema v1 line protocol, writes them to InfluxDB 1.x through a bounded queue, and
 * resolves each batch once InfluxDB acknowledged (or permanently refused) all of it.
 * Database management goes through the `influx` package; writes do not (too slow).
 */
import { InfluxDB } from 'influx';
import type { TelemetryBatch } from '../../model/telemetry';
import type { ComponentFactory, ComponentSettings, Consumer, Lifecycle } from '../../pipeline/component';
import { HermesError } from '../../pipeline/errors';
import { influxdbExporterConfigSchema, type InfluxdbExporterConfig } from './config';
import { Translator } from './translate';
import { InfluxWriter } from './writer';

/** Readiness as reported on GET /readyz. */
export interface ExporterHealth {
  ready: boolean;
  reason: string;
}

export class InfluxdbExporter implements Consumer, Lifecycle {
  private readonly translator: Translator;
  private readonly writer: InfluxWriter;
  private readonly influx: InfluxDB;
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
    this.exporterLabel = { exporter: settings.id };
    this.translator = new Translator({ tagAttributes: config.tagAttributes });
    const base = new URL(config.url);
    const headers: Record<string, string> = config.token ? { Authorization: `Token ${config.token}` } : {};
    this.influx = new InfluxDB({
      host: base.hostname,
      port: Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
      path: base.pathname.replace(/\/+$/, ''),
      username: config.username,
      password: config.password,
      database: config.database,
      // These request options replace influx's own headers (and its Basic auth), so only with a token.
      options: config.token ? { headers } : undefined,
      pool: { requestTimeout: config.requestTimeoutMs, maxRetries: 0 },
    });
    const { metrics } = settings;
    const label = this.exporterLabel;
    this.writer = new InfluxWriter({
      writeUrl: writeUrl(config),
      headers,
      batchMaxPoints: config.batchMaxPoints,
      flushIntervalMs: config.flushIntervalMs,
      maxConcurrentWrites: config.maxConcurrentWrites,
      requestTimeoutMs: config.requestTimeoutMs,
      initialBackoffMs: config.retry.initialBackoffMs,
      maxBackoffMs: config.retry.maxBackoffMs,
      logger: settings.logger,
      recreateDatabase: () => this.ensureDatabase().then(
        () => true,
        () => false,
      ),
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
      await this.ensureDatabase();
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

  /** Database and DEFAULT retention policy, created when missing (or only checked when createDatabase is off). */
  private async ensureDatabase(): Promise<void> {
    const { database, retentionPolicy, retentionDuration } = this.config;
    if (!this.config.createDatabase) {
      await this.influx.ping(this.config.requestTimeoutMs).then((hosts) => {
        if (!hosts.some((h) => h.online)) throw new Error('influxdb did not answer /ping');
      });
      return;
    }
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(database)) await this.influx.createDatabase(database);
    const policies = await this.influx.showRetentionPolicies(database);
    if (!policies.some((p) => p.name === retentionPolicy)) {
      await this.influx.createRetentionPolicy(retentionPolicy, {
        database,
        duration: retentionDuration,
        replication: 1,
        isDefault: true,
      });
    }
  }

  /**
   * Translates and queues a batch. Resolves when InfluxDB acknowledged every line (or
   * refused some for good: those are counted, not retried). Rejects with
   * HERMES_ERR_OVERLOADED / HERMES_ERR_UNAVAILABLE when the queue is full and with
   * HERMES_ERR_SHUTTING_DOWN after shutdown began.
   */
  consume(batch: TelemetryBatch): Promise<void> {
    if (this.stopping) return Promise.reject(new HermesError('HERMES_ERR_SHUTTING_DOWN'));
    const pending = this.writer.pendingPoints;
    if (pending >= this.config.maxQueuePoints) return Promise.reject(this.overloaded(pending));
    const encoded = this.translator.encode(batch);
    const { metrics } = this.settings;
    if (encoded.nonFiniteFields > 0) metrics.pointsDropped.inc({ ...this.exporterLabel, reason: 'non_finite_field' }, encoded.nonFiniteFields);
    if (encoded.truncatedFields > 0) metrics.pointsDropped.inc({ ...this.exporterLabel, reason: 'string_truncated' }, encoded.truncatedFields);
    if (encoded.emptyItems > 0) metrics.pointsDropped.inc({ ...this.exporterLabel, reason: 'no_value' }, encoded.emptyItems);
    const lines = encoded.lines;
    if (lines.length === 0) return Promise.resolve();
    // A batch larger than the whole queue is still taken when the queue is empty, or it could never pass.
    if (pending > 0 && pending + lines.length > this.config.maxQueuePoints) return Promise.reject(this.overloaded(pending));
    return this.writer.enqueue(lines);
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

/** POST /write URL with db, rp, ns precision and v1 credentials. */
function writeUrl(config: InfluxdbExporterConfig): string {
  const url = new URL(config.url.replace(/\/+$/, '') + '/write');
  url.searchParams.set('db', config.database);
  url.searchParams.set('rp', config.retentionPolicy);
  url.searchParams.set('precision', 'ns');
  if (config.username !== undefined) url.searchParams.set('u', config.username);
  if (config.password !== undefined) url.searchParams.set('p', config.password);
  return url.toString();
}

export const influxdbExporterFactory: ComponentFactory<InfluxdbExporterConfig, InfluxdbExporter, void> = {
  type: 'influxdb',
  configSchema: influxdbExporterConfigSchema,
  create: (settings, config) => new InfluxdbExporter(settings, config),
};
