/**
 * Resolves `HermesOptions` + environment into the one frozen config the SDK runs on.
 * Precedence everywhere: options, then HERMES_* variables, then standard OTEL_* variables, then
 * defaults. Pure apart from what it is given, so every rule is unit-tested.
 */
import type { Attributes } from '@opentelemetry/api';
import { envReader, normalizeUrl, type Env, type Warn } from './env';
import {
  DIAG_LEVELS,
  OTLP_PROTOCOLS,
  type DiagLevel,
  type HermesOptions,
  type InstrumentationName,
  type InstrumentationOptions,
  type OtlpProtocol,
} from './types';

/** Short names of the OpenTelemetry auto-instrumentations (`@opentelemetry/instrumentation-<name>`). */
export const AUTO_INSTRUMENTATIONS = [
  'amqplib', 'aws-lambda', 'aws-sdk', 'bunyan', 'cassandra-driver', 'connect', 'cucumber',
  'dataloader', 'dns', 'express', 'fs', 'generic-pool', 'graphql', 'grpc', 'hapi', 'host-metrics',
  'http', 'ioredis', 'kafkajs', 'knex', 'koa', 'lru-memoizer', 'memcached', 'mongodb', 'mongoose',
  'mysql2', 'mysql', 'nestjs-core', 'net', 'openai', 'oracledb', 'pg', 'pino', 'redis', 'restify',
  'router', 'runtime-node', 'socket.io', 'tedious', 'undici', 'winston',
] as const satisfies readonly InstrumentationName[];

export const HERMES_INSTRUMENTATIONS = ['runtime', 'host', 'events'] as const satisfies readonly InstrumentationName[];

// Compile-time proof that the list above covers every instrumentation the installed
// auto-instrumentations-node knows: an upgrade that adds one fails the build here.
type Unlisted = Exclude<InstrumentationName, (typeof AUTO_INSTRUMENTATIONS)[number] | (typeof HERMES_INSTRUMENTATIONS)[number]>;
const everyInstrumentationListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyInstrumentationListed;

/**
 * Off unless enabled explicitly: fs/dns/net produce a span per syscall-level operation (noise
 * and overhead); runtime-node and host-metrics duplicate the hermes runtime and host metrics;
 * router (the `router` package inside express 5) repeats the express instrumentation's
 * middleware and handler spans: on the demo app it alone added ~0.2 ms CPU per request.
 */
export const DEFAULT_OFF: ReadonlySet<InstrumentationName> = new Set(['fs', 'dns', 'net', 'router', 'runtime-node', 'host-metrics']);

const ALL_INSTRUMENTATIONS: ReadonlySet<string> = new Set([...AUTO_INSTRUMENTATIONS, ...HERMES_INSTRUMENTATIONS]);

export const DEFAULT_HTTP_ENDPOINT = 'http://127.0.0.1:4318';
export const DEFAULT_GRPC_ENDPOINT = 'http://127.0.0.1:4317';
export const DEFAULT_API_URL = 'http://127.0.0.1:4319';
export const DEFAULT_METRIC_EXPORT_INTERVAL_MS = 10_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

export type SignalExport = 'otlp' | 'console' | 'none';
const SIGNAL_EXPORTS: readonly SignalExport[] = ['otlp', 'console', 'none'];

export interface ResolvedConfig {
  /** OTEL_SDK_DISABLED=true: start nothing. */
  sdkDisabled: boolean;
  protocol: OtlpProtocol;
  endpoint: string;
  tracesUrl: string;
  metricsUrl: string;
  logsUrl: string;
  headers: Record<string, string>;
  exports: { traces: SignalExport; metrics: SignalExport; logs: SignalExport };
  apiUrl: string;
  metricExportIntervalMs: number;
  shutdownTimeoutMs: number;
  handleSignals: boolean;
  logLevel: DiagLevel;
  /** Resource attributes from options and environment (service, environment, OTEL_RESOURCE_ATTRIBUTES); package.json and detectors fill the gaps. */
  resourceAttributes: Attributes;
  serviceName: string | undefined;
  serviceVersion: string | undefined;
  environment: string | undefined;
  /** OTEL_NODE_RESOURCE_DETECTORS is set: use OpenTelemetry's detector selection instead of Hermes's default set. */
  resourceDetectorsFromEnv: boolean;
  /** Final on/off decision and config for every known instrumentation. */
  instrumentations: ReadonlyMap<InstrumentationName, { enabled: boolean; config: Record<string, unknown> }>;
}

