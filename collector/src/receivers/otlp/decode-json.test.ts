import { HermesError } from '../../pipeline/errors';
import type { LogsBatch, MetricsBatch, TracesBatch } from '../../model/telemetry';
import { decodeJson } from './decode-json';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function decodeError(signal: 'traces' | 'metrics' | 'logs', body: unknown): string {
  try {
    decodeJson(signal, json(body));
  } catch (err) {
    expect(err).toBeInstanceOf(HermesError);
    expect((err as HermesError).code).toBe('HERMES_ERR_BAD_REQUEST');
    return (err as HermesError).message;
  }
  throw new Error('expected HERMES_ERR_BAD_REQUEST, nothing was thrown');
}

/** One span request in lowerCamelCase with enums as numbers and 64-bit ints as numbers. */
const camelTraces = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 1 },
      schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      scopeSpans: [
        {
          scope: { name: 'lib', version: '1', attributes: [], droppedAttributesCount: 0 },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: SPAN_ID,
              parentSpanId: '',
              traceState: 'a=b',
              flags: 257,
              name: 'GET /',
              kind: 2,
              startTimeUnixNano: 1767225600000000000,
              endTimeUnixNano: 1767225601000000000,
              attributes: [
                { key: 'int', value: { intValue: 42 } },
                { key: 'arr', value: { arrayValue: { values: [{ boolValue: true }, { doubleValue: 1.5 }] } } },
                { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
                { key: 'bytes', value: { bytesValue: 'AAH/' } },
              ],
              droppedAttributesCount: 2,
              events: [{ timeUnixNano: 1767225600500000000, name: 'ev', attributes: [], droppedAttributesCount: 0 }],
              droppedEventsCount: 3,
              links: [{ traceId: TRACE_ID, spanId: SPAN_ID, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 1 }],
              droppedLinksCount: 4,
              status: { code: 2, message: 'bad' },
            },
          ],
        },
      ],
    },
  ],
};

/** The same request as the OpenTelemetry Collector also accepts it: snake_case, enum names, int64 strings. */
const snakeTraces = {
  resource_spans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }], dropped_attributes_count: '1' },
      schema_url: 'https://opentelemetry.io/schemas/1.30.0',
      scope_spans: [
        {
          scope: { name: 'lib', version: '1' },
          spans: [
            {
              trace_id: TRACE_ID.toUpperCase(),
              span_id: SPAN_ID,
              trace_state: 'a=b',
              flags: '257',
              name: 'GET /',
              kind: 'SPAN_KIND_SERVER',
              start_time_unix_nano: '1767225600000000000',
              end_time_unix_nano: '1767225601000000000',
              attributes: [
                { key: 'int', value: { int_value: '42' } },
                { key: 'arr', value: { array_value: { values: [{ bool_value: true }, { double_value: '1.5' }] } } },
                { key: 'kv', value: { kvlist_value: { values: [{ key: 'x', value: { string_value: 'y' } }] } } },
                { key: 'bytes', value: { bytes_value: 'AAH/' } },
              ],
              dropped_attributes_count: 2,
              events: [{ time_unix_nano: '1767225600500000000', name: 'ev' }],
              dropped_events_count: 3,
              links: [{ trace_id: TRACE_ID, span_id: SPAN_ID, flags: 1, some_future_field: { a: 1 } }],
              dropped_links_count: 4,
              status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
              unknownKey: [1, 2, 3],
            },
          ],
        },
      ],
    },
  ],
};

