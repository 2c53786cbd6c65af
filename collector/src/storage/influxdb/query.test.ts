import fc from 'fast-check';
import { InfluxQueryClient, identifier, stringLiteral } from './query';

const influxUrl = new URL(process.env.HERMES_TEST_INFLUX_URL ?? 'http://127.0.0.1:8086');
const database = `errors_influxql_${process.pid}`;

async function influx(path: string, body: string): Promise<void> {
  const res = await fetch(`${influxUrl.origin}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

const client = new InfluxQueryClient({ url: influxUrl.origin, database, retentionPolicy: 'autogen', requestTimeoutMs: 5_000 });

/** Values as tricky as line protocol lets a string field carry (no lone surrogates). */
const hostile = ["o'brien", 'back\\slash', "trailing\\", "\\'", "x' OR 1=1 --", 'line\nbreak', 'quote"d', '/regex/', '; DROP DATABASE x'];

beforeAll(async () => {
  await influx('/query', `q=${encodeURIComponent(`CREATE DATABASE ${identifier(database)}`)}`);
  // String fields round-trip exactly, so a field holds the reference text.
  const lines = hostile.map((v, i) => `probe,n=${i} text="${v.replace(/["\\]/g, (c) => `\\${c}`)}" ${i + 1}`);
  await influx(`/write?db=${database}&precision=ns`, lines.join('\n'));
});
afterAll(() => influx('/query', `q=${encodeURIComponent(`DROP DATABASE ${identifier(database)}`)}`));

describe('stringLiteral', () => {
  it.each(hostile)('finds exactly the point holding %j', async (value) => {
    const [series] = await client.query([`SELECT "text" FROM ${client.from('probe')} WHERE "text" = ${stringLiteral(value)}`]);
    expect(series!.flatMap((s) => s.rows.map((r) => r.text))).toEqual([value]);
  });

  it('always yields a statement influxd parses, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), async (value) => {
        const [series] = await client.query([`SELECT "text" FROM ${client.from('probe')} WHERE "text" = ${stringLiteral(value)}`]);
        expect(series!.flatMap((s) => s.rows.map((r) => r.text))).toEqual(hostile.includes(value) ? [value] : []);
      }),
      { numRuns: 50 },
    );
  });
});
