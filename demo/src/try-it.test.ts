/**
 * What a new user copies from `npm start` and from docs/schema.md, run the way they would: every
 * "Try it" command (try-it.ts) through `sh -c` exactly as printed, and the InfluxQL of the trace
 * recipes, against a collector in this process that the real OpenTelemetry SDK sent sample
 * telemetry to, writing to the test influxd. Needs `npm run build` first (@hermes/collector).
 */
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { RunningCollector } from '@hermes/collector';
import { startTestCollector } from './test-collector';
import { sendSampleTelemetry } from './sample-telemetry';
import { tryItCommands, type TryItCommand } from './try-it';

/** The collector's own data folder (its write-ahead log), removed after the run. */
const dataDir = mkdtempSync(join(tmpdir(), 'hermes-demo-test-'));

const root = resolve(__dirname, '../..');
const influxUrl = process.env.HERMES_TEST_INFLUX_URL as string;
const database = `hermes_try_it_${process.pid}`;
const run = promisify(execFile);

async function influxql(q: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${influxUrl}/query?db=${database}&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[] };
  if (body.results[0].error) throw new Error(`${q}: ${body.results[0].error}`);
  return (body.results[0].series ?? []).flatMap((s) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]]))));
}

/** The ```sql blocks under a heading of docs/schema.md, up to the next heading. */
function sqlBlocksUnder(heading: string): string[] {
  const doc = readFileSync(resolve(root, 'docs/schema.md'), 'utf8');
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/schema.md has no heading "${heading}"`);
  const section = doc.slice(start + heading.length + 2).split(/\n#{1,6} /)[0];
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

describe('npm start', () => {
  let collector: RunningCollector;
  let traceId: string;
  let commands: TryItCommand[];

  beforeAll(async () => {
    const started = await startTestCollector({ influxUrl, database, dataDir });
    collector = started.collector;
    const { otlpPort, apiPort } = started;
    await sendSampleTelemetry(`http://127.0.0.1:${otlpPort}`);
    await collector.written();
    // The demo shop's part, as line protocol: a server span per release and the deployment.
    const lines = [
      `spans,service=shop,kind=server,status=ok,version=1.0.0 trace_id="${'a'.repeat(32)}",span_id="${'b'.repeat(16)}",duration_ns=1200000i`,
      `spans,service=shop,kind=server,status=error,version=1.1.0 trace_id="${'c'.repeat(32)}",span_id="${'d'.repeat(16)}",duration_ns=5300000i`,
      `deployments,service=shop,environment=demo version="1.1.0",commit="c0ffee1"`,
    ];
    const write = await fetch(`${influxUrl}/write?db=${database}`, { method: 'POST', body: lines.join('\n') });
    expect(write.status).toBe(204);
    const [failed] = await influxql(`SELECT trace_id FROM spans WHERE service = 'checkout' AND status = 'error' LIMIT 1`);
    traceId = String(failed.trace_id);
    commands = tryItCommands({
      influxUrl,
      database,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      traceId,
      shopUrl: 'http://127.0.0.1:1',
    });
  }, 60_000);

  afterAll(async () => {
    await collector?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
    await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE ${database}`)}`, { method: 'POST' });
  });

  describe('tryItCommands', () => {
    it('prints curl instead of the influx client, and quotes the keyword "name"', () => {
      const queries = commands.filter((c) => c.output === 'csv').map((c) => c.command);
      expect(queries.length).toBeGreaterThanOrEqual(5);
      for (const query of queries) expect(query).toMatch(/^curl -sG http:\/\/127\.0\.0\.1:\d+\/query /);
      expect(commands.some((c) => /\binflux -/.test(c.command))).toBe(false);
      expect(queries.join('\n')).not.toMatch(/SELECT (\w+, )*name\b/);
    });

    it('gives commands that each run as printed in sh and answer rows, not an error', async () => {
      const failures: { what: string; command: string; stdout: string; error?: string }[] = [];
      for (const { what, command, output } of commands.filter((c) => c.output !== 'traffic')) {
        let stdout = '';
        try {
          // execFile, not spawnSync: the collector answering /api/errors lives in this event loop.
          ({ stdout } = await run('sh', ['-c', command], { cwd: root, timeout: 15_000 }));
        } catch (err) {
          failures.push({ what, command, stdout, error: (err as Error).message });
          continue;
        }
        const lines = stdout.trim().split('\n');
        const answered =
          output === 'csv'
            ? /^name,tags,time,/.test(lines[0]) && lines.length > 1
            : output === 'json'
              ? ((JSON.parse(stdout) as { issues?: unknown[] }).issues?.length ?? 0) > 0
              : lines.length > 0 && lines.every((l) => l.startsWith('hermes_'));
        if (!answered) failures.push({ what, command, stdout: stdout.slice(0, 500) });
      }
      expect(failures).toEqual([]);
    });

    it('shows the spans and the logs of the failed trace', async () => {
      const spans = commands.find((c) => c.what.startsWith('all spans of one'));
      const logs = commands.find((c) => c.what.startsWith('the logs of'));
      const { stdout: spanRows } = await run('sh', ['-c', spans!.command], { cwd: root });
      const { stdout: logRows } = await run('sh', ['-c', logs!.command], { cwd: root });
      // The sample's failed request: a server span with a database and an HTTP client span below it.
      expect(spanRows.trim().split('\n')).toHaveLength(1 + 3);
      expect(logRows).toMatch(/payment declined for order/);
    });

    it('names a traffic script that exists, run from the repository root as printed', () => {
      const traffic = commands.find((c) => c.output === 'traffic');
      expect(traffic?.command).toMatch(/^node demo\/dist\/traffic\.js http:\/\/127\.0\.0\.1:1 30$/);
      expect(existsSync(resolve(root, 'demo/dist/traffic.js'))).toBe(true);
    });
  });

  describe('docs/schema.md trace recipes', () => {
    it('run on InfluxDB as written, with a real trace id for the placeholder', async () => {
      const recipes = sqlBlocksUnder('### Trace recipes');
      expect(recipes).toHaveLength(2);
      const [spans, logs] = await Promise.all(recipes.map((q) => influxql(q.replace(/'…'/g, `'${traceId}'`))));
      expect(spans.map((s) => s.kind).sort()).toEqual(['client', 'client', 'server']);
      expect(spans.filter((s) => s.parent_span_id === '')).toHaveLength(1);
      expect(logs).toEqual([expect.objectContaining({ service: 'checkout', level: 'error', span_id: expect.stringMatching(/^[0-9a-f]{16}$/) })]);
    });
  });
});
