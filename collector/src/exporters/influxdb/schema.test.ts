/**
 * The hermes schema v1 and the line-protocol traps of influxd 1.6.7, written through the
 * exporter to the real influxd of jest's global setup and read back with InfluxQL.
 */
import fc from 'fast-check';
import type { Metric } from '../../model/telemetry';
import type { InfluxdbExporter } from './exporter';
import type { SelfMetrics } from '../../pipeline/self-metrics';
import {
  attrs,
  droppedPoints,
  gauge,
  logRecord,
  logs,
  metrics as metricsBatch,
  query,
  rows,
  span,
  T0,
  testExporter,
  traces,
} from './testdata/batches';

const url = process.env.HERMES_TEST_INFLUX_URL as string;
const db = `hermes_schema_${process.pid}`;

let exporter: InfluxdbExporter;
let metrics: SelfMetrics;

beforeAll(async () => {
  ({ exporter, metrics } = testExporter(url, db, { tagAttributes: ['http.route', 'time', 'weird'] }));
  await exporter.start();
});

afterAll(async () => {
  await exporter.shutdown(Date.now() + 5000);
  await fetch(`${url}/query?q=${encodeURIComponent(`DROP DATABASE "${db}"`)}`, { method: 'POST' });
});

/** A unique service name per test keeps the tests' rows apart. */
let serviceCounter = 0;
function service(): string {
  return `svc-${++serviceCounter}`;
}

