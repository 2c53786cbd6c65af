/**
 * Builds the pipelines of the config and runs them (docs/architecture.md): receivers →
 * processors, in order → exporters, each component made by its registered factory from its
 * own config section, plus the API server. Start order is exporters first, so nothing is
 * accepted before it can be written; shutdown runs the other way round.
 */
import { join } from 'node:path';
import { createErrorsRouter, ErrorsProcessor, IssueService } from './analyzers/errors';
import { createApiServer, createDeploymentsRouter, type ApiRoute, type ReadinessCheck } from './api';
import { API_SOURCE, exporterFactories, processorFactories, receiverFactories, type ExporterType, type ProcessorType, type ReceiverType } from './components';
import type { HermesConfig, PipelineConfig } from './config';
import type { ComponentHost, ComponentSettings, Consumer, Lifecycle } from './pipeline/component';
import { fanOut, routeBySignal } from './pipeline/fan-out';
import { silentLogger, type Logger } from './pipeline/logger';
import { MemoryGuard } from './pipeline/memory';
import { SelfMetrics } from './pipeline/self-metrics';
import { WriteAheadLog } from './queue';
import { InfluxStorage } from './storage/influxdb';
import type { InfluxdbExporter } from './exporters/influxdb';
import type { OtlpHttpReceiver } from './receivers/otlp-http';

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
  /**
   * Resolves once everything acknowledged so far is in InfluxDB (the write-ahead log holds
   * nothing unwritten); rejects after `timeoutMs`. For programs that read what they sent.
   */
  written(timeoutMs?: number): Promise<void>;
  /** Stops intake, flushes, and returns within config.shutdownTimeoutMs. Idempotent. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  metrics?: SelfMetrics;
}

type Signal = PipelineConfig['signals'][number];

/** The components of every pipeline, built and wired, not yet started. */
interface Built {
  exporters: Map<string, Lifecycle & Consumer>;
  processors: (Lifecycle & Consumer)[];
  receivers: Map<string, Lifecycle>;
  /** Where the API's own writes enter, when a pipeline lists `api`. */
  apiWrites?: Consumer;
}

/** Processors switched off by their own `enabled` flag are left out of every pipeline. */
function enabledProcessors(config: HermesConfig, pipeline: PipelineConfig): ProcessorType[] {
  return (pipeline.processors as ProcessorType[]).filter((id) => config.processors[id].enabled);
}

function build(config: HermesConfig, settings: (id: string) => ComponentSettings): Built {
  const built: Built = { exporters: new Map(), processors: [], receivers: new Map() };
  const pipelines = Object.values(config.service.pipelines);
  // Exporters are shared by the pipelines that name them, as in the OpenTelemetry Collector.
  for (const pipeline of pipelines) {
    for (const id of pipeline.exporters as ExporterType[]) {
      if (!built.exporters.has(id)) built.exporters.set(id, exporterFactories[id].create(settings(id), config.exporters[id], undefined));
    }
  }
  // Each pipeline gets its own processors, built from the exporters back to the receivers.
  const heads = pipelines.map((pipeline) => {
    let next = fanOut(pipeline.exporters.map((id) => built.exporters.get(id) as Consumer));
    for (const id of enabledProcessors(config, pipeline).reverse()) {
      const processor = processorFactories[id].create(settings(id), config.processors[id], next);
      built.processors.unshift(processor);
      next = processor;
    }
    return { pipeline, head: next };
  });
  const receiverIds = new Set(pipelines.flatMap((p) => p.receivers).filter((id) => id !== API_SOURCE) as ReceiverType[]);
  for (const id of receiverIds) {
    const routes: Partial<Record<Signal, Consumer>> = {};
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const takers = heads.filter(({ pipeline }) => pipeline.receivers.includes(id) && pipeline.signals.includes(signal)).map(({ head }) => head);
      if (takers.length > 0) routes[signal] = fanOut(takers);
    }
    built.receivers.set(id, receiverFactories[id].create(settings(id), config.receivers[id], routeBySignal(routes, id)));
  }
  built.apiWrites = heads.find(({ pipeline }) => pipeline.receivers.includes(API_SOURCE))?.head;
  return built;
}

