/**
 * The storage module's front door: one InfluxDB per collector, shared by everything that
 * writes (the exporter) and reads (issues, deployments, later the trace API), so they all
 * agree on where data lives, how to authenticate, and what the schema means.
 */
import type { InfluxStorageConfig } from './config';
import { InfluxAdmin, writeUrl, authHeaders } from './connection';
import { BatchEncoder } from './encode';
import { InfluxQueryClient } from './query';
import { InfluxWriter, type WriterOptions } from './writer';
import { durationNs } from './schema';

/** The writer's own tuning; where it writes and how it authenticates come from the storage. */
export type WriterTuning = Omit<WriterOptions, 'writeUrl' | 'headers' | 'requestTimeoutMs' | 'recreateDatabase'>;

export class InfluxStorage {
  readonly query: InfluxQueryClient;
  private readonly admin: InfluxAdmin;

  constructor(readonly config: Readonly<InfluxStorageConfig>) {
    this.query = new InfluxQueryClient(config);
    this.admin = new InfluxAdmin(config);
  }

  /** Creates database and retention policy when missing (config.createDatabase), else checks InfluxDB answers. */
  ensureDatabase(): Promise<void> {
    return this.admin.ensureDatabase();
  }

  /** A new line-protocol encoder for this storage's schema settings (one per writer: it is not re-entrant). */
  createEncoder(): BatchEncoder {
    return new BatchEncoder({ tagAttributes: this.config.tagAttributes, retentionNs: durationNs(this.config.retentionDuration) });
  }

  createWriter(tuning: WriterTuning): InfluxWriter {
    return new InfluxWriter({
      ...tuning,
      writeUrl: writeUrl(this.config),
      headers: authHeaders(this.config),
      requestTimeoutMs: this.config.requestTimeoutMs,
      recreateDatabase: () => this.ensureDatabase().then(
        () => true,
        () => false,
      ),
    });
  }

  /** Human-readable target, for start-up lines. */
  describe(): string {
    return `${this.config.url} database ${this.config.database}`;
  }
}
