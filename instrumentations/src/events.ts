/**
 * `@hermes/instrumentation-events`: the custom event tracker behind the SDK's `trackEvent`, and
 * the listener API that lets users see every tracked event (to feed their own tooling).
 *
 * One tracked event becomes, each switchable in the config:
 * - a log record whose `eventName` is the event name, with the event's attributes, correlated
 *   with the active span (this is the event itself, stored by Hermes as a log/event row);
 * - +1 on the counter `hermes.events` with the single attribute `event.name` (cheap rates and
 *   alerts; the event's own attributes are left out to keep the series count bounded);
 * - a span event with the same name and attributes on the active span, if one is recording.
 */
import {
  context,
  SeverityNumber,
  trace,
  ValueType,
  type Attributes,
  type Counter,
  type Meter,
  type SpanContext,
} from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { HermesInstrumentation, type Binding } from './base';
import * as sc from './semconv';
import { VERSION } from './version';

export const EVENTS_INSTRUMENTATION_NAME = '@hermes/instrumentation-events';

export interface EventsInstrumentationConfig extends InstrumentationConfig {
  /** Emit each event as a log record carrying `eventName`. */
  emitLogRecords?: boolean;
  /** Count events in the `hermes.events` counter, by `event.name`. */
  countEvents?: boolean;
  /** Add each event to the active span as a span event. */
  emitSpanEvents?: boolean;
}

/** What a listener receives; frozen, so a listener cannot alter what others see. */
export interface TrackedEvent {
  readonly name: string;
  readonly attributes: Readonly<Attributes>;
  readonly timestampMs: number;
  /** The active span's context when the event was tracked, for correlation; absent outside spans. */
  readonly spanContext?: SpanContext;
}

/**
 * Called synchronously, once per tracked event, in registration order. It must not throw (a throw
 * is caught and reported through the OpenTelemetry diag logger) and should return quickly: it runs
 * on the caller's hot path.
 */
export type EventListener = (event: TrackedEvent) => void;

const DEFAULTS: EventsInstrumentationConfig = {
  enabled: true,
  emitLogRecords: true,
  countEvents: true,
  emitSpanEvents: true,
};

export class EventsInstrumentation extends HermesInstrumentation<EventsInstrumentationConfig> {
  private readonly listeners = new Set<EventListener>();
  private counter: Counter | undefined;

  constructor(config: EventsInstrumentationConfig = {}) {
    super(EVENTS_INSTRUMENTATION_NAME, VERSION, DEFAULTS, config);
    this.enableUnlessDisabled();
  }

  /**
   * Records a custom event. A no-op while the instrumentation is disabled (listeners are not
   * called either); an empty or non-string name is dropped with a diag warning.
   */
  track(name: string, attributes: Attributes = {}): void {
    if (!this.isEnabled()) return;
    if (typeof name !== 'string' || name.length === 0) {
      this.diag.warn(`trackEvent: event name must be a non-empty string, got ${JSON.stringify(name)}`);
      return;
    }
    const timestampMs = Date.now();
    const active = context.active();
    const span = trace.getSpan(active);
    const spanContext = span?.isRecording() ? span.spanContext() : undefined;
    if (this.config.emitLogRecords) {
      this.logger.emit({
        eventName: name,
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        attributes,
        timestamp: timestampMs,
        context: active,
      });
    }
    if (this.config.countEvents) this.counter?.add(1, { [sc.ATTR_EVENT_NAME]: name });
    if (this.config.emitSpanEvents && span?.isRecording()) span.addEvent(name, attributes, timestampMs);
    if (this.listeners.size === 0) return;
    const event: TrackedEvent = Object.freeze({
      name,
      attributes: Object.freeze({ ...attributes }),
      timestampMs,
      ...(spanContext ? { spanContext } : {}),
    });
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.diag.error(`event listener threw on "${name}"; other listeners still ran`, err);
      }
    }
  }

  /** Registers a listener for every tracked event; returns the function that unregisters it. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected start(): void {}

  protected stop(): void {}

  protected bind(meter: Meter): Binding {
    this.counter = meter.createCounter(sc.METRIC_HERMES_EVENTS, {
      description: 'Custom events tracked with trackEvent, by event.name.',
      unit: '{event}',
      valueType: ValueType.INT,
    });
    return {
      unbind: () => {
        this.counter = undefined;
      },
    };
  }
}
