/** Public surface of the API server and the routers mounted on it. */
export {
  ApiServer,
  apiServerConfigSchema,
  createApiApp,
  createApiServer,
  evaluateReadiness,
  type ApiRoute,
  type ApiServerConfig,
  type ApiServerDependencies,
  type ApiServerOptions,
  type Readiness,
  type ReadinessCheck,
} from './server';
export { HttpServer, type HttpServerOptions, type RequestHandler } from './http-server';
export { createDeploymentsRouter, type DeploymentsRouterOptions } from './deployments';
