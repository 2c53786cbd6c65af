export { loadConfig, type LoadConfigOptions } from './load';
export { configSchema, type HermesConfig } from './schema';
export { ConfigError, envBindings } from './env';
