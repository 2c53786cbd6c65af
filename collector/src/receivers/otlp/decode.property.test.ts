import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { HermesError } from '../../pipeline/errors';
import type { AnyValue, KeyValue, Span, TracesBatch } from '../../model/telemetry';
import type { OtlpFormat } from './decode';
import { decodeOtlp } from './index';
import { ProtobufWriter } from './testdata/protobuf-writer';

const SIGNALS = ['traces', 'metrics', 'logs'] as const;
const FORMAT_EXTENSIONS: Record<OtlpFormat, string> = { protobuf: 'pb', json: 'json' };
const fixtures = SIGNALS.flatMap((signal) =>
  (['protobuf', 'json'] as const).map((format) => ({
    signal,
    format,
    body: Uint8Array.from(readFileSync(join(__dirname, 'testdata', `${signal}.${FORMAT_EXTENSIONS[format]}`))),
  })),
);

/** The decoder's contract on bad input: a result, or HERMES_ERR_BAD_REQUEST; never anything else. */
function decodesOrRejects(signal: (typeof SIGNALS)[number], format: OtlpFormat, body: Uint8Array): void {
  try {
    const result = decodeOtlp(signal, format, body);
    expect(result.batch.signal).toBe(signal);
    expect(result.accepted).toBeGreaterThanOrEqual(0);
  } catch (err) {
    if (!(err instanceof HermesError) || err.code !== 'HERMES_ERR_BAD_REQUEST') throw err;
  }
}

const signal = fc.constantFrom(...SIGNALS);
const format = fc.constantFrom<OtlpFormat>('protobuf', 'json');

describe('decodeOtlp', () => {
  describe('.decodeOtlp on hostile input', () => {
    it('never throws anything but HERMES_ERR_BAD_REQUEST on random bytes', () => {
      fc.assert(
        fc.property(signal, format, fc.uint8Array({ maxLength: 300 }), (s, f, body) => decodesOrRejects(s, f, body)),
        { numRuns: 2000 },
      );
    });

    it('never throws anything else on truncations of real client bodies', () => {
      const cases = fc.constantFrom(...fixtures).chain((fixture) =>
        fc.tuple(fc.constant(fixture), fc.integer({ min: 0, max: fixture.body.length })),
      );
      fc.assert(
        fc.property(cases, ([{ signal: s, format: f, body }, length]) => decodesOrRejects(s, f, body.subarray(0, length))),
        { numRuns: 2000 },
      );
    });

    it('never throws anything else on real client bodies with corrupted bytes', () => {
      const cases = fc.constantFrom(...fixtures).chain((fixture) =>
        fc.tuple(
          fc.constant(fixture),
          fc.array(fc.tuple(fc.nat({ max: fixture.body.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ),
      );
      fc.assert(
        fc.property(cases, ([{ signal: s, format: f, body }, edits]) => {
          const corrupted = Uint8Array.from(body);
          for (const [at, byte] of edits) corrupted[at] = byte;
          decodesOrRejects(s, f, corrupted);
        }),
        { numRuns: 2000 },
      );
    });

    it('never throws anything else when any JSON value replaces any part of a real JSON body', () => {
      const jsonFixtures = fixtures.filter((f) => f.format === 'json');
      fc.assert(
        fc.property(fc.constantFrom(...jsonFixtures), fc.nat(), fc.jsonValue(), ({ signal: s, body }, pick, replacement) => {
          const root: unknown = JSON.parse(new TextDecoder().decode(body));
          const slots = collectSlots(root);
          const [parent, key] = slots[pick % slots.length];
          (parent as Record<string | number, unknown>)[key] = replacement;
          decodesOrRejects(s, 'json', new TextEncoder().encode(JSON.stringify(root)));
        }),
        { numRuns: 2000 },
      );
    });

    it('rejects deeply nested values instead of overflowing the stack', () => {
      let protobufValue = new ProtobufWriter().string(1, 'leaf');
      let jsonValue: unknown = { stringValue: 'leaf' };
      for (let depth = 0; depth < 200; depth++) {
        const inner = protobufValue;
        protobufValue = new ProtobufWriter().message(5, (arr) => arr.bytes(1, inner.finish()));
        jsonValue = { arrayValue: { values: [jsonValue] } };
      }
      const body = new ProtobufWriter()
        .message(1, (rl) => rl.message(2, (sl) => sl.message(2, (log) => log.bytes(5, protobufValue.finish()))))
        .finish();
      expect(() => decodeOtlp('logs', 'protobuf', body)).toThrow(/nested deeper than/);
      const json = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: jsonValue }] }] }] };
      expect(() => decodeOtlp('logs', 'json', new TextEncoder().encode(JSON.stringify(json)))).toThrow(/nested deeper than/);
    });
  });

  describe('.decodeOtlp round trip', () => {
    it('decodes exactly what a protobuf encoder wrote for random spans', () => {
      fc.assert(
        fc.property(fc.array(spanArbitrary, { minLength: 1, maxLength: 5 }), (spans) => {
          const body = new ProtobufWriter()
            .message(1, (rs) => rs.message(2, (ss) => spans.forEach((span) => ss.message(2, (w) => writeSpan(w, span)))))
            .finish();
          const result = decodeOtlp('traces', 'protobuf', body);
          expect(result.accepted).toBe(spans.length);
          expect((result.batch as TracesBatch).resourceSpans[0].scopeSpans[0].spans).toEqual(spans);
        }),
        { numRuns: 200 },
      );
    });

    it('decodes random spans sent as OTLP/JSON in any accepted spelling to the same model', () => {
      fc.assert(
        fc.property(fc.array(spanArbitrary, { minLength: 1, maxLength: 5 }), jsonStyle, (spans, style) => {
          const scopesKey = style.snakeCase ? 'scope_spans' : 'scopeSpans';
          const body = { [style.snakeCase ? 'resource_spans' : 'resourceSpans']: [{ [scopesKey]: [{ spans: spans.map((sp) => jsonSpan(sp, style)) }] }] };
          const result = decodeOtlp('traces', 'json', new TextEncoder().encode(JSON.stringify(body)));
          expect(result.accepted).toBe(spans.length);
          expect((result.batch as TracesBatch).resourceSpans[0].scopeSpans[0].spans).toEqual(spans);
        }),
        { numRuns: 200 },
      );
    });
  });
});

