/**
 * Builds the pipeline from a validated config and runs it: receivers → errors analyzer → exporter, plus the
 * API server. Start order is storage first, so nothing is accepted before it can be
 * written; shutdown runs the other way round.
 */
import { join } from 'node:path';
import type { HermesConfig } from './config';
import { createApiServer, createDeploymentsRouter } from './api';
import { createErrorsRouter, errorsProcessorFactory, InfluxQueryClient, IssueService, SourceMapStore } from './analyzers/errors';
import { influxdbExporterFactory } from './exporters/influxdb';
import { otlpHttpReceiverFactory } from './receivers/otlp-http';
import { silentLogger, type Logger } from './pipeline/logger';
import { SelfMetrics } from './pipeline/self-metrics';
import type { Lifecycle } from './pipeline/component';

export interface Endpoint {
  name: string;
  url: string;
}

export interface RunningCollector {
  /** Where each listener ended up (real ports, also when configured as 0), for people. */
  readonly endpoints: Endpoint[];
  /** The same as base URLs, for programs: OTLP/HTTP (append /v1/traces...) and the API port. */
  readonly urls: { otlpHttp: string; api: string };
  readonly metrics: SelfMetrics;
  /** Stops intake, flushes, and returns within config.shutdownTimeoutMs. Idempotent. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  metrics?: SelfMetrics;
}

export async function startCollector(config: HermesConfig, options: StartOptions = {}): Promise<RunningCollector> {
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new SelfMetrics({ processMetrics: true });
  const settings = (id: string) => ({ id, logger: logger.child(id), metrics });

  const exporter = influxdbExporterFactory.create(settings('influxdb'), config.exporters.influxdb, undefined);
  // receiver → errors → exporter; the errors analyzer also feeds its derived records to the exporter.
  const errors = config.processors.errors;
  const sourceMaps = errors.enabled && errors.sourceMaps.enabled
    ? new SourceMapStore({
        dir: join(config.dataDir, 'sourcemaps'),
        maxMapBytes: errors.sourceMaps.maxUploadBytes,
        maxCachedMaps: errors.sourceMaps.maxCachedMaps,
        listingTtlMs: errors.sourceMaps.listingTtlMs,
      })
    : undefined;
  const errorsProcessor = errors.enabled ? errorsProcessorFactory.create(settings('errors'), errors, { next: exporter, sourceMaps }) : undefined;
  const receiver = otlpHttpReceiverFactory.create(settings('otlp_http'), config.receivers.otlp_http, errorsProcessor ?? exporter);
  const errorsRoutes = errors.enabled
    ? [createErrorsRouter({
        issues: new IssueService({ client: new InfluxQueryClient(config.exporters.influxdb), writer: exporter }),
        sourceMaps,
        maxSourceMapBytes: errors.sourceMaps.maxUploadBytes,
        logger: logger.child('errors-api'),
      })]
    : [];
  const api = createApiServer({
    ...config.api,
    metrics,
    logger: logger.child('api'),
    readiness: [() => ({ name: 'influxdb', ...exporter.health() })],
    routes: [createDeploymentsRouter({ consumer: exporter, logger: logger.child('deployments') }), ...errorsRoutes],
  });

  const started: Lifecycle[] = [];
  const stopAll = async (deadline: number) => {
    for (const component of started.reverse()) {
      try {
        await component.shutdown(deadline);
      } catch (err) {
        logger.error('shutdown failed', { error: (err as Error).message });
      }
    }
  };
  try {
    for (const component of [exporter, ...(errorsProcessor ? [errorsProcessor] : []), receiver, api]) {
      await component.start();
      started.push(component);
    }
  } catch (err) {
    await stopAll(Date.now() + config.shutdownTimeoutMs);
    throw err;
  }

  const otlp = receiver.address();
  const apiAddress = api.address();
  const urls = { otlpHttp: `http://${otlp.host}:${otlp.port}`, api: `http://${apiAddress.host}:${apiAddress.port}` };
  const endpoints: Endpoint[] = [
    { name: 'OTLP/HTTP', url: `${urls.otlpHttp}/v1/{traces,metrics,logs}` },
    { name: 'API', url: `${urls.api} (/healthz /readyz /metrics /api/errors /api/deployments)` },
    { name: 'InfluxDB', url: `${config.exporters.influxdb.url} database ${config.exporters.influxdb.database}` },
  ];
  logger.info('collector started', { endpoints });

  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    urls,
    metrics,
    shutdown: () => (stopping ??= stopAll(Date.now() + config.shutdownTimeoutMs)),
  };
}
