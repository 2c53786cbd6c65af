/** Public API of @hermes/collector: run a collector in-process, and the local influxd helper. */
export { startCollector, type RunningCollector, type StartOptions, type Endpoint } from './service';
export { loadConfig, configSchema, ConfigError, envBindings, type HermesConfig } from './config';
export { SelfMetrics } from './pipeline/self-metrics';
export { createLogger, silentLogger, type Logger } from './pipeline/logger';
export { HermesError, errorCatalog, type ErrorCode } from './pipeline/errors';
export { TAKEN, type Consumer, type Receipt, type Lifecycle, type ComponentFactory, type ComponentSettings, type ComponentHost } from './pipeline/component';
export type * from './model/telemetry';
export { startInfluxd, freePort, type RunningInfluxd, type InfluxdOptions } from './dev/influxd';