/** How a JSON sender may spell things; the decoder must accept every combination. */
interface JsonStyle {
  snakeCase: boolean;
  int64AsString: boolean;
  enumNames: boolean;
  upperCaseIds: boolean;
}

const jsonStyle: fc.Arbitrary<JsonStyle> = fc.record({
  snakeCase: fc.boolean(),
  int64AsString: fc.boolean(),
  enumNames: fc.boolean(),
  upperCaseIds: fc.boolean(),
});

function jsonSpan(span: Span, style: JsonStyle): unknown {
  const key = (camel: string) => (style.snakeCase ? camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : camel);
  const obj = (entries: [string, unknown][]) => Object.fromEntries(entries.map(([k, v]) => [key(k), v]));
  const id = (hex: string) => (style.upperCaseIds ? hex.toUpperCase() : hex);
  const int64 = (n: number | bigint) => (style.int64AsString || typeof n === 'bigint' ? String(n) : n);
  const double = (d: number) => (Number.isFinite(d) ? d : String(d));
  const value = (v: AnyValue): unknown => {
    if (typeof v === 'string') return obj([['stringValue', v]]);
    if (typeof v === 'boolean') return obj([['boolValue', v]]);
    if (typeof v === 'number') return Number.isSafeInteger(v) ? obj([['intValue', int64(v)]]) : obj([['doubleValue', double(v)]]);
    if (v instanceof Uint8Array) return obj([['bytesValue', Buffer.from(v).toString('base64')]]);
    if (Array.isArray(v)) return obj([['arrayValue', { values: v.map(value) }]]);
    if (v === null) return {};
    return obj([['kvlistValue', { values: attrs(v.kvlist) }]]);
  };
  const attrs = (list: KeyValue[]) => list.map((a) => ({ key: a.key, value: value(a.value) }));
  const kinds = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
  const codes = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
  return obj([
    ['traceId', id(span.traceId)],
    ['spanId', id(span.spanId)],
    ['traceState', span.traceState],
    ['parentSpanId', id(span.parentSpanId)],
    ['flags', span.flags],
    ['name', span.name],
    ['kind', style.enumNames ? kinds[span.kind] : span.kind],
    ['startTimeUnixNano', int64(span.startTimeUnixNano)],
    ['endTimeUnixNano', int64(span.endTimeUnixNano)],
    ['attributes', attrs(span.attributes)],
    ['droppedAttributesCount', span.droppedAttributesCount],
    ['events', span.events.map((e) => obj([['timeUnixNano', int64(e.timeUnixNano)], ['name', e.name], ['attributes', attrs(e.attributes)], ['droppedAttributesCount', e.droppedAttributesCount]]))],
    ['droppedEventsCount', span.droppedEventsCount],
    [
      'links',
      span.links.map((l) =>
        obj([['traceId', id(l.traceId)], ['spanId', id(l.spanId)], ['traceState', l.traceState], ['attributes', attrs(l.attributes)], ['droppedAttributesCount', l.droppedAttributesCount], ['flags', l.flags]]),
      ),
    ],
    ['droppedLinksCount', span.droppedLinksCount],
    ['status', obj([['message', span.status.message], ['code', style.enumNames ? codes[span.status.code] : span.status.code]])],
  ]);
}

