/**
 * `startHermes`: one call that wires the OpenTelemetry Node SDK for Hermes: auto-instrumentation,
 * the hermes instrumentations, OTLP export of traces/metrics/logs, resource detection, and a
 * bounded, idempotent shutdown (also on SIGTERM/SIGINT when asked).
 */
import { context, diag, DiagConsoleLogger, DiagLogLevel, logs, metrics, propagation, trace } from '@opentelemetry/api';
import {
  getNodeAutoInstrumentations,
  getResourceDetectors,
  type InstrumentationConfigMap,
} from '@opentelemetry/auto-instrumentations-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { EventsInstrumentation, HostInstrumentation, RuntimeInstrumentation } from '@hermes/instrumentations';
import { AUTO_INSTRUMENTATIONS, resolveConfig, type ResolvedConfig } from './config';
import { warnIfEsmWithoutHook } from './esm';
import { buildPipelines } from './exporters';
import { appDirectory, buildResource, DEFAULT_DETECTORS, findAppPackage } from './resource';
import { currentRun, setRun } from './state';
import type { DiagLevel, HermesHandle, HermesOptions } from './types';

const DIAG_LEVEL: Record<DiagLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

const warnConsole = (message: string) => console.warn(`[hermes] ${message}`);

let runningHandle: HermesHandle | undefined;

/**
 * Starts monitoring this process with Hermes. Call it before the app imports what it uses
 * (http, express, pg...), or better use `node --import @hermes/sdk/register app.js`.
 * Configuration: `options`, then HERMES_* and OTEL_* environment variables, then defaults (see
 * README). A second call while running warns and returns the running handle. With
 * OTEL_SDK_DISABLED=true it starts nothing and returns a handle whose methods do nothing.
 */
export function startHermes(options: HermesOptions = {}): HermesHandle {
  if (runningHandle) {
    warnConsole('startHermes() called again while Hermes is running; keeping the first configuration');
    return runningHandle;
  }
  const config = resolveConfig(options, process.env, warnConsole);
  diag.setLogger(new DiagConsoleLogger(), { logLevel: DIAG_LEVEL[config.logLevel], suppressOverrideMessage: true });
  const appPackage = findAppPackage(appDirectory());
  const serviceName = String(config.resourceAttributes['service.name'] ?? appPackage?.name ?? 'unknown_service:node');
  if (config.sdkDisabled) return disabledHandle(serviceName);

  warnIfEsmWithoutHook();

  const hermes = hermesInstrumentations(config);
  const instrumentations: Instrumentation[] = [
    ...getNodeAutoInstrumentations(autoInstrumentationConfig(config)),
    ...hermes.all,
    ...(options.additionalInstrumentations ?? []),
  ];
  const pipelines = buildPipelines(config, options);
  // OpenTelemetry's own selection reads OTEL_NODE_RESOURCE_DETECTORS (e.g. "env,host,aws").
  const detectors = options.resourceDetectors ?? (config.resourceDetectorsFromEnv ? getResourceDetectors() : DEFAULT_DETECTORS);
  const sdk = new NodeSDK({
    resource: buildResource(config.resourceAttributes, appPackage, detectors),
    autoDetectResources: false,
    instrumentations,
    spanProcessors: pipelines.spanProcessors,
    metricReaders: pipelines.metricReaders,
    logRecordProcessors: pipelines.logRecordProcessors,
  });
  sdk.start();
  setRun({ config, serviceName, events: hermes.events });

  let shuttingDown: Promise<void> | undefined;
  const signalHandlers = config.handleSignals ? installSignalHandlers(() => handle.shutdown()) : undefined;
  const handle: HermesHandle = {
    serviceName,
    forceFlush: () => forceFlushAll(),
    shutdown() {
      shuttingDown ??= (async () => {
        signalHandlers?.remove();
        try {
          await withDeadline(sdk.shutdown(), config.shutdownTimeoutMs, 'shutdown');
        } finally {
          for (const instrumentation of instrumentations) instrumentation.disable();
          setRun(undefined);
          runningHandle = undefined;
          // A later startHermes (tests, restarts) must be able to register its own providers.
          trace.disable();
          metrics.disable();
          logs.disable();
          propagation.disable();
          context.disable();
        }
      })();
      return shuttingDown;
    },
  };
  runningHandle = handle;
  return handle;

  async function forceFlushAll(): Promise<void> {
    const flushes = [
      ...pipelines.spanProcessors.map((p) => p.forceFlush()),
      ...pipelines.metricReaders.map((r) => r.forceFlush()),
      ...pipelines.logRecordProcessors.map((p) => p.forceFlush()),
    ];
    await withDeadline(Promise.all(flushes).then(() => undefined), config.shutdownTimeoutMs, 'forceFlush');
  }
}

function hermesInstrumentations(config: ResolvedConfig) {
  const on = (name: 'runtime' | 'host' | 'events') => config.instrumentations.get(name);
  const runtime = on('runtime')?.enabled ? new RuntimeInstrumentation(on('runtime')?.config) : undefined;
  const host = on('host')?.enabled ? new HostInstrumentation(on('host')?.config) : undefined;
  const events = on('events')?.enabled ? new EventsInstrumentation(on('events')?.config) : undefined;
  return { events, all: [runtime, host, events].filter((i): i is NonNullable<typeof i> => i !== undefined) };
}

/** Every auto-instrumentation gets an explicit `enabled`, so the decision made by resolveConfig is final. */
function autoInstrumentationConfig(config: ResolvedConfig): InstrumentationConfigMap {
  const map: Record<string, unknown> = {};
  for (const name of AUTO_INSTRUMENTATIONS) {
    map[`@opentelemetry/instrumentation-${name}`] = config.instrumentations.get(name)?.config;
  }
  return map as InstrumentationConfigMap;
}

function disabledHandle(serviceName: string): HermesHandle {
  return { serviceName, forceFlush: async () => undefined, shutdown: async () => undefined };
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Hermes ${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM/SIGINT: flush and shut down, then, if nobody else listens for that signal, re-send
 * it so the process ends the way it would have without Hermes (exit code 128 + signal).
 * On `beforeExit` (the event loop ran dry): flush and shut down, so a short-lived script's last
 * spans are not lost in the batch processors.
 */
function installSignalHandlers(shutdown: () => Promise<void>): { remove(): void } {
  const handlers = new Map<NodeJS.Signals, () => void>();
  const onBeforeExit = () => {
    remove();
    shutdown().catch((err: unknown) => warnConsole(`shutdown at exit failed: ${(err as Error).message}`));
  };
  const remove = () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
    process.removeListener('beforeExit', onBeforeExit);
  };
  process.once('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) {
    const handler = () => {
      const othersListen = process.listenerCount(signal) > 1;
      remove();
      shutdown()
        .catch((err: unknown) => warnConsole(`shutdown on ${signal} failed: ${(err as Error).message}`))
        .finally(() => {
          if (!othersListen) process.kill(process.pid, signal);
        });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return { remove };
}

/** The handle of the running SDK, if any (for code that did not keep it). */
export function runningHermes(): HermesHandle | undefined {
  return currentRun() ? runningHandle : undefined;
}
