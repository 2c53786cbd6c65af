/**
 * The API server (port 4319): liveness, readiness and Prometheus self-metrics, plus the
 * routers later features mount under /api. Not the OTLP ingest path, which has its own port.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { DEFAULT_BIND_HOST } from '../config/bind-host';
import { HermesError } from '../pipeline/errors';
import type { Logger } from '../pipeline/logger';
import type { SelfMetrics } from '../pipeline/self-metrics';
import { HttpServer } from './http-server';
import { asHermesError, sendJsonError } from './json-error';

export const apiServerConfigSchema = z.strictObject({
  host: z.string().min(1).default(DEFAULT_BIND_HOST).describe('Interface the API listens on (HERMES_HOST by default).'),
  /** Next to OTLP/HTTP's 4318, so the collector's ports sit together. */
  port: z.number().int().min(0).max(65535).default(4319).describe('Next to OTLP/HTTP\'s 4318, so the collector\'s ports sit together.'),
});

export type ApiServerConfig = z.infer<typeof apiServerConfigSchema>;

/** One readiness verdict. `name` says which dependency, `reason` why it is (not) ready. */
export interface Readiness {
  name: string;
  ready: boolean;
  reason: string;
}

/**
 * Asked on every GET /readyz, so it must be cheap and synchronous: report state the
 * component already tracks (e.g. the exporter's `health()`), never do I/O here.
 */
export type ReadinessCheck = () => Readiness;

/** What the API server serves besides its config: injected, never discovered. */
export interface ApiServerDependencies {
  metrics: SelfMetrics;
  logger: Logger;
  /** All must pass for /readyz to answer 200. None means ready whenever the process is up. */
  readiness?: ReadinessCheck[];
  /** Mounted after the built-in routes, in order. */
  routes?: ApiRoute[];
}

/** A router carrying its full paths (e.g. /api/deployments), and those paths for GET /. */
export interface ApiRoute {
  router: Router;
  /** `METHOD /path` of each endpoint, listed on GET /. */
  endpoints: string[];
}

const BUILT_IN_ENDPOINTS = ['GET /healthz', 'GET /readyz', 'GET /metrics'];

export type ApiServerOptions = ApiServerConfig & ApiServerDependencies;

/** Runs every check; a check that throws counts as not ready instead of failing the probe. */
export function evaluateReadiness(checks: ReadinessCheck[]): { ready: boolean; checks: Readiness[] } {
  const results = checks.map((check, i): Readiness => {
    try {
      return check();
    } catch (err) {
      return { name: `check ${i}`, ready: false, reason: `the check threw: ${(err as Error).message}` };
    }
  });
  return { ready: results.every((r) => r.ready), checks: results };
}

/** Builds the express app of the API server (exposed for in-process tests and extra mounting). */
export function createApiApp(options: ApiServerDependencies): express.Express {
  const { metrics, logger, readiness = [], routes = [] } = options;
  const app = express();
  app.disable('x-powered-by');

  app.get('/', (_req, res) => {
    res.json({ service: 'hermes', endpoints: [...BUILT_IN_ENDPOINTS, ...routes.flatMap((r) => r.endpoints)] });
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const { ready, checks } = evaluateReadiness(readiness);
    if (ready) {
      res.json({ status: 'ready', checks });
      return;
    }
    const failing = checks.filter((c) => !c.ready).map(({ name, reason }) => ({ name, reason }));
    res.status(503).json({ status: 'not ready', failing, checks });
  });

  app.get('/metrics', async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(text);
  });

  for (const route of routes) app.use(route.router);

  app.use((req, res) => {
    sendJsonError(res, new HermesError('HERMES_ERR_NO_SUCH_ENDPOINT', `${req.method} ${req.path}`));
  });
  // Express needs the four-argument signature to recognise an error handler.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = asHermesError(err);
    if (known !== undefined) return sendJsonError(res, known);
    logger.error('unexpected error in an API route; answered 500', {
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    sendJsonError(res, new HermesError('HERMES_ERR_INTERNAL'));
  });
  return app;
}

/** The API server: an express app on its own port, started and stopped with the collector. */
export class ApiServer extends HttpServer {
  constructor(options: ApiServerOptions) {
    super({
      name: 'api server',
      host: options.host,
      port: options.port,
      createHandler: () => createApiApp(options),
      logger: options.logger,
    });
  }
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  return new ApiServer(options);
}