export async function startCollector(config: HermesConfig, options: StartOptions = {}): Promise<RunningCollector> {
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new SelfMetrics({ processMetrics: true });
  const storage = new InfluxStorage(config.storage.influxdb);
  const wal = config.queue.type === 'wal' ? await openWriteAheadLog(config, logger, metrics) : undefined;
  const memory = new MemoryGuard({ limitBytes: config.memoryLimitMiB * 1024 * 1024, retryAfterSeconds: config.receivers.otlp_http.retryAfterSeconds });
  const host: ComponentHost = { storage, dataDir: config.dataDir, queue: wal, memory };
  const settings = (id: string): ComponentSettings => ({ id, logger: logger.child(id), metrics, host });
  const built = build(config, settings);

  const influx = built.exporters.get('influxdb') as InfluxdbExporter | undefined;
  const errors = built.processors.find((p): p is ErrorsProcessor => p instanceof ErrorsProcessor);
  const routes: ApiRoute[] = [];
  if (built.apiWrites) {
    routes.push({ router: createDeploymentsRouter({ consumer: built.apiWrites, logger: logger.child('deployments') }), endpoints: ['POST /api/deployments'] });
  }
  if (errors && built.apiWrites) {
    routes.push({
      router: createErrorsRouter({
        issues: new IssueService({ client: storage.query, writer: built.apiWrites }),
        sourceMaps: errors.sourceMaps,
        maxSourceMapBytes: config.processors.errors.sourceMaps.maxUploadBytes,
        logger: logger.child('errors-api'),
      }),
      endpoints: ['GET /api/errors', 'GET /api/errors/:fingerprint', 'POST /api/errors/:fingerprint/resolve', 'POST /api/sourcemaps'],
    });
  }
  const api = createApiServer({
    ...config.api,
    metrics,
    logger: logger.child('api'),
    readiness: readinessChecks(influx, wal),
    routes,
  });

  const started: Lifecycle[] = [];
  const stopAll = async (deadline: number) => {
    for (const component of [...started].reverse()) {
      try {
        await component.shutdown(deadline);
      } catch (err) {
        logger.error('shutdown failed', { error: (err as Error).message });
      }
    }
    await wal?.close();
  };
  try {
    for (const component of [...built.exporters.values(), ...built.processors, ...built.receivers.values(), api]) {
      await component.start();
      started.push(component);
    }
  } catch (err) {
    await stopAll(Date.now() + config.shutdownTimeoutMs);
    throw err;
  }

  const otlp = (built.receivers.get('otlp_http') as OtlpHttpReceiver | undefined)?.address();
  const apiAddress = api.address();
  const urls = { otlpHttp: otlp ? `http://${otlp.host}:${otlp.port}` : '', api: `http://${apiAddress.host}:${apiAddress.port}` };
  const endpoints: Endpoint[] = [
    ...(otlp ? [{ name: 'OTLP/HTTP', url: `${urls.otlpHttp}/v1/{traces,metrics,logs}` }] : []),
    { name: 'API', url: `${urls.api} (GET / lists every endpoint)` },
    { name: 'InfluxDB', url: storage.describe() },
    ...(wal ? [{ name: 'WAL', url: `${join(config.dataDir, 'wal')} (acknowledged once on disk${config.queue.fsync ? ', fsync' : ', NO fsync'})` }] : []),
  ];
  logger.info('collector started', { endpoints, pipelines: Object.keys(config.service.pipelines) });

  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    urls,
    metrics,
    written: async (timeoutMs = 10_000) => {
      if (!wal) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${wal.pendingEntries} batches still unwritten after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([wal.drained(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    shutdown: () => (stopping ??= stopAll(Date.now() + config.shutdownTimeoutMs)),
  };
}

/** Opens the write-ahead log under dataDir/wal, reads back what it holds, and reports it. */
async function openWriteAheadLog(config: HermesConfig, logger: Logger, metrics: SelfMetrics): Promise<WriteAheadLog> {
  const MiB = 1024 * 1024;
  const q = config.queue;
  const wal = new WriteAheadLog({
    dir: join(config.dataDir, 'wal'),
    maxBytes: q.maxMiB * MiB,
    segmentMaxBytes: q.segmentMiB * MiB,
    fsync: q.fsync,
    memoryCacheBytes: q.memoryCacheMiB * MiB,
    retryAfterSeconds: q.retryAfterSeconds,
    logger: logger.child('wal'),
    onFsync: (seconds) => metrics.queueFsync.observe(seconds),
  });
  const report = await wal.open();
  metrics.queueReplayedPoints.inc(report.lines);
  metrics.queueCorruptBytes.inc(report.corruptBytes);
  metrics.observeQueue(() => ({ bytes: wal.bytes, segments: wal.segmentCount, pendingEntries: wal.pendingEntries, oldestAgeSeconds: wal.oldestPendingAgeSeconds() }));
  if (report.entries > 0 || report.corruptBytes > 0) {
    logger.info('write-ahead log read back; its batches are written to InfluxDB again', { ...report });
  }
  return wal;
}

/**
 * Without a log, ready means InfluxDB takes writes. With one, the collector takes data while
 * the log has room, whatever InfluxDB does: a load balancer must not drop every replica
 * because the database restarts (the log rides that out). InfluxDB's state is still shown.
 */
function readinessChecks(influx: InfluxdbExporter | undefined, wal: WriteAheadLog | undefined): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  if (influx && !wal) checks.push(() => ({ name: 'influxdb', ...influx.health() }));
  if (influx && wal) {
    checks.push(() => {
      const health = influx.health();
      return { name: 'influxdb', ready: true, reason: health.ready ? 'ok' : `${health.reason}; writes wait in the write-ahead log` };
    });
  }
  if (wal) {
    checks.push(() =>
      wal.hasRoom() ? { name: 'write-ahead log', ready: true, reason: 'ok' } : { name: 'write-ahead log', ready: false, reason: `full (${wal.bytes} bytes; queue.maxMiB)` },
    );
  }
  return checks;
}
