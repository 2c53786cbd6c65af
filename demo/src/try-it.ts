/**
 * The "Try it" commands `npm start` prints, each one to be run as printed in sh on the machine
 * `npm start` set up. InfluxDB is queried with curl over its HTTP API because Debian's
 * `influxdb` package has no `influx` client (that is `influxdb-client`). try-it.test.ts runs them.
 */

export interface TryItOptions {
  /** InfluxDB's base URL, e.g. http://127.0.0.1:8086. */
  influxUrl: string;
  database: string;
  /** Hermes' API base URL, e.g. http://127.0.0.1:4319. */
  apiUrl: string;
  /** A trace of the `checkout` sample service to show the spans and logs of. */
  traceId?: string;
  /** The demo shop's URL, when the demo app runs. */
  shopUrl?: string;
}

export interface TryItCommand {
  /** What it shows, in a few words. */
  what: string;
  /** The sh command line, exactly as printed. */
  command: string;
  /** What it prints: CSV with a header line (InfluxQL), JSON, text lines, or nothing to check (traffic). */
  output: 'csv' | 'json' | 'lines' | 'traffic';
}

/** Every command `npm start` prints under "Try it", in order. */
export function tryItCommands(options: TryItOptions): TryItCommand[] {
  const influxql = (what: string, query: string): TryItCommand => ({
    what,
    command: influxqlCommand(options.influxUrl, options.database, query),
    output: 'csv',
  });
  const commands: TryItCommand[] = [
    influxql(
      "the latest spans of 'checkout'",
      `SELECT "name", duration_ns, status, trace_id FROM spans WHERE service = 'checkout' ORDER BY time DESC LIMIT 5`,
    ),
  ];
  if (options.traceId) {
    // The recipes of docs/schema.md §4 ("Trace recipes").
    commands.push(
      influxql(
        'all spans of one failed checkout trace',
        `SELECT service, "name", kind, status, span_id, parent_span_id, duration_ns FROM spans WHERE trace_id = '${options.traceId}' AND time > now() - 1d`,
      ),
      influxql('the logs of that trace', `SELECT service, level, body, span_id FROM logs WHERE trace_id = '${options.traceId}' AND time > now() - 1d`),
    );
  }
  commands.push(
    { what: 'errors grouped into issues', command: `curl -s ${options.apiUrl}/api/errors`, output: 'json' },
    { what: "the collector's own metrics", command: `curl -s ${options.apiUrl}/metrics | grep '^hermes_'`, output: 'lines' },
  );
  if (options.shopUrl) {
    commands.push(
      influxql(
        'server spans and p99 latency (ns) of the shop, per release',
        `SELECT count(span_id), percentile(duration_ns, 99) FROM spans WHERE service = 'shop' AND kind = 'server' GROUP BY version`,
      ),
      influxql('the deployment', `SELECT * FROM deployments`),
      { what: '30 s more traffic for the shop (from the repository root)', command: `node demo/dist/traffic.js ${options.shopUrl} 30`, output: 'traffic' },
    );
  }
  return commands;
}

/** The commands as printed: each under a `#` line saying what it shows, indented. */
export function formatTryIt(commands: TryItCommand[]): string {
  return commands.map((c) => `  # ${c.what}\n  ${c.command}`).join('\n');
}

/** An InfluxQL query as a curl command against InfluxDB 1.x's /query endpoint, answered as CSV. */
export function influxqlCommand(influxUrl: string, database: string, query: string): string {
  return `curl -sG ${influxUrl}/query -H 'Accept: application/csv' --data-urlencode ${shellQuote(`db=${database}`)} --data-urlencode ${shellQuote(`q=${query}`)}`;
}

/** `text` as one sh word: bare when safe, else in single quotes, else (it holds one) in double quotes. */
export function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  if (!text.includes("'")) return `'${text}'`;
  return `"${text.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}
