/**
 * Batch → hermes schema line protocol: dispatches to one encoder per signal. Runs
 * synchronously on the exporter's hot path; fragments shared by many items (a resource's
 * tags and fields, a scope's fields, attribute keys) are encoded once.
 */
import type { TelemetryBatch } from '../../../model/telemetry';
import { EncodeContext, type EncodedBatch } from './context';
import { LogEncoder } from './logs';
import { MetricEncoder } from './metrics';
import { encodeRecords } from './records';
import { SpanEncoder } from './spans';

export type { EncodedBatch } from './context';

export interface EncoderOptions {
  /** Span/log attribute keys stored as tags instead of fields. */
  tagAttributes: readonly string[];
  /** How long the retention policy keeps points, in ns; undefined: forever. Older items are refused. */
  retentionNs?: bigint;
  nowMs?: () => number;
}

/** One per exporter; holds only caches and the current batch. Not re-entrant. */
export class BatchEncoder {
  private readonly ctx = new EncodeContext();
  private readonly spans: SpanEncoder;
  private readonly logs: LogEncoder;
  private readonly metrics = new MetricEncoder();

  constructor(private readonly options: EncoderOptions) {
    this.spans = new SpanEncoder(options.tagAttributes);
    this.logs = new LogEncoder(options.tagAttributes);
  }

  encode(batch: TelemetryBatch): EncodedBatch {
    const ctx = this.ctx;
    const { retentionNs, nowMs = Date.now } = this.options;
    const now = nowMs();
    ctx.reset(retentionNs === undefined ? 0n : BigInt(now) * 1_000_000n - retentionNs);
    if (batch.signal === 'traces') this.spans.encode(ctx, batch, now);
    else if (batch.signal === 'logs') this.logs.encode(ctx, batch, now);
    else if (batch.signal === 'metrics') this.metrics.encode(ctx, batch, now);
    else encodeRecords(ctx, batch);
    return ctx.finish();
  }
}
