/**
 * Finds exceptions in decoded OTLP batches: span events named `exception` and log records
 * carrying `exception.*` attributes (OTel semantic conventions). Pure and allocation-free
 * for batches that hold none, because it runs on every ingested batch.
 */
import { anyValueToText, findAttribute } from '../../model/any-value';
import type { AnyValue, KeyValue, LogsBatch, Resource, TelemetryBatch, TracesBatch } from '../../model/telemetry';
import { resourceLabels } from '../../storage/influxdb';
import { FINGERPRINT_ATTRIBUTE } from './fingerprint';

/** The resource facts an occurrence is tagged with (docs/schema.md §2 rules, from the storage schema). */
export interface ExceptionResource {
  service: string;
  environment: string;
  /** `service.version`: the release. */
  version: string;
  /** `telemetry.sdk.language`, the parser hint. */
  language: string;
}

/** One reported exception, before parsing. */
export interface ExceptionReport {
  source: 'span_event' | 'log';
  type: string;
  message: string;
  stacktrace: string;
  /** `hermes.fingerprint` when the reporter set one. */
  fingerprintOverride: string | number | undefined;
  /** Lowercase hex, '' when the report has no trace context. */
  traceId: string;
  spanId: string;
  timeUnixNano: bigint;
  resource: ExceptionResource;
}

const EXCEPTION_EVENT = 'exception';
const TYPE = 'exception.type';
const MESSAGE = 'exception.message';
const STACKTRACE = 'exception.stacktrace';

/** The resource's tags as storage writes them (the same rules), plus the parser hint. */
export function exceptionResource(resource: Resource): ExceptionResource {
  const language = findAttribute(resource.attributes, 'telemetry.sdk.language');
  return { ...resourceLabels(resource.attributes), language: language == null ? '' : anyValueToText(language) };
}

function text(value: AnyValue): string {
  return value === null ? '' : anyValueToText(value);
}

/** The exception attributes of one event or log record, or undefined when it has none. */
function readException(attributes: KeyValue[]): Pick<ExceptionReport, 'type' | 'message' | 'stacktrace' | 'fingerprintOverride'> | undefined {
  let type: string | undefined;
  let message: string | undefined;
  let stacktrace: string | undefined;
  let override: string | number | undefined;
  for (const kv of attributes) {
    const key = kv.key;
    // Cheap first-character test: most attributes of most log records are not exception.*.
    if (key.charCodeAt(0) === 101 /* e */) {
      if (key === TYPE) type = text(kv.value);
      else if (key === MESSAGE) message = text(kv.value);
      else if (key === STACKTRACE) stacktrace = text(kv.value);
    } else if (key === FINGERPRINT_ATTRIBUTE && (typeof kv.value === 'string' || typeof kv.value === 'number')) {
      override = kv.value;
    }
  }
  // The conventions require type or message; a stack trace alone still describes an exception.
  if (type === undefined && message === undefined && stacktrace === undefined) return undefined;
  return { type: type ?? '', message: message ?? '', stacktrace: stacktrace ?? '', fingerprintOverride: override };
}

function fromTraces(batch: TracesBatch, out: ExceptionReport[]): void {
  for (const rs of batch.resourceSpans) {
    let resource: ExceptionResource | undefined;
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const events = span.events;
        if (events.length === 0) continue;
        for (const event of events) {
          if (event.name !== EXCEPTION_EVENT) continue;
          const exc = readException(event.attributes);
          if (exc === undefined) continue;
          resource ??= exceptionResource(rs.resource);
          const timeUnixNano = event.timeUnixNano > 0n ? event.timeUnixNano : span.startTimeUnixNano;
          out.push({ source: 'span_event', ...exc, traceId: span.traceId, spanId: span.spanId, timeUnixNano, resource });
        }
      }
    }
  }
}

function fromLogs(batch: LogsBatch, out: ExceptionReport[], nowUnixNano: () => bigint): void {
  for (const rl of batch.resourceLogs) {
    let resource: ExceptionResource | undefined;
    for (const sl of rl.scopeLogs) {
      for (const record of sl.logRecords) {
        if (record.attributes.length === 0) continue;
        const exc = readException(record.attributes);
        if (exc === undefined) continue;
        resource ??= exceptionResource(rl.resource);
        const time = record.timeUnixNano > 0n ? record.timeUnixNano : record.observedTimeUnixNano > 0n ? record.observedTimeUnixNano : nowUnixNano();
        out.push({ source: 'log', ...exc, traceId: record.traceId, spanId: record.spanId, timeUnixNano: time, resource });
      }
    }
  }
}

const defaultNow = () => BigInt(Date.now()) * 1_000_000n;

/**
 * The exceptions reported in a batch, in batch order. Returns one shared empty array when
 * there are none (metrics and records batches never hold any).
 */
export function extractExceptions(batch: TelemetryBatch, nowUnixNano: () => bigint = defaultNow): readonly ExceptionReport[] {
  let out: ExceptionReport[] | undefined;
  if (batch.signal === 'traces') {
    if (!hasExceptionEvent(batch)) return NONE;
    fromTraces(batch, (out = []));
  } else if (batch.signal === 'logs') {
    fromLogs(batch, (out = []), nowUnixNano);
  } else {
    return NONE;
  }
  return out.length === 0 ? NONE : out;
}

const NONE: readonly ExceptionReport[] = Object.freeze([]);

/** The fast path: a scan with no allocation, since most trace batches have no exception. */
function hasExceptionEvent(batch: TracesBatch): boolean {
  for (const rs of batch.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const events = span.events;
        for (let i = 0; i < events.length; i++) if (events[i].name === EXCEPTION_EVENT) return true;
      }
    }
  }
  return false;
}
