/**
 * Listening and graceful shutdown for Hermes' HTTP servers (the API server and the
 * OTLP/HTTP receiver): a clear error when the port is taken, and a shutdown that
 * stops accepting, lets in-flight requests finish until a deadline, then cuts the rest.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HermesError } from '../pipeline/errors';
import type { Lifecycle } from '../pipeline/component';
import type { Logger } from '../pipeline/logger';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServerOptions {
  /** Who is listening, for error messages (e.g. the component id). */
  name: string;
  host: string;
  port: number;
  /** Builds the request handler; gets the server so the handler can ask whether it is `closing`. */
  createHandler: (server: HttpServer) => RequestHandler;
  /** Called once when shutdown begins, before in-flight requests are waited for. */
  onClosing?: () => void;
  logger: Logger;
  /**
   * Time allowed to receive a whole request (headers and body); slower clients get 408.
   * Bounds how long a trickling upload can hold a slot. Node's default (5 min) when unset.
   */
  requestTimeoutMs?: number;
}

/** Node checks request timeouts on an interval; a quarter of the timeout keeps 408s timely. */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 30_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;

/**
 * A started-and-stopped HTTP server; `closing` turns true when shutdown begins. The API
 * server and the OTLP/HTTP receiver extend it with their handler.
 */
export class HttpServer implements Lifecycle {
  private readonly server: Server;
  private readonly inFlight = new Set<ServerResponse>();
  private shutdownPromise: Promise<void> | undefined;
  private closingFlag = false;

  constructor(private readonly options: HttpServerOptions) {
    const handler = options.createHandler(this);
    const requestTimeout = options.requestTimeoutMs;
    const timeouts =
      requestTimeout === undefined
        ? {}
        : {
            requestTimeout,
            // Node refuses a headers timeout longer than the request timeout.
            headersTimeout: Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout),
            connectionsCheckingInterval: Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, Math.ceil(requestTimeout / 4)),
          };
    this.server = createServer(timeouts, (req, res) => {
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
      // A request that arrives on a kept-alive connection during shutdown is the last one on it.
      if (this.closingFlag) res.setHeader('Connection', 'close');
      handler(req, res);
    });
  }

  get closing(): boolean {
    return this.closingFlag;
  }

  /** Requests received and not yet answered. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Listens; rejects with a HermesError naming the address when the port is taken. */
  start(): Promise<void> {
    const { host, port, name, logger } = this.options;
    return new Promise<void>((resolve, reject) => {
      const onListenError = (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.message;
        reject(new HermesError('HERMES_ERR_CONFIG', `${name} cannot listen on ${host}:${port}: ${why}`, { cause: err }));
      };
      this.server.once('error', onListenError);
      this.server.listen(port, host, () => {
        this.server.off('error', onListenError);
        // After start-up a server error must be reported, never crash the process.
        this.server.on('error', (err) => logger.error('http server error', { server: name, error: err.message }));
        resolve();
      });
    });
  }

  /** The address actually bound (the real port when configured with 0). */
  address(): { host: string; port: number } {
    const bound = this.server.address() as AddressInfo | null;
    return bound ? { host: bound.address, port: bound.port } : { host: this.options.host, port: this.options.port };
  }

  /**
   * Stops accepting connections (requests arriving on open ones see `closing`), lets
   * in-flight requests finish until `deadline` (epoch ms), then closes what is left. Idempotent.
   */
  shutdown(deadline: number): Promise<void> {
    this.shutdownPromise ??= this.close(deadline);
    return this.shutdownPromise;
  }

  private async close(deadline: number): Promise<void> {
    this.closingFlag = true;
    this.options.onClosing?.();
    if (!this.server.listening) return;
    // Responses not yet started end their connection instead of keeping it alive.
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([closed, timedOut]);
    clearTimeout(timer);
    // Whatever is still open at the deadline is cut so shutdown returns on time.
    this.server.closeAllConnections();
    await closed;
  }
}
