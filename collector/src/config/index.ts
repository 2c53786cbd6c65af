export { loadConfig, type LoadConfigOptions } from './load';
export { configSchema, type HermesConfig, type PipelineConfig } from './schema';
export { ConfigError, envBindings } from './env';
