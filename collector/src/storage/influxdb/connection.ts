/**
 * How Hermes reaches InfluxDB: URLs, credentials and database set-up, in one place for
 * the writer and the query client. InfluxDB 1.x takes `u`/`p` parameters; the
 * v1-compatible API of 2.x/3.x takes `Authorization: Token`.
 */
import { InfluxDB } from 'influx';
import type { InfluxStorageConfig } from './config';

export type InfluxConnectionConfig = Pick<
  InfluxStorageConfig,
  'url' | 'database' | 'retentionPolicy' | 'retentionDuration' | 'createDatabase' | 'username' | 'password' | 'token' | 'requestTimeoutMs'
>;

/** Headers every request to InfluxDB carries. */
export function authHeaders(config: Pick<InfluxConnectionConfig, 'token'>): Record<string, string> {
  return config.token ? { Authorization: `Token ${config.token}` } : {};
}

/** Sets the 1.x credentials on a query string or form. */
export function setCredentials(params: URLSearchParams, config: Pick<InfluxConnectionConfig, 'username' | 'password'>): void {
  if (config.username !== undefined) params.set('u', config.username);
  if (config.password !== undefined) params.set('p', config.password);
}

/** `<base>/<path>` without doubled slashes. */
export function endpoint(config: Pick<InfluxConnectionConfig, 'url'>, path: 'write' | 'query' | 'ping'): URL {
  return new URL(`${config.url.replace(/\/+$/, '')}/${path}`);
}

/** POST /write URL with db, rp, ns precision and credentials. */
export function writeUrl(config: InfluxConnectionConfig): string {
  const url = endpoint(config, 'write');
  url.searchParams.set('db', config.database);
  url.searchParams.set('rp', config.retentionPolicy);
  url.searchParams.set('precision', 'ns');
  setCredentials(url.searchParams, config);
  return url.toString();
}

/**
 * Database management through the `influx` package (writes and queries do not use it:
 * too slow on the hot path, and its query results drop the statement structure).
 */
export class InfluxAdmin {
  private readonly influx: InfluxDB;

  constructor(private readonly config: InfluxConnectionConfig) {
    const base = new URL(config.url);
    this.influx = new InfluxDB({
      host: base.hostname,
      port: Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
      path: base.pathname.replace(/\/+$/, ''),
      username: config.username,
      password: config.password,
      database: config.database,
      // These request options replace influx's own headers (and its Basic auth), so only with a token.
      options: config.token ? { headers: authHeaders(config) } : undefined,
      pool: { requestTimeout: config.requestTimeoutMs, maxRetries: 0 },
    });
  }

  /** Database and DEFAULT retention policy, created when missing (or only checked when createDatabase is off). */
  async ensureDatabase(): Promise<void> {
    const { database, retentionPolicy, retentionDuration } = this.config;
    if (!this.config.createDatabase) {
      const hosts = await this.influx.ping(this.config.requestTimeoutMs);
      if (!hosts.some((h) => h.online)) throw new Error('influxdb did not answer /ping');
      return;
    }
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(database)) await this.influx.createDatabase(database);
    const policies = await this.influx.showRetentionPolicies(database);
    if (!policies.some((p) => p.name === retentionPolicy)) {
      await this.influx.createRetentionPolicy(retentionPolicy, { database, duration: retentionDuration, replication: 1, isDefault: true });
    }
  }
}
