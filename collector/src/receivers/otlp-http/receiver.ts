/**
 * The otlp_http receiver: OTLP over HTTP/1.1 (protobuf and JSON) on port 4318, served
 * by express (default) or a bare node:http server around the same ingest handler.
 */
import express from 'express';
import { HttpServer } from '../../api/http-server';
import type { ComponentFactory, ComponentSettings, Consumer } from '../../pipeline/component';
import { decodeOtlp } from '../otlp';
import { otlpHttpReceiverConfigSchema, type OtlpHttpReceiverConfig } from './config';
import { createOtlpIngestHandler, type DecodeOtlp } from './handler';

export interface OtlpHttpReceiverOptions {
  settings: ComponentSettings;
  config: OtlpHttpReceiverConfig;
  next: Consumer;
  /** The OTLP decoder; the real one unless a test substitutes its own. */
  decode?: DecodeOtlp;
}

/**
 * Listens on config.host:port; `shutdown` answers requests still arriving on open
 * connections with 503 + Retry-After while in-flight ones finish.
 */
export class OtlpHttpReceiver extends HttpServer {
  readonly config: Readonly<OtlpHttpReceiverConfig>;

  constructor(options: OtlpHttpReceiverOptions) {
    const { settings, next } = options;
    const config = Object.freeze({ ...options.config });
    const logger = settings.logger.child(settings.id);
    super({
      name: `receiver ${settings.id}`,
      host: config.host,
      port: config.port,
      requestTimeoutMs: config.requestTimeoutMs,
      logger,
      createHandler: (server) => {
        const ingest = createOtlpIngestHandler({
          receiverId: settings.id,
          config,
          next,
          decode: options.decode ?? decodeOtlp,
          logger,
          metrics: settings.metrics,
          isShuttingDown: () => server.closing,
        });
        if (config.server === 'node') return ingest;
        const app = express();
        app.disable('x-powered-by');
        // The ingest handler does its own routing (404/405) so both stacks answer alike.
        app.use((req, res) => ingest(req, res));
        return app;
      },
    });
    this.config = config;
  }
}

export const otlpHttpReceiverFactory: ComponentFactory<OtlpHttpReceiverConfig, OtlpHttpReceiver> = {
  type: 'otlp_http',
  configSchema: otlpHttpReceiverConfigSchema,
  create: (settings, config, next) => new OtlpHttpReceiver({ settings, config, next }),
};
