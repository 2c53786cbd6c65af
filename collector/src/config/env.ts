/**
 * The environment variables Hermes reads, in one table: each names the config key path it
 * overrides and how its text becomes a value. Blank means unset.
 */

export type EnvKind = 'string' | 'port' | 'integer' | 'list' | 'boolean';

export interface EnvBinding {
  name: string;
  path: string[];
  kind: EnvKind;
  description: string;
}

export const envBindings: readonly EnvBinding[] = [
  { name: 'HERMES_HOST', path: ['host'], kind: 'string', description: 'bind address of every listener' },
  { name: 'HERMES_OTLP_HTTP_PORT', path: ['receivers', 'otlp_http', 'port'], kind: 'port', description: 'OTLP/HTTP port' },
  { name: 'HERMES_OTLP_GRPC_PORT', path: ['receivers', 'otlp_grpc', 'port'], kind: 'port', description: 'OTLP/gRPC port (reserved; the gRPC receiver is not built yet)' },
  { name: 'HERMES_API_PORT', path: ['api', 'port'], kind: 'port', description: 'API port: /healthz, /readyz, /metrics, the errors and deployments API' },
  { name: 'HERMES_INFLUX_URL', path: ['storage', 'influxdb', 'url'], kind: 'string', description: 'InfluxDB base URL' },
  { name: 'HERMES_INFLUX_DATABASE', path: ['storage', 'influxdb', 'database'], kind: 'string', description: 'InfluxDB database' },
  { name: 'HERMES_INFLUX_USERNAME', path: ['storage', 'influxdb', 'username'], kind: 'string', description: 'InfluxDB 1.x user' },
  { name: 'HERMES_INFLUX_PASSWORD', path: ['storage', 'influxdb', 'password'], kind: 'string', description: 'InfluxDB 1.x password' },
  { name: 'HERMES_INFLUX_TOKEN', path: ['storage', 'influxdb', 'token'], kind: 'string', description: 'InfluxDB 2.x/3.x token (v1-compatible API)' },
  { name: 'HERMES_INFLUX_RETENTION', path: ['storage', 'influxdb', 'retentionDuration'], kind: 'string', description: 'retention of the hermes retention policy, e.g. 7d' },
  { name: 'HERMES_INFLUX_CREATE_DATABASE', path: ['storage', 'influxdb', 'createDatabase'], kind: 'boolean', description: 'create database and retention policy when missing' },
  { name: 'HERMES_TAG_ATTRIBUTES', path: ['storage', 'influxdb', 'tagAttributes'], kind: 'list', description: 'comma-separated span/log attribute keys stored as tags' },
  { name: 'HERMES_ERRORS_ENABLED', path: ['processors', 'errors', 'enabled'], kind: 'boolean', description: 'group exceptions into issues (the errors analyzer)' },
  { name: 'HERMES_QUEUE', path: ['queue', 'type'], kind: 'string', description: "'wal' (acknowledge once on local disk) or 'none' (once InfluxDB stored it)" },
  { name: 'HERMES_QUEUE_MAX_MIB', path: ['queue', 'maxMiB'], kind: 'integer', description: 'cap of the write-ahead log on disk; past it senders get 503' },
  { name: 'HERMES_QUEUE_FSYNC', path: ['queue', 'fsync'], kind: 'boolean', description: 'fsync the write-ahead log before acknowledging' },
  { name: 'HERMES_MEMORY_LIMIT_MIB', path: ['memoryLimitMiB'], kind: 'integer', description: 'memory budget; past it new requests get 503 + Retry-After' },
  { name: 'HERMES_DATA_DIR', path: ['dataDir'], kind: 'string', description: 'folder for Hermes state' },
  { name: 'HERMES_LOG_LEVEL', path: ['logLevel'], kind: 'string', description: 'debug, info, warn or error' },
];

/** Thrown for a value that is not what its key expects; names the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseEnvValue(binding: EnvBinding, text: string): unknown {
  switch (binding.kind) {
    case 'string':
      return text;
    case 'port':
    case 'integer': {
      const value = Number(text);
      const max = binding.kind === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(text.trim()) || value > max) {
        const expected = binding.kind === 'port' ? 'a port number from 0 to 65535' : 'a non-negative integer';
        throw new ConfigError(`${binding.name}: expected ${expected}, got '${text}'`);
      }
      return value;
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text.trim())) return true;
      if (/^(false|0|no)$/i.test(text.trim())) return false;
      throw new ConfigError(`${binding.name}: expected true or false, got '${text}'`);
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}

/** Writes every set variable into `raw` (the parsed YAML) at its key path. */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  for (const binding of envBindings) {
    const text = env[binding.name];
    if (text === undefined || text.trim() === '') continue;
    let node = raw;
    for (const key of binding.path.slice(0, -1)) {
      const child = node[key];
      if (child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[binding.path[binding.path.length - 1]] = parseEnvValue(binding, text);
  }
  return raw;
}
