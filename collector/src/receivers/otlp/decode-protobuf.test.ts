import { HermesError } from '../../pipeline/errors';
import type { LogsBatch, MetricsBatch, TracesBatch } from '../../model/telemetry';
import { decodeProtobuf } from './decode-protobuf';
import { ProtobufWriter, WIRE } from './testdata/protobuf-writer';

const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';
const SPAN_ID = 'a1a2a3a4a5a6a7a8';

type W = ProtobufWriter;

/** KeyValue { key = 1; AnyValue value = 2 } with the AnyValue built by `value`. */
const kv = (field: number, key: string, value: (w: W) => void) => (w: W) =>
  w.message(field, (k) => k.unknownFields().string(1, key).message(2, (v) => value(v.unknownFields())));

/** Export*ServiceRequest → Resource* → Scope* with one list of items, unknown fields everywhere. */
function request(items: (scopeLevel: W) => void): Uint8Array {
  return new ProtobufWriter()
    .unknownFields()
    .message(1, (rs) =>
      rs
        .unknownFields()
        .message(1, (res) =>
          kv(1, 'service.name', (v) => v.string(1, 'svc'))(res)
            .varint(2, 3) // dropped_attributes_count
            .message(3, (entityRef) => entityRef.string(1, 'k8s.pod')) // entity_refs: not modelled, skipped
            .unknownFields(),
        )
        .message(2, (ss) => {
          ss.unknownFields()
            .message(1, (scope) => {
              scope.string(1, 'lib').string(2, '9.9').unknownFields().varint(4, 2);
              kv(3, 'scope.attr', (v) => v.bool(2, true))(scope);
            })
            .string(3, 'https://opentelemetry.io/schemas/1.30.0');
          items(ss);
        })
        .string(3, 'https://opentelemetry.io/schemas/1.29.0'),
    )
    .finish();
}