describe('decodeJson', () => {
  describe('.decodeJson(traces)', () => {
    it('decodes lowerCamelCase OTLP/JSON into the model', () => {
      const span = (decodeJson('traces', json(camelTraces)) as TracesBatch).resourceSpans[0].scopeSpans[0].spans[0];
      expect(span).toMatchObject({
        traceId: TRACE_ID,
        kind: 2,
        startTimeUnixNano: 1767225600000000000n,
        attributes: [
          { key: 'int', value: 42 },
          { key: 'arr', value: [true, 1.5] },
          { key: 'kv', value: { kvlist: [{ key: 'x', value: 'y' }] } },
          { key: 'bytes', value: Uint8Array.of(0, 1, 255) },
        ],
        status: { code: 2, message: 'bad' },
      });
    });

    it('decodes snake_case keys, enum names, int64 strings and upper-case hex ids to the same model', () => {
      expect(decodeJson('traces', json(snakeTraces))).toEqual(decodeJson('traces', json(camelTraces)));
    });

    it('keeps 64-bit timestamps sent as strings exact', () => {
      const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '18446744073709551615' }] }] }] };
      const span = (decodeJson('traces', json(body)) as TracesBatch).resourceSpans[0].scopeSpans[0].spans[0];
      expect(span.startTimeUnixNano).toBe(18446744073709551615n);
    });

    it('treats absent and null fields as proto3 defaults', () => {
      const body = { resourceSpans: [{ resource: null, scopeSpans: [{ scope: null, spans: [{ name: null, status: null }] }] }] };
      expect(decodeJson('traces', json(body))).toEqual({
        signal: 'traces',
        resourceSpans: [
          {
            resource: { attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            scopeSpans: [
              {
                scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
                schemaUrl: '',
                spans: [
                  {
                    traceId: '',
                    spanId: '',
                    traceState: '',
                    parentSpanId: '',
                    flags: 0,
                    name: '',
                    kind: 0,
                    startTimeUnixNano: 0n,
                    endTimeUnixNano: 0n,
                    attributes: [],
                    droppedAttributesCount: 0,
                    events: [],
                    droppedEventsCount: 0,
                    links: [],
                    droppedLinksCount: 0,
                    status: { code: 0, message: '' },
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('does not base64-decode ids: a base64 trace id is rejected with its path', () => {
      const body = { resourceSpans: [{ scopeSpans: [{}, { spans: [{}, { traceId: 'W47/95gDgQPSabYzgT/GDA==' }] }] }] };
      expect(decodeError('traces', body)).toMatch(
        'resourceSpans[0].scopeSpans[1].spans[1].traceId: expected 32 hex characters, got string "W47/95gDgQPSabYzgT/GDA=="',
      );
    });

    it('names the path and the type when a field has the wrong type', () => {
      expect(decodeError('traces', { resourceSpans: 5 })).toMatch('resourceSpans: expected an array, got number 5');
      expect(decodeError('traces', { resourceSpans: [{ scopeSpans: [{ spans: [7] }] }] })).toMatch(
        'resourceSpans[0].scopeSpans[0].spans[0]: expected an object, got number 7',
      );
      expect(decodeError('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 3 }] }] }] })).toMatch(
        'resourceSpans[0].scopeSpans[0].spans[0].name: expected a string, got number 3',
      );
      expect(decodeError('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SERVER' }] }] }] })).toMatch(
        'resourceSpans[0].scopeSpans[0].spans[0].kind: expected an enum number or one of SPAN_KIND_UNSPECIFIED',
      );
      expect(decodeError('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '-1' }] }] }] })).toMatch(
        'startTimeUnixNano: expected nanoseconds as an unsigned integer, got string "-1"',
      );
      expect(decodeError('traces', { resourceSpans: [{ resource: { attributes: [{ key: 'k', value: { intValue: 1.5 } }] } }] })).toMatch(
        'resourceSpans[0].resource.attributes[0].value.intValue: expected an integer, got number 1.5',
      );
    });

    it('rejects a body that is not JSON or not an object', () => {
      expect(decodeError('traces', '{"resourceSpans": [')).toMatch('invalid JSON');
      expect(decodeError('traces', '[]')).toMatch('$: expected an object, got an array');
    });
  });

  describe('.decodeJson(metrics)', () => {
    it('accepts enum names, int64 strings, "NaN"/"Infinity" doubles and snake_case data point keys', () => {
      const body = {
        resource_metrics: [
          {
            scope_metrics: [
              {
                metrics: [
                  {
                    name: 'h',
                    histogram: {
                      aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                      data_points: [
                        { count: '3', sum: 'NaN', bucket_counts: ['1', 2, '0'], explicit_bounds: [1, 'Infinity'], min: '-Infinity', time_unix_nano: '5' },
                      ],
                    },
                  },
                  {
                    name: 'e',
                    exponential_histogram: {
                      aggregationTemporality: 1,
                      dataPoints: [{ scale: -1, zero_count: '2', positive: { offset: -2, bucket_counts: ['4'] }, zero_threshold: 0.5 }],
                    },
                  },
                  { name: 's', sum: { is_monotonic: true, data_points: [{ as_int: '-9007199254740991' }, { asDouble: 0.5 }, {}] } },
                  {
                    name: 'q',
                    summary: { dataPoints: [{ count: 2, sum: 3, quantile_values: [{ quantile: 0.5, value: 1 }] }] },
                    metadata: [{ key: 'm', value: { stringValue: 'v' } }],
                  },
                  {
                    name: 'g',
                    gauge: {
                      dataPoints: [
                        {
                          asDouble: 1,
                          exemplars: [{ filtered_attributes: [], time_unix_nano: '7', as_int: '3', span_id: SPAN_ID, trace_id: TRACE_ID }],
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      };
      const [h, e, s, q, g] = (decodeJson('metrics', json(body)) as MetricsBatch).resourceMetrics[0].scopeMetrics[0].metrics;
      expect(h.data).toMatchObject({
        type: 'histogram',
        aggregationTemporality: 2,
        dataPoints: [{ count: 3, sum: NaN, bucketCounts: [1, 2, 0], explicitBounds: [1, Infinity], min: -Infinity, max: undefined, timeUnixNano: 5n }],
      });
      expect(e.data).toMatchObject({
        type: 'exponential_histogram',
        aggregationTemporality: 1,
        dataPoints: [{ scale: -1, zeroCount: 2, positive: { offset: -2, bucketCounts: [4] }, negative: { offset: 0, bucketCounts: [] }, zeroThreshold: 0.5 }],
      });
      expect(s.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 0, dataPoints: [{ value: -9007199254740991 }, { value: 0.5 }, { value: undefined }] });
      expect(q).toMatchObject({
        metadata: [{ key: 'm', value: 'v' }],
        data: { type: 'summary', dataPoints: [{ count: 2, sum: 3, quantileValues: [{ quantile: 0.5, value: 1 }] }] },
      });
      expect(g.data).toMatchObject({
        dataPoints: [{ value: 1, exemplars: [{ filteredAttributes: [], timeUnixNano: 7n, value: 3, spanId: SPAN_ID, traceId: TRACE_ID }] }],
      });
    });

    it('leaves data undefined for a metric with no data kind', () => {
      const body = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'nodata', unit: '1' }] }] }] };
      expect((decodeJson('metrics', json(body)) as MetricsBatch).resourceMetrics[0].scopeMetrics[0].metrics[0].data).toBeUndefined();
    });

    it('rejects a non-numeric double with its path', () => {
      const body = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: { dataPoints: [{ asDouble: 'fast' }] } }] }] }] };
      expect(decodeError('metrics', body)).toMatch('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asDouble: expected a number');
    });
  });

  describe('.decodeJson(logs)', () => {
    it('accepts severity names, event_name, observed time and trace context', () => {
      const body = {
        resourceLogs: [
          {
            scopeLogs: [
              {
                log_records: [
                  {
                    time_unix_nano: '1',
                    observed_time_unix_nano: 2,
                    severity_number: 'SEVERITY_NUMBER_WARN3',
                    severity_text: 'WARN',
                    body: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: '1' }, {}] } } }] } },
                    trace_id: TRACE_ID,
                    span_id: SPAN_ID,
                    event_name: 'app.event',
                    flags: 1,
                  },
                  { severityNumber: 'SEVERITY_NUMBER_INFO', body: { bytesValue: '3q2+7w==' } },
                ],
              },
            ],
          },
        ],
      };
      const [first, second] = (decodeJson('logs', json(body)) as LogsBatch).resourceLogs[0].scopeLogs[0].logRecords;
      expect(first).toEqual({
        timeUnixNano: 1n,
        observedTimeUnixNano: 2n,
        severityNumber: 15,
        severityText: 'WARN',
        body: { kvlist: [{ key: 'a', value: [1, null] }] },
        attributes: [],
        droppedAttributesCount: 0,
        flags: 1,
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        eventName: 'app.event',
      });
      expect(second).toMatchObject({ severityNumber: 9, body: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    });
  });
});
