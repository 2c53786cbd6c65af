import type { HermesRecord, KeyValue, LogsBatch, RecordsBatch, TelemetryBatch, TracesBatch } from '../../model/telemetry';
import { TAKEN, type Consumer, type Receipt } from '../../pipeline/component';
import { testSettings } from '../../../test/support/settings';
import { ErrorsProcessor, errorsProcessorConfigSchema } from './processor';
import type { SourceMapStore } from './sourcemaps';

/** An in-memory next stage that records what it got. */
class RecordingConsumer implements Consumer {
  readonly batches: TelemetryBatch[] = [];
  async consume(batch: TelemetryBatch): Promise<Receipt> {
    this.batches.push(batch);
    return TAKEN;
  }
  records(): HermesRecord[] {
    return this.batches.filter((b): b is RecordsBatch => b.signal === 'records').flatMap((b) => b.records);
  }
}

const resource = { attributes: [{ key: 'service.name', value: 'shop' }, { key: 'service.version', value: '2.1.0' }], droppedAttributesCount: 0 };
const scope = { name: 's', version: '', attributes: [], droppedAttributesCount: 0 };
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const STACK = 'Error: order 42 failed\n    at placeOrder (/srv/app/src/orders.js:10:11)\n    at handle (/srv/app/src/routes.js:5:3)';
const attributes = (message: string, stack = STACK): KeyValue[] => [
  { key: 'exception.type', value: 'Error' },
  { key: 'exception.message', value: message },
  { key: 'exception.stacktrace', value: stack },
];

function traces(events: { timeUnixNano: bigint; message: string }[]): TracesBatch {
  const span = {
    traceId: TRACE, spanId: SPAN, traceState: '', parentSpanId: '', flags: 1, name: 'POST /orders', kind: 2 as const,
    startTimeUnixNano: 1n, endTimeUnixNano: 2n, attributes: [], droppedAttributesCount: 0, droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 2 as const, message: '' },
    events: events.map((e) => ({ name: 'exception', timeUnixNano: e.timeUnixNano, attributes: attributes(e.message), droppedAttributesCount: 0 })),
  };
  return { signal: 'traces', resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: [span] }] }] };
}

function logs(records: { timeUnixNano: bigint; message: string; traced: boolean }[]): LogsBatch {
  return {
    signal: 'logs',
    resourceLogs: [{
      resource, schemaUrl: '',
      scopeLogs: [{
        scope, schemaUrl: '',
        logRecords: records.map((r) => ({
          timeUnixNano: r.timeUnixNano, observedTimeUnixNano: 0n, severityNumber: 17, severityText: '', body: r.message,
          attributes: attributes(r.message), droppedAttributesCount: 0, flags: 0,
          traceId: r.traced ? TRACE : '', spanId: r.traced ? SPAN : '', eventName: '',
        })),
      }],
    }],
  };
}

function create(next: RecordingConsumer, config: object = {}): ErrorsProcessor {
  return new ErrorsProcessor(testSettings('errors'), errorsProcessorConfigSchema.parse(config), next);
}

const T = 1_764_500_000_123_456_789n; // a time inside a second

