/**
 * The otlp_http receiver: OTLP over HTTP/1.1 (protobuf and JSON) on port 4318, on a bare
 * node:http server (measured faster than express for ingest: docs/BENCHMARKS.md).
 */
import { HttpServer } from '../../api/http-server';
import type { ComponentFactory, ComponentSettings, Consumer } from '../../pipeline/component';
import { IngestService, type Decode } from '../../pipeline/ingest';
import { decodeOtlp } from '../otlp';
import { otlpHttpReceiverConfigSchema, type OtlpHttpReceiverConfig } from './config';
import { createOtlpHttpHandler } from './handler';

export interface OtlpHttpReceiverOptions {
  settings: ComponentSettings;
  config: OtlpHttpReceiverConfig;
  next: Consumer;
  /** The OTLP decoder; the real one unless a test substitutes its own. */
  decode?: Decode;
}

/**
 * Listens on config.host:port; `shutdown` answers requests still arriving on open
 * connections with 503 + Retry-After while in-flight ones finish.
 */
export class OtlpHttpReceiver extends HttpServer {
  readonly config: Readonly<OtlpHttpReceiverConfig>;
  private readonly ingest: IngestService;

  constructor(options: OtlpHttpReceiverOptions) {
    const { settings, next } = options;
    const config = Object.freeze({ ...options.config });
    const logger = settings.logger.child(settings.id);
    const ingest = new IngestService({
      receiverId: settings.id,
      limits: config,
      next,
      decode: options.decode ?? decodeOtlp,
      logger,
      metrics: settings.metrics,
      memory: settings.host.memory,
    });
    super({
      name: `receiver ${settings.id}`,
      host: config.host,
      port: config.port,
      requestTimeoutMs: config.requestTimeoutMs,
      logger,
      createHandler: () => createOtlpHttpHandler({ receiverId: settings.id, maxRequestBytes: config.maxRequestBytes, ingest, metrics: settings.metrics }),
      onClosing: () => ingest.close(),
    });
    this.config = config;
    this.ingest = ingest;
  }

  /** Requests admitted by the ingest service and not yet settled. */
  get activeRequests(): number {
    return this.ingest.active;
  }
}

export const otlpHttpReceiverFactory: ComponentFactory<OtlpHttpReceiverConfig, OtlpHttpReceiver> = {
  type: 'otlp_http',
  configSchema: otlpHttpReceiverConfigSchema,
  create: (settings, config, next) => new OtlpHttpReceiver({ settings, config, next }),
};
