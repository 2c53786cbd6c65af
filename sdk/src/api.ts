/**
 * The SDK's small API for what auto-instrumentation cannot know: handled exceptions, custom
 * events, timed sections of code, and deployments. Everything goes through the global
 * OpenTelemetry API, so it is a cheap no-op when Hermes is not started.
 */
import {
  context,
  metrics,
  SeverityNumber,
  SpanStatusCode,
  trace,
  ValueType,
  logs,
  type Attributes,
  type Histogram,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { EventListener } from '@hermes/instrumentations';
import { resolveConfig } from './config';
import { appDirectory, findAppPackage } from './resource';
import { addListener, currentRun } from './state';
import type { DeploymentInfo, DeploymentPayload, RecordDeploymentOptions } from './types';
import { SDK_NAME, SDK_VERSION } from './version';

export const MEASURE_HISTOGRAM = 'hermes.measure.duration';

/** The semconv exception attributes of any thrown value (Errors and non-Errors alike). */
export function exceptionAttributes(err: unknown): Attributes {
  if (err instanceof Error) {
    return {
      'exception.type': err.name || err.constructor?.name || 'Error',
      'exception.message': err.message,
      ...(err.stack ? { 'exception.stacktrace': err.stack } : {}),
    };
  }
  return { 'exception.type': typeof err, 'exception.message': String(err) };
}

/**
 * Reports a handled exception. Adds an `exception` span event (exception.type/message/stacktrace
 * plus `attributes`) to the active span, or to a new short span `hermes.exception` (status ERROR)
 * if there is none; and emits an ERROR log record with `eventName` `exception`, the same
 * attributes and the same trace context. The collector de-duplicates the pair by trace id, span
 * id and exception attributes. The active span's status is left alone: a handled error need not
 * fail the request.
 */
export function captureException(err: unknown, attributes: Attributes = {}): void {
  const all = { ...exceptionAttributes(err), ...attributes };
  const emit = (span: Span) => {
    span.addEvent('exception', all);
    logs.getLogger(SDK_NAME, SDK_VERSION).emit({
      eventName: 'exception',
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: String(all['exception.message']),
      attributes: all,
      context: trace.setSpan(context.active(), span),
    });
  };
  const active = trace.getActiveSpan();
  if (active?.isRecording()) {
    emit(active);
    return;
  }
  const span = trace.getTracer(SDK_NAME, SDK_VERSION).startSpan('hermes.exception');
  emit(span);
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(all['exception.message']) });
  span.end();
}

/**
 * Tracks a custom event (see `@hermes/instrumentation-events`): a log record with that event
 * name, +1 on `hermes.events`, a span event on the active span, and every `onEvent` listener.
 * A no-op when Hermes is not started or the events instrumentation is disabled.
 */
export function trackEvent(name: string, attributes: Attributes = {}): void {
  currentRun()?.events?.track(name, attributes);
}

/**
 * Registers a listener that sees every tracked event (also across SDK restarts); returns the
 * unsubscribe function. Listeners run synchronously on the caller's path; keep them fast.
 */
export function onEvent(listener: EventListener): () => void {
  return addListener(listener);
}

let measureHistogram: { provider: MeterProvider; histogram: Histogram } | undefined;

/** The histogram on the current global MeterProvider (the API has no proxy: re-create on change). */
function durationHistogram(): Histogram {
  const provider = metrics.getMeterProvider();
  if (measureHistogram?.provider !== provider) {
    const histogram = provider.getMeter(SDK_NAME, SDK_VERSION).createHistogram(MEASURE_HISTOGRAM, {
      description: 'Duration of code timed with measure(), by hermes.measure.name.',
      unit: 's',
      valueType: ValueType.DOUBLE,
    });
    measureHistogram = { provider, histogram };
  }
  return measureHistogram.histogram;
}

/**
 * Times `fn` as a span named `name` (active while `fn` runs, so nested spans are its children)
 * and records its duration in seconds in the histogram `hermes.measure.duration` with
 * `hermes.measure.name` (plus `error.type` when it failed). Works for sync and async `fn`:
 * returns what `fn` returns; a throw or rejection is recorded on the span (status ERROR) and
 * re-thrown unchanged. `attributes` go on the span only, so the histogram's series stay bounded.
 */
export function measure<T>(name: string, fn: () => T, attributes: Attributes = {}): T {
  return trace.getTracer(SDK_NAME, SDK_VERSION).startActiveSpan(name, { attributes }, (span) => {
    const startMs = performance.now();
    const finish = (err?: unknown) => {
      const metricAttributes: Attributes = { 'hermes.measure.name': name };
      if (err !== undefined) {
        const exception = exceptionAttributes(err);
        metricAttributes['error.type'] = exception['exception.type'];
        span.addEvent('exception', exception);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(exception['exception.message']) });
      }
      durationHistogram().record((performance.now() - startMs) / 1000, metricAttributes);
      span.end();
    };
    let result: T;
    try {
      result = fn();
    } catch (err) {
      finish(err);
      throw err;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          finish();
          return value;
        },
        (err: unknown) => {
          finish(err);
          throw err;
        },
      ) as T;
    }
    finish();
    return result;
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Why `recordDeployment` failed: the URL, and the HTTP status and body when there was an answer. */
export class DeploymentError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly body?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeploymentError';
  }
}

/**
 * Tells Hermes about a release: POSTs a `DeploymentPayload` as JSON to `${apiUrl}/api/deployments`
 * and resolves to the parsed JSON answer (`{}` if the body is empty). Rejects with a
 * `DeploymentError` on a non-2xx answer, a network error or a timeout. Works without
 * `startHermes` (e.g. from a CI script); the request itself is not traced.
 */
export async function recordDeployment(info: DeploymentInfo, options: RecordDeploymentOptions = {}): Promise<unknown> {
  if (!info || typeof info.version !== 'string' || info.version.trim() === '') {
    throw new TypeError('recordDeployment: `version` must be a non-empty string');
  }
  const run = currentRun();
  // Not started: resolve the same defaults startHermes would, from the environment.
  const config = run?.config ?? resolveConfig({}, process.env, (m) => console.warn(`[hermes] ${m}`));
  const service = info.service ?? run?.serviceName ?? config.serviceName ?? findAppPackage(appDirectory())?.name;
  if (!service) throw new TypeError('recordDeployment: no `service` given and none could be detected');
  const payload: DeploymentPayload = {
    service,
    version: info.version,
    ...optional('environment', info.environment ?? config.environment),
    ...optional('commit', info.commit),
    ...optional('description', info.description),
    timestampMs: Date.now(),
  };
  const url = `${(options.apiUrl ?? config.apiUrl).replace(/\/+$/, '')}/api/deployments`;
  let response: Response;
  try {
    response = await context.with(suppressTracing(context.active()), () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      }),
    );
  } catch (err) {
    throw new DeploymentError(`recordDeployment: POST ${url} failed: ${(err as Error).message}`, url, undefined, undefined, { cause: err });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new DeploymentError(
      `recordDeployment: POST ${url} answered ${response.status}: ${text.slice(0, 500)}`,
      url,
      response.status,
      text,
    );
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DeploymentError(`recordDeployment: POST ${url} answered ${response.status} with invalid JSON`, url, response.status, text, { cause: err });
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