export function resolveConfig(options: HermesOptions, env: Env, warn: Warn): ResolvedConfig {
  const read = envReader(env, warn);

  const protocol = options.protocol ?? read.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', OTLP_PROTOCOLS) ?? 'http/protobuf';
  const optionEndpoint = options.endpoint === undefined ? undefined : validUrl('endpoint', options.endpoint, warn);
  const endpoint =
    optionEndpoint ??
    read.url('HERMES_ENDPOINT') ??
    read.url('OTEL_EXPORTER_OTLP_ENDPOINT') ??
    (protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT);
  // Per the OTLP exporter spec, a signal-specific endpoint is the full URL; the base gets a path.
  const signalUrl = (signal: 'traces' | 'metrics' | 'logs'): string => {
    const specific = optionEndpoint ? undefined : read.url(`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
    if (specific) return specific;
    return protocol === 'grpc' ? endpoint : `${endpoint}/v1/${signal}`;
  };

  const fromEnvAttributes = read.keyValues('OTEL_RESOURCE_ATTRIBUTES') ?? {};
  const serviceName = options.serviceName ?? read.string('OTEL_SERVICE_NAME') ?? fromEnvAttributes['service.name'];
  const serviceVersion = options.serviceVersion ?? fromEnvAttributes['service.version'];
  const environment =
    options.environment ??
    read.string('HERMES_ENVIRONMENT') ??
    fromEnvAttributes['deployment.environment.name'] ??
    read.string('NODE_ENV');
  const resourceAttributes: Attributes = {
    ...fromEnvAttributes,
    ...(serviceName ? { 'service.name': serviceName } : {}),
    ...(serviceVersion ? { 'service.version': serviceVersion } : {}),
    ...(environment ? { 'deployment.environment.name': environment } : {}),
    ...options.resourceAttributes,
  };

  const optionApiUrl = options.apiUrl === undefined ? undefined : validUrl('apiUrl', options.apiUrl, warn);
  const metricExportIntervalMs =
    positive('metricExportIntervalMs', options.metricExportIntervalMs, warn) ??
    read.integer('OTEL_METRIC_EXPORT_INTERVAL', 1) ??
    DEFAULT_METRIC_EXPORT_INTERVAL_MS;

  const config: ResolvedConfig = {
    sdkDisabled: read.boolean('OTEL_SDK_DISABLED') ?? false,
    protocol,
    endpoint,
    tracesUrl: signalUrl('traces'),
    metricsUrl: signalUrl('metrics'),
    logsUrl: signalUrl('logs'),
    headers: { ...read.keyValues('OTEL_EXPORTER_OTLP_HEADERS'), ...options.headers },
    exports: {
      traces: read.oneOf('OTEL_TRACES_EXPORTER', SIGNAL_EXPORTS) ?? 'otlp',
      metrics: read.oneOf('OTEL_METRICS_EXPORTER', SIGNAL_EXPORTS) ?? 'otlp',
      logs: read.oneOf('OTEL_LOGS_EXPORTER', SIGNAL_EXPORTS) ?? 'otlp',
    },
    apiUrl: optionApiUrl ?? read.url('HERMES_API_URL') ?? DEFAULT_API_URL,
    metricExportIntervalMs,
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs, warn) ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    handleSignals: options.handleSignals ?? false,
    logLevel: options.logLevel ?? read.oneOf('OTEL_LOG_LEVEL', DIAG_LEVELS) ?? 'warn',
    resourceAttributes,
    serviceName,
    serviceVersion,
    environment,
    resourceDetectorsFromEnv: read.list('OTEL_NODE_RESOURCE_DETECTORS') !== undefined,
    instrumentations: resolveInstrumentations(options.instrumentations ?? {}, read, warn),
  };
  return Object.freeze(config);
}

/**
 * Precedence per instrumentation: `enabled` in options; then HERMES_DISABLED_INSTRUMENTATIONS /
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS; then OTEL_NODE_ENABLED_INSTRUMENTATIONS (when set, only the
 * auto-instrumentations it lists are on, plus any it lists from the off-by-default set); then defaults.
 */
function resolveInstrumentations(
  options: InstrumentationOptions,
  read: ReturnType<typeof envReader>,
  warn: Warn,
): ResolvedConfig['instrumentations'] {
  const known = (source: string) => (name: string) => {
    if (ALL_INSTRUMENTATIONS.has(name)) return true;
    warn(`${source}: unknown instrumentation "${name}" ignored (known: ${[...ALL_INSTRUMENTATIONS].join(', ')})`);
    return false;
  };
  const disabled = new Set(
    [...(read.list('HERMES_DISABLED_INSTRUMENTATIONS') ?? []), ...(read.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [])]
      .filter(known('HERMES_DISABLED_INSTRUMENTATIONS/OTEL_NODE_DISABLED_INSTRUMENTATIONS')),
  );
  const enabledList = read.list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const enabledOnly = enabledList ? new Set(enabledList.filter(known('OTEL_NODE_ENABLED_INSTRUMENTATIONS'))) : undefined;
  Object.keys(options).forEach(known('options.instrumentations'));

  const result = new Map<InstrumentationName, { enabled: boolean; config: Record<string, unknown> }>();
  for (const name of [...AUTO_INSTRUMENTATIONS, ...HERMES_INSTRUMENTATIONS]) {
    const config = { ...(options[name] as Record<string, unknown> | undefined) };
    const explicit = typeof config.enabled === 'boolean' ? config.enabled : undefined;
    const isAuto = (AUTO_INSTRUMENTATIONS as readonly string[]).includes(name);
    let enabled: boolean;
    if (explicit !== undefined) enabled = explicit;
    else if (disabled.has(name)) enabled = false;
    else if (enabledOnly && isAuto) enabled = enabledOnly.has(name);
    else enabled = !DEFAULT_OFF.has(name);
    result.set(name, { enabled, config: { ...config, enabled } });
  }
  return result;
}

function validUrl(option: string, value: string, warn: Warn): string | undefined {
  const url = normalizeUrl(value);
  if (!url) warn(`options.${option}=${JSON.stringify(value)} is not an absolute http(s) URL; using the default`);
  return url;
}

function positive(option: string, value: number | undefined, warn: Warn): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && value > 0) return value;
  warn(`options.${option}=${value} must be a positive number; using the default`);
  return undefined;
}
