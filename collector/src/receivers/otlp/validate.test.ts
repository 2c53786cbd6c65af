import type { LogRecord, Metric, MetricsBatch, Span, TracesBatch, LogsBatch } from '../../model/telemetry';
import { decodeJson } from './decode-json';
import { validateBatch } from './validate';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const ZERO_TRACE_ID = '0'.repeat(32);

/** Builds a batch through the JSON decoder so the items have the real decoded shape. */
function traces(spans: object[][]): TracesBatch {
  const body = { resourceSpans: [{ scopeSpans: spans.map((s) => ({ spans: s })) }] };
  return decodeJson('traces', new TextEncoder().encode(JSON.stringify(body))) as TracesBatch;
}

function spanNames(batch: TracesBatch): string[] {
  return batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s: Span) => s.name)));
}

describe('validateBatch', () => {
  describe('.validateBatch(traces)', () => {
    it('keeps valid spans and counts none rejected', () => {
      const batch = traces([[{ name: 'ok', traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: SPAN_ID }]]);
      expect(validateBatch(batch)).toEqual({ batch, accepted: 1, rejected: 0, rejectedMessage: '' });
    });

    it('removes spans with missing, short, or all-zero ids and names the first problem', () => {
      const batch = traces([
        [{ name: 'ok1', traceId: TRACE_ID, spanId: SPAN_ID }],
        [
          { name: 'ok2', traceId: TRACE_ID, spanId: SPAN_ID },
          { name: 'no-trace-id', spanId: SPAN_ID },
          { name: 'zero-trace-id', traceId: ZERO_TRACE_ID, spanId: SPAN_ID },
          { name: 'short-span-id', traceId: TRACE_ID, spanId: 'abcd' },
          { name: 'bad-parent', traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: '0102' },
          { name: 'zero-span-id', traceId: TRACE_ID, spanId: '0000000000000000' },
        ],
      ]);
      const result = validateBatch(batch);
      expect(result).toMatchObject({
        accepted: 2,
        rejected: 5,
        rejectedMessage: '5 spans rejected: invalid trace id (expected 16 bytes, got 0) at resourceSpans[0].scopeSpans[1].spans[1]',
      });
      expect(spanNames(result.batch as TracesBatch)).toEqual(['ok1', 'ok2']);
    });

    it('explains each kind of id problem', () => {
      const message = (span: object) => validateBatch(traces([[span]])).rejectedMessage;
      expect(message({ traceId: ZERO_TRACE_ID, spanId: SPAN_ID })).toMatch('invalid trace id (all zeros)');
      expect(message({ traceId: TRACE_ID, spanId: 'abcd' })).toMatch('invalid span id (expected 8 bytes, got 2)');
      expect(message({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: '00' })).toMatch('invalid parent span id (expected 8 bytes, got 1)');
    });
  });

  describe('.validateBatch(metrics)', () => {
    it('rejects metrics without a name or data, counting their data points (at least 1)', () => {
      const point = { asInt: 1, timeUnixNano: '1' };
      const body = {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  { name: 'ok', gauge: { dataPoints: [point, point] } },
                  { name: '', sum: { dataPoints: [point, point, point] } },
                  { name: 'no-data' },
                  { name: 'empty', gauge: { dataPoints: [] } },
                  // time 0 is kept (see validate.ts)
                  { name: 'untimed', gauge: { dataPoints: [{ asInt: 1 }] } },
                ],
              },
            ],
          },
        ],
      };
      const batch = decodeJson('metrics', new TextEncoder().encode(JSON.stringify(body))) as MetricsBatch;
      const result = validateBatch(batch);
      expect(result).toMatchObject({
        accepted: 3,
        rejected: 4,
        rejectedMessage: '4 data points rejected: metric without a name at resourceMetrics[0].scopeMetrics[0].metrics[1]',
      });
      expect((result.batch as MetricsBatch).resourceMetrics[0].scopeMetrics[0].metrics.map((m: Metric) => m.name)).toEqual(['ok', 'empty', 'untimed']);
    });
  });

  describe('.validateBatch(logs)', () => {
    it('keeps records without trace context, clears all-zero ids, rejects malformed ones', () => {
      const body = {
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { body: { stringValue: 'no context' } },
                  { body: { stringValue: 'zero context' }, traceId: ZERO_TRACE_ID, spanId: '0000000000000000' },
                  { body: { stringValue: 'with context' }, traceId: TRACE_ID, spanId: SPAN_ID },
                  { body: { stringValue: 'short trace id' }, traceId: 'abcdef', spanId: SPAN_ID },
                  { body: { stringValue: 'long span id' }, traceId: TRACE_ID, spanId: `${SPAN_ID}00` },
                ],
              },
            ],
          },
        ],
      };
      const batch = decodeJson('logs', new TextEncoder().encode(JSON.stringify(body))) as LogsBatch;
      const result = validateBatch(batch);
      expect(result).toMatchObject({
        accepted: 3,
        rejected: 2,
        rejectedMessage: '2 log records rejected: invalid trace id (expected 16 bytes, got 3) at resourceLogs[0].scopeLogs[0].logRecords[3]',
      });
      const kept = (result.batch as LogsBatch).resourceLogs[0].scopeLogs[0].logRecords;
      expect(kept.map((r: LogRecord) => [r.body, r.traceId, r.spanId])).toEqual([
        ['no context', '', ''],
        ['zero context', '', ''],
        ['with context', TRACE_ID, SPAN_ID],
      ]);
    });
  });
});