/** Every [container, key] in a JSON tree, so a property can replace any part of it. */
function collectSlots(node: unknown, out: [object, string | number][] = []): [object, string | number][] {
  if (node !== null && typeof node === 'object') {
    for (const key of Object.keys(node)) {
      const k = Array.isArray(node) ? Number(key) : key;
      out.push([node, k]);
      collectSlots((node as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const nonZeroHex = (bytes: number) => hex(bytes).filter((h) => !/^0*$/.test(h));
const nanos = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const scalar: fc.Arbitrary<AnyValue> = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0)),
  fc.uint8Array({ maxLength: 8 }),
);
const anyValue: fc.Arbitrary<AnyValue> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.array(fc.record({ key: fc.string(), value: scalar }), { maxLength: 3 }).map((kvlist) => ({ kvlist })),
);
const attributes: fc.Arbitrary<KeyValue[]> = fc.array(fc.record({ key: fc.string(), value: anyValue }), { maxLength: 4 });

const spanArbitrary: fc.Arbitrary<Span> = fc.record({
  traceId: nonZeroHex(16),
  spanId: nonZeroHex(8),
  traceState: fc.string(),
  parentSpanId: fc.oneof(fc.constant(''), nonZeroHex(8)),
  flags: fc.nat({ max: 0xffffffff }),
  name: fc.string({ unit: 'grapheme', maxLength: 40 }),
  kind: fc.constantFrom(0, 1, 2, 3, 4, 5) as fc.Arbitrary<Span['kind']>,
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes,
  droppedAttributesCount: fc.nat(),
  events: fc.array(
    fc.record({ timeUnixNano: nanos, name: fc.string(), attributes, droppedAttributesCount: fc.nat() }),
    { maxLength: 2 },
  ),
  droppedEventsCount: fc.nat(),
  links: fc.array(
    fc.record({
      traceId: nonZeroHex(16),
      spanId: nonZeroHex(8),
      traceState: fc.string(),
      attributes,
      droppedAttributesCount: fc.nat(),
      flags: fc.nat({ max: 0xffffffff }),
    }),
    { maxLength: 2 },
  ),
  droppedLinksCount: fc.nat(),
  status: fc.record({ code: fc.constantFrom(0, 1, 2) as fc.Arbitrary<Span['status']['code']>, message: fc.string() }),
});

function writeAnyValue(w: ProtobufWriter, v: AnyValue): void {
  if (typeof v === 'string') w.string(1, v);
  else if (typeof v === 'boolean') w.bool(2, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) w.varint(3, v);
    else w.double(4, v);
  } else if (v instanceof Uint8Array) w.bytes(7, v);
  else if (Array.isArray(v)) w.message(5, (arr) => v.forEach((item) => arr.message(1, (x) => writeAnyValue(x, item))));
  else if (v !== null) w.message(6, (list) => writeAttributes(list, 1, v.kvlist));
}

function writeAttributes(w: ProtobufWriter, field: number, attrs: KeyValue[]): void {
  for (const a of attrs) w.message(field, (kv) => kv.string(1, a.key).message(2, (v) => writeAnyValue(v, a.value)));
}

/** Writes every field, defaults included, in a shuffled-looking but fixed order. */
function writeSpan(w: ProtobufWriter, s: Span): void {
  w.fixed32(16, s.flags).id(2, s.spanId).id(1, s.traceId).string(3, s.traceState);
  if (s.parentSpanId) w.id(4, s.parentSpanId);
  w.string(5, s.name).varint(6, s.kind).fixed64(7, s.startTimeUnixNano).fixed64(8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes);
  w.varint(10, s.droppedAttributesCount);
  for (const e of s.events) {
    w.message(11, (ev) => {
      ev.fixed64(1, e.timeUnixNano).string(2, e.name).varint(4, e.droppedAttributesCount);
      writeAttributes(ev, 3, e.attributes);
    });
  }
  w.varint(12, s.droppedEventsCount);
  for (const l of s.links) {
    w.message(13, (lw) => {
      lw.id(1, l.traceId).id(2, l.spanId).string(3, l.traceState).varint(5, l.droppedAttributesCount).fixed32(6, l.flags);
      writeAttributes(lw, 4, l.attributes);
    });
  }
  w.varint(14, s.droppedLinksCount).message(15, (st) => st.string(2, s.status.message).varint(3, s.status.code));
}