describe('ErrorsProcessor', () => {
  describe('.consume', () => {
    it('forwards a batch without exceptions unchanged and adds nothing', async () => {
      const next = new RecordingConsumer();
      const batch = traces([]);
      await create(next).consume(batch);
      expect(next.batches).toEqual([batch]);
      expect(next.batches[0]).toBe(batch);
    });

    it('forwards the batch and one error_occurrences record per exception', async () => {
      const next = new RecordingConsumer();
      const batch = traces([{ timeUnixNano: T, message: 'order 42 failed' }]);
      await create(next).consume(batch);
      expect(next.batches[0]).toBe(batch);
      const [record] = next.records();
      expect(record).toMatchObject({
        measurement: 'error_occurrences',
        tags: { service: 'shop', environment: '', version: '2.1.0', fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) },
        fields: {
          type: 'Error', title: 'Error: order <num> failed', message: 'order 42 failed', culprit: 'orders.js in placeOrder',
          trace_id: TRACE, span_id: SPAN, runtime: 'node', fingerprint_version: 'v1', occurred_at_unix_ms: 1_764_500_000_123,
        },
        timeUnixNano: 1_764_500_000_000_000_000n,
      });
      expect(JSON.parse(String(record!.fields.frames))).toEqual([
        { function: 'placeOrder', file: '/srv/app/src/orders.js', line: 10, column: 11, inApp: true },
        { function: 'handle', file: '/srv/app/src/routes.js', line: 5, column: 3, inApp: true },
      ]);
      expect(JSON.parse(String(record!.fields.chain))).toEqual([{ type: 'Error', message: 'order 42 failed', frames: JSON.parse(String(record!.fields.frames)) }]);
    });

    it('gives the span event and the log record of one exception the same point (series, time, identity)', async () => {
      const next = new RecordingConsumer();
      const processor = create(next);
      await processor.consume(traces([{ timeUnixNano: T, message: 'order 42 failed' }]));
      await processor.consume(logs([{ timeUnixNano: T + 4_000_000n, message: 'order 42 failed', traced: true }]));
      const [fromEvent, fromLog] = next.records();
      expect(fromLog!.tags).toEqual(fromEvent!.tags);
      expect(fromLog!.timeUnixNano).toBe(fromEvent!.timeUnixNano);
      expect(fromLog!.identity).toBe(fromEvent!.identity);
    });

    it('keeps repeats within one span distinct, and untraced exceptions at their own time', async () => {
      const next = new RecordingConsumer();
      const processor = create(next);
      await processor.consume(traces([{ timeUnixNano: T, message: 'order 1 failed' }, { timeUnixNano: T + 1n, message: 'order 2 failed' }]));
      await processor.consume(logs([{ timeUnixNano: T, message: 'order 3 failed', traced: false }]));
      const [a, b, untraced] = next.records();
      expect(a!.tags.fingerprint).toBe(b!.tags.fingerprint);
      expect(a!.identity).not.toBe(b!.identity);
      expect(untraced!.timeUnixNano).toBe(T);
      expect(untraced!.fields.trace_id).toBeUndefined();
    });

    it('caps the frames it stores', async () => {
      const next = new RecordingConsumer();
      await create(next, { maxStoredFrames: 1 }).consume(traces([{ timeUnixNano: T, message: 'x' }]));
      expect(JSON.parse(String(next.records()[0]!.fields.frames))).toHaveLength(1);
    });

    it('rejects when the next stage rejects the records', async () => {
      const failing: Consumer = { consume: async (b) => { if (b.signal === 'records') throw new Error('queue full'); return TAKEN; } };
      const processor = new ErrorsProcessor(testSettings('errors'), errorsProcessorConfigSchema.parse({}), failing);
      await expect(processor.consume(traces([{ timeUnixNano: T, message: 'x' }]))).rejects.toThrow('queue full');
    });

    it('rejects with the forwarding error when the next stage refuses the batch during a slow analysis', async () => {
      const refusing: Consumer = { consume: (b) => (b.signal === 'traces' ? Promise.reject(new Error('overloaded')) : Promise.resolve(TAKEN)) };
      // A store double that answers late, so the refusal arrives while the analysis still runs.
      const slowMaps = {
        resolveStack: (_app: string, _release: string, stack: unknown) => new Promise((resolve) => setTimeout(() => resolve(stack), 20)),
      } as unknown as SourceMapStore;
      const processor = new ErrorsProcessor(testSettings('errors'), errorsProcessorConfigSchema.parse({}), refusing, slowMaps);
      await expect(processor.consume(traces([{ timeUnixNano: T, message: 'x' }]))).rejects.toThrow('overloaded');
    });
  });
});
