/**
 * Reading hermes measurements back with InfluxQL over InfluxDB's 1.x `/query` API, with the
 * storage's url, database, retention policy and credentials. Every value put into a query
 * goes through `stringLiteral`/`identifier`; nothing else is ever concatenated in.
 */
import { HermesError } from '../../pipeline/errors';
import { authHeaders, endpoint, setCredentials, type InfluxConnectionConfig } from './connection';

/** Where to query: the same settings the writer writes with. */
export type InfluxQueryConfig = Pick<InfluxConnectionConfig, 'url' | 'database' | 'retentionPolicy' | 'username' | 'password' | 'token' | 'requestTimeoutMs'>;

/** One series of a result: its group-by tags and rows keyed by column (time in epoch ms). */
export interface QuerySeries {
  tags: Record<string, string>;
  rows: Record<string, unknown>[];
}

/**
 * An InfluxQL string literal. influxd's scanner knows the escapes `\\`, `\'`, `\"` and `\n`
 * and refuses a raw newline, so those are all the characters that need care.
 */
export function stringLiteral(value: string): string {
  return `'${value.replace(/[\\'\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}'`;
}

/** A double-quoted InfluxQL identifier (measurement, retention policy, tag or field key). */
export function identifier(name: string): string {
  return `"${name.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
}

/** A time bound in nanoseconds since the epoch, as an integer literal (no parsing by influxd). */
export function timeLiteral(epochMs: number): string {
  return `${BigInt(Math.trunc(epochMs)) * 1_000_000n}`;
}

interface RawResult {
  statement_id?: number;
  error?: string;
  series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
}

export class InfluxQueryClient {
  private readonly queryUrl: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly config: InfluxQueryConfig) {
    this.queryUrl = endpoint(config, 'query').toString();
    this.headers = { 'Content-Type': 'application/x-www-form-urlencoded', ...authHeaders(config) };
  }

  /** `"<rp>"."<measurement>"`: reads what the exporter wrote, whatever the default policy is. */
  from(measurement: string): string {
    return `${identifier(this.config.retentionPolicy)}.${identifier(measurement)}`;
  }

  /**
   * Runs `;`-joined statements in one request; returns one list of series per statement.
   * Rejects with HERMES_ERR_UNAVAILABLE when InfluxDB cannot answer, HERMES_ERR_INTERNAL
   * when it refuses a statement (a bug here: user input never reaches the syntax).
   */
  async query(statements: string[]): Promise<QuerySeries[][]> {
    const form = new URLSearchParams({ db: this.config.database, epoch: 'ms', q: statements.join(';\n') });
    setCredentials(form, this.config);
    let response: Response;
    try {
      response = await fetch(this.queryUrl, {
        method: 'POST',
        headers: this.headers,
        body: form.toString(),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (err) {
      throw new HermesError('HERMES_ERR_UNAVAILABLE', `influxdb query failed: ${(err as Error).message}`, { retryAfterSeconds: 1 });
    }
    const text = await response.text();
    if (response.status >= 500 || response.status === 401 || response.status === 403) {
      throw new HermesError('HERMES_ERR_UNAVAILABLE', `influxdb answered ${response.status}: ${text.slice(0, 200)}`, { retryAfterSeconds: 1 });
    }
    let body: { results?: RawResult[]; error?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new HermesError('HERMES_ERR_INTERNAL', `influxdb answered ${response.status} with non-JSON`);
    }
    if (body.error !== undefined) throw new HermesError('HERMES_ERR_INTERNAL', `influxql: ${body.error}`);
    const results = body.results ?? [];
    return statements.map((_, i) => {
      const result = results.find((r) => r.statement_id === i) ?? results[i];
      // "database not found" before the first write is simply "nothing yet".
      if (result?.error !== undefined && !/database not found/.test(result.error)) {
        throw new HermesError('HERMES_ERR_INTERNAL', `influxql: ${result.error}`);
      }
      return (result?.series ?? []).map((s) => ({
        tags: s.tags ?? {},
        rows: s.values.map((values) => Object.fromEntries(s.columns.map((c, j) => [c, values[j]]))),
      }));
    });
  }
}
