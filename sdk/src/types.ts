/** Every option and public type of the Hermes SDK, in one place. */
import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationConfigMap } from '@opentelemetry/auto-instrumentations-node';
import type {
  EventsInstrumentationConfig,
  HostInstrumentationConfig,
  RuntimeInstrumentationConfig,
} from '@hermes/instrumentations';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResourceDetector } from '@opentelemetry/resources';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

export type DiagLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';
export const DIAG_LEVELS: readonly DiagLevel[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];

type AutoShortName<K> = K extends `@opentelemetry/instrumentation-${infer Short}` ? Short : never;

/**
 * Per-instrumentation config, keyed by short name: the OpenTelemetry auto-instrumentations
 * (`http`, `express`, `pg`, `fs`…, i.e. `@opentelemetry/instrumentation-<name>`) and the hermes
 * ones (`runtime`, `host`, `events`). `{ enabled: false }` turns one off, `{ enabled: true }`
 * turns on one that is off by default; the rest of the object is that instrumentation's config.
 */
export type InstrumentationOptions = {
  [K in keyof InstrumentationConfigMap as AutoShortName<K>]?: InstrumentationConfigMap[K];
} & {
  runtime?: RuntimeInstrumentationConfig;
  host?: HostInstrumentationConfig;
  events?: EventsInstrumentationConfig;
};

export type InstrumentationName = keyof InstrumentationOptions & string;

export interface HermesOptions {
  /** `service.name`. Default: OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then the app's package.json name. */
  serviceName?: string;
  /** `service.version`. Default: OTEL_RESOURCE_ATTRIBUTES, then the app's package.json version. */
  serviceVersion?: string;
  /** `deployment.environment.name`. Default: HERMES_ENVIRONMENT, OTEL_RESOURCE_ATTRIBUTES, NODE_ENV. */
  environment?: string;
  /** Extra resource attributes; they win over detected and environment ones. */
  resourceAttributes?: Attributes;
  /** OTLP base URL of Hermes. Default: HERMES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, http://127.0.0.1:4318 (4317 for grpc). */
  endpoint?: string;
  /** Default: OTEL_EXPORTER_OTLP_PROTOCOL, then `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Headers sent with every export. Default: OTEL_EXPORTER_OTLP_HEADERS. */
  headers?: Record<string, string>;
  /** Base URL of the Hermes API, used by `recordDeployment`. Default: HERMES_API_URL, http://127.0.0.1:4319. */
  apiUrl?: string;
  /** How often metrics are exported. Default: OTEL_METRIC_EXPORT_INTERVAL, then 10000. */
  metricExportIntervalMs?: number;
  /** Per-instrumentation config; see `InstrumentationOptions`. */
  instrumentations?: InstrumentationOptions;
  /** More instrumentations to register, as instances (yours or third-party). */
  additionalInstrumentations?: Instrumentation[];
  /**
   * On SIGTERM/SIGINT, flush and shut down, then let the signal take its course; also flush and
   * shut down when the event loop runs dry (`beforeExit`). Default false (true for `register`).
   */
  handleSignals?: boolean;
  /** OpenTelemetry diag log level, printed to the console. Default: OTEL_LOG_LEVEL, then `warn`. */
  logLevel?: DiagLevel;
  /** Upper bound on `shutdown()`; unsent telemetry is dropped after it. Default 5000. */
  shutdownTimeoutMs?: number;
  /** Resource detectors. Default: per OTEL_NODE_RESOURCE_DETECTORS if set, else host, os, process, container, service instance id. */
  resourceDetectors?: ResourceDetector[];
  /** Replaces the OTLP trace export (e.g. tests, or a second backend). */
  spanProcessors?: SpanProcessor[];
  /** Replaces the OTLP metric export. */
  metricReaders?: IMetricReader[];
  /** Replaces the OTLP log export. */
  logRecordProcessors?: LogRecordProcessor[];
}

/** What `startHermes` returns. */
export interface HermesHandle {
  /** The resolved `service.name`. */
  readonly serviceName: string;
  /** Exports everything buffered now; resolves when the exporters answered. */
  forceFlush(): Promise<void>;
  /**
   * Flushes and stops all telemetry, unpatches instrumentations and unregisters the global
   * providers, within `shutdownTimeoutMs`. Idempotent: later calls return the same promise.
   */
  shutdown(): Promise<void>;
}

/** A release, as told to Hermes by `recordDeployment`. */
export interface DeploymentInfo {
  version: string;
  /** Default: the running SDK's environment, else HERMES_ENVIRONMENT / NODE_ENV. */
  environment?: string;
  /** Default: the running SDK's service name, else OTEL_SERVICE_NAME / package.json name. */
  service?: string;
  commit?: string;
  description?: string;
}

/** The JSON body POSTed to `${apiUrl}/api/deployments` (documented in README.md). */
export interface DeploymentPayload {
  service: string;
  version: string;
  environment?: string;
  commit?: string;
  description?: string;
  timestampMs: number;
}

export interface RecordDeploymentOptions {
  /** Default: the running SDK's apiUrl, else HERMES_API_URL, else http://127.0.0.1:4319. */
  apiUrl?: string;
  /** Default 5000. */
  timeoutMs?: number;
}