describe('InfluxdbExporter (schema)', () => {
  describe('.start', () => {
    it('creates the database with the DEFAULT retention policy', async () => {
      const [series] = await query(url, db, 'SHOW RETENTION POLICIES');
      const hermes = series.values.find((v) => v[0] === 'hermes');
      expect(hermes).toBeDefined();
      expect(hermes?.[1]).toBe('168h0m0s');
      expect(hermes?.[hermes.length - 1]).toBe(true);
      expect(exporter.health()).toEqual({ ready: true, reason: 'ok' });
    });
  });

  describe('.consume (spans)', () => {
    it('writes the span tags and fields of the schema', async () => {
      const svc = service();
      const s = span({
        parentSpanId: '00f067aa0ba902b7',
        kind: 3,
        status: { code: 2, message: 'boom' },
        traceState: 'k=v',
        attributes: attrs({ 'http.route': '/items/:id', 'db.statement': 'SELECT 1', retries: 3, cached: true, tags: ['a', 1] }),
        events: [{ timeUnixNano: 1n, name: 'exception', attributes: attrs({ 'exception.type': 'Error' }), droppedAttributesCount: 0 }],
      });
      await exporter.consume(traces([s], { 'service.name': svc, 'service.version': '1.2.3', 'deployment.environment.name': 'prod', 'host.name': 'h1' }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row).toMatchObject({
        service: svc,
        version: '1.2.3',
        environment: 'prod',
        kind: 'client',
        status: 'error',
        'http.route': '/items/:id',
        trace_id: s.traceId,
        span_id: s.spanId,
        parent_span_id: '00f067aa0ba902b7',
        name: 'GET /items',
        duration_ns: 1_500_000,
        status_message: 'boom',
        trace_state: 'k=v',
        flags: 1,
        scope_name: 'test',
        scope_version: '1.0',
        events_count: 1,
        'db.statement': 'SELECT 1',
        'retries:num': 3,
        'cached:bool': true,
        tags: '["a",1]',
        resource_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      // Resource attributes are not repeated on the span: its resource_id names a `resources` point.
      expect(Object.keys(row).filter((k) => k.startsWith('resource.'))).toEqual([]);
      const [resource] = await rows(url, db, `SELECT * FROM resources WHERE resource_id = '${String(row.resource_id)}'`);
      expect(resource).toMatchObject({ service: svc, version: '1.2.3', environment: 'prod', 'resource.host.name': 'h1', 'resource.service.name': svc });
      expect(new Date(String(resource.time)).getTime() % 3_600_000).toBe(0);
      expect(JSON.parse(row.events as string)).toEqual([{ time_unix_nano: '1', name: 'exception', attributes: { 'exception.type': 'Error' } }]);
      const [keys] = await query(url, db, 'SHOW FIELD KEYS FROM spans');
      const types = Object.fromEntries(keys.values.map(([k, t]) => [k, t]));
      expect(types).toMatchObject({ duration_ns: 'integer', 'retries:num': 'float', flags: 'integer', events_count: 'integer' });
    });

    it('renames an attribute field called time, which influxd would silently drop', async () => {
      const svc = service();
      await exporter.consume(traces([span({ attributes: attrs({ time: 'noon', name: 'shadow', 'attr.x': 'y' }) })], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row['attr.time']).toBe('noon');
      expect(row['attr.name']).toBe('shadow');
      expect(row['attr.attr.x']).toBe('y');
      expect(row.name).toBe('GET /items');
    });

    it('renames a tag attribute called time, which influxd would refuse with the whole point', async () => {
      const svc = service();
      await exporter.consume(traces([span({ attributes: attrs({ time: 'noon' }) })], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row['attr.time']).toBe('noon');
    });

    it('skips NaN and infinite fields, counts them, and keeps the point', async () => {
      const svc = service();
      const before = await droppedPoints(metrics, 'non_finite_field');
      await exporter.consume(traces([span({ attributes: attrs({ a: NaN, b: Infinity, c: -Infinity, d: 1.5 }) })], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row['d:num']).toBe(1.5);
      expect(row['a:num']).toBeUndefined();
      expect((await droppedPoints(metrics, 'non_finite_field')) - before).toBe(3);
    });

    it('writes integers beyond 2^53 without the unsigned suffix influxd refuses', async () => {
      const svc = service();
      const s = span({ flags: 0xffffffff, endTimeUnixNano: T0 + 4_611_686_018_427_387_904n, attributes: attrs({ big: 18_446_744_073_709_551_616 }) });
      await exporter.consume(traces([s], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT flags, duration_ns, "big:num" FROM spans WHERE service = '${svc}'`);
      expect(row.flags).toBe(0xffffffff);
      expect(row.duration_ns).toBe(4_611_686_018_427_387_904);
      expect(row['big:num']).toBe(18_446_744_073_709_551_616);
    });

    it('omits empty tag values, which influxd refuses', async () => {
      const svc = service();
      await exporter.consume(traces([span({ attributes: attrs({ 'http.route': '' }) })], { 'service.name': svc, 'service.version': '' }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row).toBeDefined();
      expect(row.version ?? null).toBeNull();
      expect(row['http.route'] ?? null).toBeNull();
    });

    it('stores backslashes in tag values as documented and in string fields exactly', async () => {
      // tag value → what influxd can hold (docs/schema.md "Backslashes in tags")
      const cases: [string, string][] = [
        ['C:\\dir\\file', 'C:\\dir\\file'],
        ['a\\\\b', 'a\\\\b'],
        ['dir\\', 'dir'],
        ['dir\\\\', 'dir'],
        ['a\\,b', 'a\\\\,b'],
        ['a\\\\,b', 'a\\\\,b'],
        ['a\\ b', 'a\\\\ b'],
        ['a\\=b', 'a\\\\=b'],
        ['\\', ''],
      ];
      const svc = service();
      await exporter.consume(
        traces(
          cases.map(([value], i) => span({ name: `case${i}`, attributes: attrs({ 'http.route': value, copy: value }) })),
          { 'service.name': svc },
        ),
      );
      const stored = await rows(url, db, `SELECT "name", "http.route", copy FROM spans WHERE service = '${svc}'`);
      expect(stored).toHaveLength(cases.length);
      for (const row of stored) {
        const [value, tagValue] = cases[Number(String(row.name).slice(4))];
        expect(row.copy).toBe(value);
        expect(row['http.route'] ?? '').toBe(tagValue);
      }
    });

    it('escapes commas, spaces, equals signs, quotes and newlines in tag and field keys and values', async () => {
      const svc = service();
      const nasty = 'a, b=c "d"\ne';
      await exporter.consume(traces([span({ name: nasty, attributes: attrs({ weird: 'x, y=z "q"', [nasty]: nasty }) })], { 'service.name': `${svc} ${nasty}` }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc} a, b=c "d"\\\\ne'`);
      expect(row).toBeDefined();
      expect(row.name).toBe(nasty);
      expect(row.weird).toBe('x, y=z "q"');
      // A newline cannot be part of a key: it is stored as the two characters \n.
      expect(row['a, b=c "d"\\ne']).toBe(nasty);
    });

    it('truncates string fields over 64 KiB on a character boundary and counts it', async () => {
      const svc = service();
      const before = await droppedPoints(metrics, 'string_truncated');
      await exporter.consume(traces([span({ attributes: attrs({ 'db.statement': '€'.repeat(30_000) }) })], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT "db.statement" FROM spans WHERE service = '${svc}'`);
      const text = row['db.statement'] as string;
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(65535);
      expect(text).toBe('€'.repeat(text.length));
      expect(text.length).toBe(Math.floor(65535 / 3));
      expect((await droppedPoints(metrics, 'string_truncated')) - before).toBe(1);
    });

    it('stores control characters as they are and broken UTF-16 as U+FFFD', async () => {
      const svc = service();
      const control = 'a\tb\rc\u0001d\u0000e';
      const broken = 'x\ud800y';
      await exporter.consume(traces([span({ attributes: attrs({ 'http.route': control, c: control, b: broken, [broken]: 'key' }) })], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`);
      expect(row['http.route']).toBe(control);
      expect(row.c).toBe(control);
      expect(row.b).toBe('x\ufffdy');
      expect(row['x\ufffdy']).toBe('key');
    });

    it('round-trips arbitrary tag values without backslashes or newlines, and any string field', async () => {
      const svc = service();
      const values = fc.sample(fc.string({ unit: 'grapheme', minLength: 1 }), 60).map((v, i) => `${i}:${v}`);
      await exporter.consume(
        traces(values.map((value, i) => span({ name: `v${i}`, attributes: attrs({ weird: value, copy: value }) })), { 'service.name': svc }),
      );
      const stored = await rows(url, db, `SELECT "name", weird, copy FROM spans WHERE service = '${svc}'`);
      expect(stored).toHaveLength(values.length);
      for (const row of stored) {
        const value = values[Number(String(row.name).slice(1))];
        expect(row.copy).toBe(value);
        if (!/[\\\n]/.test(value)) expect(row.weird).toBe(value);
      }
    });

    it('stores 10,000 spans with identical tags and timestamp, and a re-sent batch overwrites itself', async () => {
      const svc = service();
      const batch = traces(Array.from({ length: 10_000 }, () => span()), { 'service.name': svc });
      await exporter.consume(batch);
      const count = async () => (await rows(url, db, `SELECT count(span_id) FROM spans WHERE service = '${svc}'`))[0].count;
      expect(await count()).toBe(10_000);
      await exporter.consume(batch);
      expect(await count()).toBe(10_000);
    });

    it('keeps an attribute that is an int in one batch and a string in the next without a conflict', async () => {
      const svc = service();
      const before = await droppedPoints(metrics, 'rejected');
      await exporter.consume(traces([span({ attributes: attrs({ 'user.id': 42 }) })], { 'service.name': svc }));
      await exporter.consume(traces([span({ attributes: attrs({ 'user.id': 'u-42' }) })], { 'service.name': svc }));
      await exporter.consume(traces([span({ attributes: attrs({ 'user.id': true, 'user.id:num': 'text' }) })], { 'service.name': svc }));
      const stored = await rows(url, db, `SELECT "user.id", "user.id:num", "user.id:bool", "user.id:num:str" FROM spans WHERE service = '${svc}'`);
      expect(stored).toHaveLength(3);
      expect(stored.map((r) => [r['user.id'], r['user.id:num'], r['user.id:bool'], r['user.id:num:str']])).toEqual(
        expect.arrayContaining([
          [null, 42, null, null],
          ['u-42', null, null, null],
          [null, null, true, 'text'],
        ]),
      );
      expect((await droppedPoints(metrics, 'rejected')) - before).toBe(0);
    });
  });

  describe('.consume (logs)', () => {
    it('writes level, body, severity and ids; non-string bodies as JSON', async () => {
      const svc = service();
      await exporter.consume(
        logs(
          [
            logRecord({ severityNumber: 10, body: 'plain', traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), eventName: 'login' }),
            logRecord({ severityNumber: 0, severityText: 'WARNING', body: { kvlist: attrs({ user: 'x', n: 2 }) }, timeUnixNano: 0n, observedTimeUnixNano: T0 + 500_000_000n }),
            logRecord({ severityNumber: 17, body: new Uint8Array([1, 2, 3]) }),
          ],
          { 'service.name': svc },
        ),
      );
      const stored = await rows(url, db, `SELECT * FROM logs WHERE service = '${svc}'`);
      const byLevel = Object.fromEntries(stored.map((r) => [r.level, r]));
      expect(byLevel.info).toMatchObject({ body: 'plain', severity: 'INFO2', severity_number: 10, trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8), event_name: 'login', scope_name: 'log' });
      expect(byLevel.warn.severity).toBe('WARNING');
      // The observed time, plus the identity offset below its millisecond precision.
      expect(String(byLevel.warn.time).startsWith(new Date(Number(T0 / 1_000_000n) + 500).toISOString().slice(0, -1))).toBe(true);
      expect(JSON.parse(byLevel.warn.body as string)).toEqual({ user: 'x', n: 2 });
      expect(byLevel.error).toMatchObject({ body: 'AQID', severity: 'ERROR' });
    });

    it('keeps identical-looking but different log records apart and writes a repeated record once', async () => {
      const svc = service();
      const records = Array.from({ length: 500 }, (_, i) => logRecord({ body: `line ${i % 250}`, attributes: attrs({ i }) }));
      await exporter.consume(logs(records, { 'service.name': svc }));
      await exporter.consume(logs(records, { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT count(body) FROM logs WHERE service = '${svc}'`);
      expect(row.count).toBe(500);
    });
  });

  describe('.consume (metrics)', () => {
    it('writes gauge values as floats whether sent as int or double', async () => {
      const svc = service();
      await exporter.consume(metricsBatch([gauge('queue.size', 3, { queue: 'a' })], { 'service.name': svc }));
      await exporter.consume(metricsBatch([gauge('queue.size', 3.5, { queue: 'b' })], { 'service.name': svc }));
      const stored = await rows(url, db, `SELECT value, queue, metric_type FROM "queue.size" WHERE service = '${svc}'`);
      expect(stored.map((r) => [r.queue, r.value, r.metric_type]).sort()).toEqual([
        ['a', 3, 'gauge'],
        ['b', 3.5, 'gauge'],
      ]);
      const [keys] = await query(url, db, 'SHOW FIELD KEYS FROM "queue.size"');
      expect(keys.values).toEqual([['value', 'float']]);
    });

    it('keeps a metric named like a hermes measurement out of it', async () => {
      const svc = service();
      await exporter.consume(metricsBatch([gauge('spans', 5)], { 'service.name': svc }));
      const [row] = await rows(url, db, `SELECT value FROM "metric:spans" WHERE service = '${svc}'`);
      expect(row.value).toBe(5);
      expect(await rows(url, db, `SELECT * FROM spans WHERE service = '${svc}'`)).toEqual([]);
    });

    it('escapes metric names and attribute keys, renaming reserved ones', async () => {
      const svc = service();
      const name = 'odd name,with=signs "q"';
      await exporter.consume(metricsBatch([gauge(name, 1, { 'key,=': 'v, =', value: 'shadow', le_5: 'x', code: 200 })], { 'service.name': svc }));
      const [series] = await query(url, db, 'SHOW MEASUREMENTS');
      expect(series.values.flat()).toContain(name);
      const [row] = await rows(url, db, `SELECT * FROM "odd name,with=signs \\"q\\"" WHERE service = '${svc}'`);
      expect(row).toMatchObject({ value: 1, 'key,=': 'v, =', 'attr.value': 'shadow', 'attr.le_5': 'x', code: '200' });
    });

    it('writes sum temporality, histogram buckets and quantiles, summary quantiles and exemplars', async () => {
      const svc = service();
      const t = T0;
      const list: Metric[] = [
        {
          name: 'requests',
          description: '',
          unit: '1',
          metadata: [],
          data: {
            type: 'sum',
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: t, value: 7, flags: 0, exemplars: [{ filteredAttributes: [], timeUnixNano: t, value: 7, traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }] }],
          },
        },
        {
          name: 'latency',
          description: '',
          unit: 'ms',
          metadata: [],
          data: {
            type: 'histogram',
            aggregationTemporality: 1,
            dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: t, count: 20, sum: 400, bucketCounts: [0, 10, 10, 0], explicitBounds: [10, 20, 30], exemplars: [], flags: 0, min: 11, max: 29 }],
          },
        },
        {
          name: 'rpc',
          description: '',
          unit: 's',
          metadata: [],
          data: { type: 'summary', dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: t, count: 5, sum: 2, quantileValues: [{ quantile: 0.5, value: 0.3 }, { quantile: 0.999, value: 0.9 }], flags: 0 }] },
        },
      ];
      await exporter.consume(metricsBatch(list, { 'service.name': svc }));
      const [sum] = await rows(url, db, `SELECT * FROM requests WHERE service = '${svc}'`);
      expect(sum).toMatchObject({ value: 7, metric_type: 'sum', temporality: 'cumulative' });
      const [hist] = await rows(url, db, `SELECT * FROM latency WHERE service = '${svc}'`);
      expect(hist).toMatchObject({ count: 20, sum: 400, min: 11, max: 29, p50: 20, p90: 28, le_10: 0, le_20: 10, le_30: 20, 'le_+Inf': 20, temporality: 'delta', metric_type: 'histogram' });
      const [summary] = await rows(url, db, `SELECT * FROM rpc WHERE service = '${svc}'`);
      expect(summary).toMatchObject({ count: 5, sum: 2, p50: 0.3, 'p99.9': 0.9, metric_type: 'summary' });
      const [ex] = await rows(url, db, `SELECT * FROM exemplars WHERE service = '${svc}'`);
      expect(ex).toMatchObject({ metric: 'requests', value: 7, trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8) });
    });

    it('keeps two instances of a service apart while a re-export of a point overwrites itself', async () => {
      const svc = service();
      const a = metricsBatch([gauge('cpu', 1)], { 'service.name': svc, 'service.instance.id': 'a' });
      const b = metricsBatch([gauge('cpu', 2)], { 'service.name': svc, 'service.instance.id': 'b' });
      await exporter.consume(a);
      await exporter.consume(b);
      await exporter.consume(a);
      const stored = await rows(url, db, `SELECT value FROM cpu WHERE service = '${svc}'`);
      expect(stored.map((r) => r.value).sort()).toEqual([1, 2]);
    });
  });

  describe('.consume (derived records)', () => {
    it('writes records Hermes derives with typed fields, and a rewrite of one identity overwrites it', async () => {
      const svc = service();
      const record = (identity: string, version: string) => ({
        measurement: 'deployments',
        tags: { service: svc, environment: '' },
        fields: { version, commit: 'abc123', count: 3n, ratio: 0.5, rollback: false, bad: Number.NaN },
        timeUnixNano: T0,
        identity,
      });
      await exporter.consume({ signal: 'records', records: [record('a', '1.0.0'), record('b', '1.1.0')] });
      await exporter.consume({ signal: 'records', records: [record('a', '1.0.1')] });
      const stored = await rows(url, db, `SELECT * FROM deployments WHERE service = '${svc}' ORDER BY time`);
      expect(stored.map((r) => r.version).sort()).toEqual(['1.0.1', '1.1.0']);
      expect(stored[0]).toMatchObject({ commit: 'abc123', count: 3, ratio: 0.5, rollback: false });
      expect(stored[0]).not.toHaveProperty('environment', '');
      expect(stored[0].bad ?? null).toBeNull();
    });
  });
});
