/**
 * The shared lifecycle of hermes instrumentations: metrics/logs-only plug-ins that implement the
 * OpenTelemetry `Instrumentation` interface without patching any module.
 *
 * Why not `InstrumentationBase`: it exists to hook `require`/`import` of third-party modules, and
 * it calls overridable methods from its constructor before subclass fields exist. Hermes
 * instrumentations only sample the runtime, so they implement the interface directly and keep
 * the OpenTelemetry conventions that matter to `registerInstrumentations` / `NodeSDK`:
 * an instrumentation enables itself when constructed unless `enabled: false`, and it re-creates
 * its instruments whenever a new MeterProvider/LoggerProvider/TracerProvider is set.
 */
import {
  diag,
  logs,
  metrics,
  trace,
  ValueType,
  type DiagLogger,
  type Logger,
  type LoggerProvider,
  type Meter,
  type MeterProvider,
  type Observable,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';

/** What `bind` returns: undoes every callback registration made on one Meter. */
export interface Binding {
  unbind(): void;
}

/** The no-op binding, for instrumentations that register nothing on a meter. */
export const NO_BINDING: Binding = { unbind: () => undefined };

export type ObservableKind = 'gauge' | 'counter' | 'upDownCounter';

/**
 * One observable instrument, declared in one line: semconv tables give exactly these columns
 * (kind, name, unit, description). Values are doubles unless `integer`.
 */
export function observable(
  meter: Meter,
  kind: ObservableKind,
  name: string,
  unit: string,
  description: string,
  integer = false,
): Observable {
  const options = { unit, description, valueType: integer ? ValueType.INT : ValueType.DOUBLE };
  if (kind === 'gauge') return meter.createObservableGauge(name, options);
  if (kind === 'counter') return meter.createObservableCounter(name, options);
  return meter.createObservableUpDownCounter(name, options);
}

export abstract class HermesInstrumentation<Config extends InstrumentationConfig>
  implements Instrumentation<Config>
{
  readonly instrumentationName: string;
  readonly instrumentationVersion: string;
  protected config: Config;
  protected meter: Meter;
  protected logger: Logger;
  protected tracer: Tracer;
  protected readonly diag: DiagLogger;
  private readonly defaults: Config;
  private active = false;
  private binding: Binding = NO_BINDING;

  protected constructor(name: string, version: string, defaults: Config, config: Partial<Config>) {
    this.instrumentationName = name;
    this.instrumentationVersion = version;
    this.defaults = defaults;
    this.config = { ...defaults, ...withoutUndefined(config) };
    this.diag = diag.createComponentLogger({ namespace: name });
    this.meter = metrics.getMeter(name, version);
    this.logger = logs.getLogger(name, version);
    this.tracer = trace.getTracer(name, version);
  }

  /**
   * Subclasses call this last in their constructor: enabling from the base constructor would run
   * `start`/`bind` before the subclass's fields are initialised.
   */
  protected enableUnlessDisabled(): void {
    if (this.config.enabled !== false) this.enable();
  }

  /** Starts sampling and registers callbacks on the current meter. Idempotent. */
  enable(): void {
    if (this.active) return;
    this.active = true;
    this.start();
    this.binding = this.bind(this.meter);
  }

  /** Stops sampling and removes every callback: nothing is emitted afterwards. Idempotent. */
  disable(): void {
    if (!this.active) return;
    this.active = false;
    this.binding.unbind();
    this.binding = NO_BINDING;
    this.stop();
  }

  isEnabled(): boolean {
    return this.active;
  }

  setMeterProvider(meterProvider: MeterProvider): void {
    this.meter = meterProvider.getMeter(this.instrumentationName, this.instrumentationVersion);
    if (!this.active) return;
    this.binding.unbind();
    this.binding = this.bind(this.meter);
  }

  setLoggerProvider(loggerProvider: LoggerProvider): void {
    this.logger = loggerProvider.getLogger(this.instrumentationName, this.instrumentationVersion);
  }

  setTracerProvider(tracerProvider: TracerProvider): void {
    this.tracer = tracerProvider.getTracer(this.instrumentationName, this.instrumentationVersion);
  }

  /** Replaces the config (unset keys take their defaults) and restarts if it was running. */
  setConfig(config: Config): void {
    const wasActive = this.active;
    this.disable();
    this.config = { ...this.defaults, ...withoutUndefined(config) };
    if (wasActive && this.config.enabled !== false) this.enable();
  }

  getConfig(): Config {
    return { ...this.config };
  }

  /** Starts meter-independent sampling (timers, observers). Called once per enable(). */
  protected abstract start(): void;

  /** Stops what `start` started. Called once per disable(). */
  protected abstract stop(): void;

  /**
   * Creates this instrumentation's instruments on `meter` and registers its callbacks. Called on
   * enable() and again for each new MeterProvider; must not start timers (that is `start`).
   */
  protected abstract bind(meter: Meter): Binding;
}

function withoutUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
