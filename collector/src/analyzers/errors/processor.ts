/**
 * The errors processor (type `errors`): sits between receiver and exporter, forwards every
 * batch unchanged, and turns each reported exception into one `error_occurrences` record
 * (docs/schema.md "Errors") that the same consumer stores. Issues are computed from those
 * records at query time (issues.ts), so replicas need no shared state.
 */
import { z } from 'zod';
import { join } from 'node:path';
import type { HermesRecord, TelemetryBatch } from '../../model/telemetry';
import type { ComponentFactory, ComponentSettings, Consumer, Lifecycle, Receipt } from '../../pipeline/component';
import { errorGroupingConfigSchema, toInAppOptions } from './config';
import { extractExceptions, type ExceptionReport } from './extract';
import { FINGERPRINT_ATTRIBUTE, fingerprint } from './fingerprint';
import { parseStackTrace } from './parse';
import { SourceMapStore } from './sourcemaps';
import type { Frame, InAppOptions, ParsedException, ParsedStack } from './types';

export const ERROR_OCCURRENCES_MEASUREMENT = 'error_occurrences';
export const ERROR_RESOLUTIONS_MEASUREMENT = 'error_resolutions';

const MIB = 1024 * 1024;

export const errorsProcessorConfigSchema = z
  .object({
    /** Off: the processor is left out of every pipeline and the /api/errors routes are not mounted. */
    enabled: z.boolean().default(true).describe('Off: the errors processor is left out of every pipeline and the /api/errors routes are not mounted.'),
    grouping: errorGroupingConfigSchema.prefault({}),
    /** Frames kept per exception in the stored `frames`/`chain` JSON (innermost first). */
    maxStoredFrames: z.number().int().min(1).max(1000).default(64).describe('Frames kept per exception in the stored `frames`/`chain` JSON (innermost first).'),
    /** Exceptions kept in the stored `chain` (the reported one included). */
    maxStoredChain: z.number().int().min(1).max(100).default(10).describe('Exceptions kept in the stored `chain` (the reported one included).'),
    sourceMaps: z
      .object({
        /** Resolve minified JavaScript frames through maps uploaded to POST /api/sourcemaps. Maps are never fetched from the network. */
        enabled: z.boolean().default(true).describe('Resolve minified JavaScript frames through maps uploaded to POST /api/sourcemaps. Maps are never fetched from the network.'),
        maxUploadBytes: z.number().int().min(1).max(256 * MIB).default(16 * MIB).describe('Largest source map accepted by POST /api/sourcemaps.'),
        maxCachedMaps: z.number().int().min(1).max(10_000).default(64).describe('Parsed source maps kept in memory.'),
        /** How long "which files have maps" is cached per app + release (uploads to this replica refresh it at once). */
        listingTtlMs: z.number().int().min(0).default(5_000).describe('How long "which files have maps" is cached per app + release (uploads to this replica refresh it at once).'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ErrorsProcessorConfig = z.output<typeof errorsProcessorConfigSchema>;

/** One stored frame: the parsed frame, plus what the runtime printed when a source map resolved it. */
type StoredFrame = Frame & { minified?: unknown };

const NS_PER_SECOND = 1_000_000_000n;

export class ErrorsProcessor implements Consumer, Lifecycle {
  private readonly options: InAppOptions;

  /**
   * `sourceMaps`: the uploaded maps frames are resolved with (absent: none are); the
   * factory opens them under the collector's data folder when config.sourceMaps.enabled.
   */
  constructor(
    private readonly settings: ComponentSettings,
    private readonly config: ErrorsProcessorConfig,
    private readonly next: Consumer,
    readonly sourceMaps?: SourceMapStore,
  ) {
    this.options = toInAppOptions(config.grouping);
  }

  async start(): Promise<void> {}

  /** Nothing to flush: records are handed on within `consume`. */
  async shutdown(): Promise<void> {}

  /**
   * Forwards `batch` and, when it reports exceptions, their occurrence records. Resolves
   * once the next stage took both, with the batch's receipt (occurrences are derived, not
   * the sender's items); batches without exceptions cost one scan.
   */
  consume(batch: TelemetryBatch): Promise<Receipt> {
    const reports = extractExceptions(batch);
    if (reports.length === 0) return this.next.consume(batch);
    return this.consumeWithExceptions(batch, reports);
  }

  private async consumeWithExceptions(batch: TelemetryBatch, reports: readonly ExceptionReport[]): Promise<Receipt> {
    const forwarded = this.next.consume(batch);
    // Handled now, awaited below: a rejection during the analysis must not count as unhandled (which ends the process).
    forwarded.catch(() => {});
    let records: HermesRecord[] = [];
    try {
      records = await this.toRecords(reports);
    } catch (err) {
      // Parsing never throws by contract; this guards the pipeline against a bug, not bad input.
      this.settings.logger.error('errors analysis failed; batch forwarded without occurrences', { error: (err as Error).message });
    }
    const [receipt, derived] = await Promise.all([forwarded, records.length > 0 ? this.next.consume({ signal: 'records', records }) : undefined]);
    if (derived !== undefined && derived.refusedItems > 0) {
      this.settings.logger.warn('error occurrences refused by storage', { refused: derived.refusedItems, refusal: derived.refusal });
    }
    return receipt;
  }

  /** One record per report (exported for tests through the processor's public API only). */
  async toRecords(reports: readonly ExceptionReport[]): Promise<HermesRecord[]> {
    const ordinals = new Map<string, number>();
    const records: HermesRecord[] = [];
    for (const report of reports) {
      const { resource } = report;
      let stack = parseStackTrace(report.stacktrace, { language: resource.language }, this.options);
      if (this.sourceMaps) {
        const resolved = await this.sourceMaps.resolveStack(resource.service, resource.version, stack, this.options);
        if (resolved !== stack) {
          const count = resolved.chain.reduce((n, exc) => n + exc.frames.filter((f) => (f as StoredFrame).minified !== undefined).length, 0);
          this.settings.metrics.sourceMapFramesResolved.inc({ processor: this.settings.id }, count);
          stack = resolved;
        }
      }
      const attributes = report.fingerprintOverride === undefined ? undefined : { [FINGERPRINT_ATTRIBUTE]: report.fingerprintOverride };
      const group = fingerprint({ type: report.type, message: report.message, stack, attributes }, this.options);
      const traced = report.traceId !== '' && report.spanId !== '';
      // The same exception reported as span event and as log record must become the same
      // point: same series, same time, same identity. Their timestamps differ by the time
      // between the two SDK calls, so traced occurrences are stored at the whole second.
      const timeUnixNano = traced ? (report.timeUnixNano / NS_PER_SECOND) * NS_PER_SECOND : report.timeUnixNano;
      const base = traced ? `${report.traceId}:${report.spanId}:${group.fingerprint}` : `${group.fingerprint}:${report.timeUnixNano}`;
      // Repeats of one group within one span (a retry loop) stay distinct, in report order.
      const ordinal = ordinals.get(base) ?? 0;
      ordinals.set(base, ordinal + 1);
      const first = stack.chain[0];
      const fields: HermesRecord['fields'] = {
        type: report.type || first?.type || '',
        title: group.title,
        message: report.message || first?.message || '',
        culprit: group.culprit,
        runtime: stack.runtime,
        frames: JSON.stringify(this.frames(framesOf(stack))),
        chain: JSON.stringify(this.chain(stack)),
        fingerprint_version: group.version,
        occurred_at_unix_ms: Number(report.timeUnixNano / 1_000_000n),
      };
      if (traced) {
        fields.trace_id = report.traceId;
        fields.span_id = report.spanId;
      }
      if (stack.runtime === 'unknown' && stack.raw !== '') fields.stacktrace = stack.raw;
      records.push({
        measurement: ERROR_OCCURRENCES_MEASUREMENT,
        tags: { service: resource.service, environment: resource.environment, version: resource.version, fingerprint: group.fingerprint },
        fields,
        timeUnixNano,
        identity: `${base}:${ordinal}`,
      });
    }
    for (const record of records) this.settings.metrics.errorOccurrences.inc({ processor: this.settings.id, runtime: String(record.fields.runtime) });
    return records;
  }

  private frames(frames: readonly Frame[]): StoredFrame[] {
    return frames.slice(0, this.config.maxStoredFrames);
  }

  /** The chain as stored: every exception with its (capped) frames, the reported one first. */
  private chain(stack: ParsedStack): { type: string; message: string; relation?: ParsedException['relation']; frames: StoredFrame[] }[] {
    return stack.chain.slice(0, this.config.maxStoredChain).map((exc) => ({
      type: exc.type,
      message: exc.message.length > 2048 ? exc.message.slice(0, 2048) : exc.message,
      ...(exc.relation === undefined ? {} : { relation: exc.relation }),
      frames: this.frames(exc.frames),
    }));
  }
}

/** The frames an issue is shown with: those of the first exception in the chain that has any (as grouping uses). */
function framesOf(stack: ParsedStack): readonly Frame[] {
  return stack.chain.find((exc) => exc.frames.length > 0)?.frames ?? [];
}

export const errorsProcessorFactory: ComponentFactory<ErrorsProcessorConfig, ErrorsProcessor> = {
  type: 'errors',
  configSchema: errorsProcessorConfigSchema,
  create: (settings, config, next) => {
    const maps = config.sourceMaps;
    const sourceMaps = maps.enabled
      ? new SourceMapStore({
          dir: join(settings.host.dataDir, 'sourcemaps'),
          maxMapBytes: maps.maxUploadBytes,
          maxCachedMaps: maps.maxCachedMaps,
          listingTtlMs: maps.listingTtlMs,
        })
      : undefined;
    return new ErrorsProcessor(settings, config, next, sourceMaps);
  },
};