describe('decodeProtobuf', () => {
  describe('.decodeProtobuf(traces)', () => {
    const body = request((ss) =>
      ss.message(2, (span) => {
        span
          .unknownFields()
          .id(1, TRACE_ID)
          .id(2, SPAN_ID)
          .string(3, 'vendor=x')
          .id(4, 'b1b2b3b4b5b6b7b8')
          .string(5, 'op')
          .varint(6, 5)
          .fixed64(7, 1767225600000000001n)
          .fixed64(8, 1767225600000000999n)
          .varint(10, 1)
          .varint(12, 2)
          .varint(14, 3)
          .fixed32(16, 0x301)
          .varint(5, 7); // name sent with the wrong wire type: skipped like an unknown field
        kv(9, 'bytes', (v) => v.bytes(7, Uint8Array.of(0, 255)))(span);
        kv(9, 'kv', (v) => v.message(6, (list) => kv(1, 'inner', (iv) => iv.varint(3, -5))(list)))(span);
        kv(9, 'arr', (v) => v.message(5, (arr) => arr.message(1, (x) => x.double(4, 1.5)).message(1, (x) => x.string(1, 's')).message(1, () => {})))(span);
        kv(9, 'empty', () => {})(span);
        span.message(11, (event) => {
          event.unknownFields().fixed64(1, 5n).string(2, 'ev').varint(4, 1);
          kv(3, 'e', (v) => v.varint(3, 1))(event);
        });
        span.message(13, (link) => {
          link.unknownFields().id(1, TRACE_ID).id(2, 'c1c2c3c4c5c6c7c8').string(3, 'k=v').varint(5, 4).fixed32(6, 0x101);
          kv(4, 'l', (v) => v.string(1, 'x'))(link);
        });
        span.message(15, (status) => status.unknownFields().string(2, 'boom').varint(3, 2));
      }),
    );

    it('decodes every span field, skipping unknown fields of every wire type at every level', () => {
      const batch = decodeProtobuf('traces', body) as TracesBatch;
      expect(batch).toEqual({
        signal: 'traces',
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: 'svc' }], droppedAttributesCount: 3 },
            schemaUrl: 'https://opentelemetry.io/schemas/1.29.0',
            scopeSpans: [
              {
                scope: { name: 'lib', version: '9.9', attributes: [{ key: 'scope.attr', value: true }], droppedAttributesCount: 2 },
                schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
                spans: [
                  {
                    traceId: TRACE_ID,
                    spanId: SPAN_ID,
                    traceState: 'vendor=x',
                    parentSpanId: 'b1b2b3b4b5b6b7b8',
                    flags: 0x301,
                    name: 'op',
                    kind: 5,
                    startTimeUnixNano: 1767225600000000001n,
                    endTimeUnixNano: 1767225600000000999n,
                    attributes: [
                      { key: 'bytes', value: Uint8Array.of(0, 255) },
                      { key: 'kv', value: { kvlist: [{ key: 'inner', value: -5 }] } },
                      { key: 'arr', value: [1.5, 's', null] },
                      { key: 'empty', value: null },
                    ],
                    droppedAttributesCount: 1,
                    events: [{ timeUnixNano: 5n, name: 'ev', attributes: [{ key: 'e', value: 1 }], droppedAttributesCount: 1 }],
                    droppedEventsCount: 2,
                    links: [
                      {
                        traceId: TRACE_ID,
                        spanId: 'c1c2c3c4c5c6c7c8',
                        traceState: 'k=v',
                        attributes: [{ key: 'l', value: 'x' }],
                        droppedAttributesCount: 4,
                        flags: 0x101,
                      },
                    ],
                    droppedLinksCount: 3,
                    status: { code: 2, message: 'boom' },
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('copies bytes values out of the request body into plain Uint8Arrays', () => {
      const copy = Buffer.from(body);
      const value = (decodeProtobuf('traces', copy) as TracesBatch).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value;
      copy.fill(0);
      expect(value).toEqual(Uint8Array.of(0, 255));
      expect(Buffer.isBuffer(value)).toBe(false);
    });

    it('maps out-of-range span kinds and status codes to unspecified/unset', () => {
      const odd = request((ss) => ss.message(2, (span) => span.varint(6, 9).message(15, (st) => st.varint(3, 7))));
      const span = (decodeProtobuf('traces', odd) as TracesBatch).resourceSpans[0].scopeSpans[0].spans[0];
      expect([span.kind, span.status.code]).toEqual([0, 0]);
    });

    it('decodes an empty body as an empty request', () => {
      expect(decodeProtobuf('traces', new Uint8Array(0))).toEqual({ signal: 'traces', resourceSpans: [] });
    });

    it('fails with the byte offset on a truncated body', () => {
      const cut = body.subarray(0, body.length - 3);
      expect(() => decodeProtobuf('traces', cut)).toThrow(HermesError);
      expect(() => decodeProtobuf('traces', cut)).toThrow(/byte \d+/);
    });
  });

  describe('.decodeProtobuf(metrics)', () => {
    const exemplar = (w: W, field: number) =>
      w.message(field, (e) => {
        e.unknownFields().fixed64(2, 77n).id(4, SPAN_ID).id(5, TRACE_ID).fixed64(6, -3);
        kv(7, 'filtered', (v) => v.string(1, 'yes'))(e);
      });
    const body = request((ss) => {
      ss.message(2, (m) => {
        m.string(1, 'summary.metric').string(2, 'desc').string(3, 's');
        kv(12, 'meta', (v) => v.string(1, 'data'))(m);
        m.message(11, (summary) =>
          summary.message(1, (p) => {
            p.fixed64(2, 1n).fixed64(3, 2n).fixed64(4, 10).double(5, 12.5).varint(8, 1);
            p.message(6, (q) => q.double(1, 0.5).double(2, 1.25)).message(6, (q) => q.double(1, 0.99).double(2, 3));
            kv(7, 'a', (v) => v.string(1, 'b'))(p);
          }),
        );
      });
      ss.message(2, (m) =>
        m.string(1, 'hist.packed').message(9, (h) =>
          h.varint(2, 1).message(1, (p) => {
            p.fixed64(4, 3).double(5, 6).double(11, 1).double(12, 3).varint(10, 0);
            p.message(6, (packed) => packed.raw(fixed64s([1, 2, 0]))); // bucket_counts, packed fixed64
            p.message(7, (packed) => packed.raw(doubles([1.5, 2.5]))); // explicit_bounds, packed double
            exemplar(p, 8);
          }),
        ),
      );
      ss.message(2, (m) =>
        m.string(1, 'hist.unpacked').message(9, (h) =>
          h.varint(2, 2).message(1, (p) => p.fixed64(4, 3).fixed64(6, 1).fixed64(6, 2).fixed64(6, 0).double(7, 1.5).double(7, 2.5)),
        ),
      );
      ss.message(2, (m) =>
        m.string(1, 'exp').message(10, (e) =>
          e.varint(2, 1).message(1, (p) => {
            p.fixed64(4, 6).double(5, 4.5).sint32(6, -2).fixed64(7, 1).varint(10, 1).double(14, 0.001);
            p.message(8, (b) => b.sint32(1, -3).message(2, (packed) => packed.rawVarint(1).rawVarint(300)));
            p.message(9, (b) => b.sint32(1, 2).varint(2, 4)); // unpacked uint64
            exemplar(p, 11);
          }),
        ),
      );
      ss.message(2, (m) =>
        m.string(1, 'sum.int').message(7, (s) =>
          s.varint(2, 2).varint(3, true).message(1, (p) => p.fixed64(3, 9n).fixed64(6, -7)).message(1, (p) => p.double(4, 0.5)),
        ),
      );
      ss.message(2, (m) => m.string(1, 'gauge.novalue').message(5, (g) => g.message(1, (p) => p.fixed64(3, 9n))));
    });

    const metrics = () => (decodeProtobuf('metrics', body) as MetricsBatch).resourceMetrics[0].scopeMetrics[0].metrics;
    const expectedExemplar = {
      filteredAttributes: [{ key: 'filtered', value: 'yes' }],
      timeUnixNano: 77n,
      value: -3,
      spanId: SPAN_ID,
      traceId: TRACE_ID,
    };

    it('decodes summary data points and metric metadata', () => {
      expect(metrics()[0]).toEqual({
        name: 'summary.metric',
        description: 'desc',
        unit: 's',
        metadata: [{ key: 'meta', value: 'data' }],
        data: {
          type: 'summary',
          dataPoints: [
            {
              attributes: [{ key: 'a', value: 'b' }],
              startTimeUnixNano: 1n,
              timeUnixNano: 2n,
              count: 10,
              sum: 12.5,
              quantileValues: [
                { quantile: 0.5, value: 1.25 },
                { quantile: 0.99, value: 3 },
              ],
              flags: 1,
            },
          ],
        },
      });
    });

    it('reads packed and unpacked bucket_counts / explicit_bounds alike', () => {
      const [, packed, unpacked] = metrics();
      expect(packed.data).toMatchObject({
        type: 'histogram',
        aggregationTemporality: 1,
        dataPoints: [{ count: 3, sum: 6, min: 1, max: 3, bucketCounts: [1, 2, 0], explicitBounds: [1.5, 2.5], exemplars: [expectedExemplar] }],
      });
      expect(unpacked.data).toMatchObject({
        aggregationTemporality: 2,
        dataPoints: [{ bucketCounts: [1, 2, 0], explicitBounds: [1.5, 2.5], sum: undefined, min: undefined, max: undefined }],
      });
    });

    it('decodes exponential histograms with negative (zigzag) scale and offsets', () => {
      expect(metrics()[3].data).toEqual({
        type: 'exponential_histogram',
        aggregationTemporality: 1,
        dataPoints: [
          {
            attributes: [],
            startTimeUnixNano: 0n,
            timeUnixNano: 0n,
            count: 6,
            sum: 4.5,
            scale: -2,
            zeroCount: 1,
            positive: { offset: -3, bucketCounts: [1, 300] },
            negative: { offset: 2, bucketCounts: [4] },
            flags: 1,
            exemplars: [expectedExemplar],
            min: undefined,
            max: undefined,
            zeroThreshold: 0.001,
          },
        ],
      });
    });

    it('decodes as_int, as_double and an absent value', () => {
      const [, , , , sum, gauge] = metrics();
      expect(sum.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2, dataPoints: [{ value: -7, timeUnixNano: 9n }, { value: 0.5 }] });
      expect(gauge.data).toMatchObject({ type: 'gauge', dataPoints: [{ value: undefined }] });
    });
  });

  describe('.decodeProtobuf(logs)', () => {
    it('decodes every log record field including event_name and observed time', () => {
      const body = request((ss) =>
        ss.message(2, (log) => {
          log.unknownFields().fixed64(1, 10n).varint(2, 21).string(3, 'FATAL').varint(7, 2).fixed32(8, 1);
          log.id(9, TRACE_ID).id(10, SPAN_ID).fixed64(11, 11n).string(12, 'app.crash');
          log.message(5, (v) => v.message(6, (list) => kv(1, 'code', (c) => c.varint(3, 137))(list)));
          kv(6, 'k', (v) => v.double(4, Number.NaN))(log);
        }),
      );
      const record = (decodeProtobuf('logs', body) as LogsBatch).resourceLogs[0].scopeLogs[0].logRecords[0];
      expect(record).toEqual({
        timeUnixNano: 10n,
        observedTimeUnixNano: 11n,
        severityNumber: 21,
        severityText: 'FATAL',
        body: { kvlist: [{ key: 'code', value: 137 }] },
        attributes: [{ key: 'k', value: Number.NaN }],
        droppedAttributesCount: 2,
        flags: 1,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        eventName: 'app.crash',
      });
    });

    it('rejects a group-encoded field', () => {
      const body = new ProtobufWriter().tag(1, WIRE.SGROUP).tag(1, WIRE.EGROUP).finish();
      expect(() => decodeProtobuf('logs', body)).toThrow('field 1 uses the deprecated group encoding (not supported) at byte 0');
    });
  });
});

function fixed64s(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, BigInt(v), true));
  return out;
}

function doubles(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return out;
}
