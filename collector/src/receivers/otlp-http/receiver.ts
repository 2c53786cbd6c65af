/**
 * The otlp_http receiver: OTLP over HTTP/1.1 (protobuf and JSON) on port 4318, served
 * by express (default) or a bare node:http server around the same ingest handler.
 */
import express from 'express';
import { HttpServer } from '../../api/http-server';
import type { ComponentFactory, ComponentSettings, Consumer, Lifecycle } from '../../pipeline/component';
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

export class OtlpHttpReceiver implements Lifecycle {
  readonly config: Readonly<OtlpHttpReceiverConfig>;
  private readonly http: HttpServer;

  constructor(options: OtlpHttpReceiverOptions) {
    const { settings, next } = options;
    this.config = Object.freeze({ ...options.config });
    const logger = settings.logger.child(settings.id);
    const ingest = createOtlpIngestHandler({
      receiverId: settings.id,
      config: this.config,
      next,
      decode: options.decode ?? decodeOtlp,
      logger,
      metrics: settings.metrics,
      isShuttingDown: () => this.http.closing,
    });
    let handler = ingest;
    if (this.config.server === 'express') {
      const app = express();
      app.disable('x-powered-by');
      // The ingest handler does its own routing (404/405) so both stacks answer alike.
      app.use((req, res) => ingest(req, res));
      handler = app;
    }
    this.http = new HttpServer({
      name: `receiver ${settings.id}`,
      host: this.config.host,
      port: this.config.port,
      handler,
      logger,
    });
  }

  /** Listens; rejects with a HermesError naming the address when the port is taken. */
  start(): Promise<void> {
    return this.http.start();
  }

  /**
   * Stops accepting connections and answers new requests on open ones with 503, lets
   * in-flight requests finish until `deadline` (epoch ms), then closes what is left.
   */
  shutdown(deadline: number): Promise<void> {
    return this.http.shutdown(deadline);
  }

  /** The bound address (the real port when configured with port 0). */
  address(): { host: string; port: number } {
    return this.http.address();
  }
}

export const otlpHttpReceiverFactory: ComponentFactory<OtlpHttpReceiverConfig, OtlpHttpReceiver> = {
  type: 'otlp_http',
  configSchema: otlpHttpReceiverConfigSchema,
  create: (settings, config, next) => new OtlpHttpReceiver({ settings, config, next }),
};
