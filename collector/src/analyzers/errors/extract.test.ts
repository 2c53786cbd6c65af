import type { KeyValue, LogRecord, LogsBatch, Span, TracesBatch } from '../../model/telemetry';
import { exceptionResource, extractExceptions } from './extract';

const resource = {
  attributes: [
    { key: 'service.name', value: 'shop' },
    { key: 'service.version', value: '1.4.0' },
    { key: 'deployment.environment', value: 'old-style' },
    { key: 'deployment.environment.name', value: 'prod' },
    { key: 'telemetry.sdk.language', value: 'nodejs' },
  ],
  droppedAttributesCount: 0,
};
const scope = { name: 's', version: '', attributes: [], droppedAttributesCount: 0 };

function span(events: Span['events'], ids = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }): Span {
  return {
    ...ids,
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: 1_000n,
    endTimeUnixNano: 2_000n,
    attributes: [],
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 2, message: '' },
  };
}

function traces(spans: Span[]): TracesBatch {
  return { signal: 'traces', resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] }] };
}

function log(attributes: KeyValue[], extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: 5_000n,
    observedTimeUnixNano: 6_000n,
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'failed',
    attributes,
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...extra,
  };
}

function logs(records: LogRecord[]): LogsBatch {
  return { signal: 'logs', resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: records }] }] };
}

const exceptionAttributes: KeyValue[] = [
  { key: 'exception.type', value: 'TypeError' },
  { key: 'exception.message', value: 'x is undefined' },
  { key: 'exception.stacktrace', value: 'TypeError: x is undefined\n    at f (/app/src/a.js:1:2)' },
];

describe('extractExceptions', () => {
  describe('.traces', () => {
    it('reports each exception event with its span ids and time, and skips other events', () => {
      const reports = extractExceptions(
        traces([
          span([
            { name: 'retry', timeUnixNano: 1_500n, attributes: exceptionAttributes, droppedAttributesCount: 0 },
            { name: 'exception', timeUnixNano: 1_600n, attributes: [...exceptionAttributes, { key: 'hermes.fingerprint', value: 'mine' }], droppedAttributesCount: 0 },
          ]),
        ]),
      );
      expect(reports).toEqual([
        {
          source: 'span_event',
          type: 'TypeError',
          message: 'x is undefined',
          stacktrace: 'TypeError: x is undefined\n    at f (/app/src/a.js:1:2)',
          fingerprintOverride: 'mine',
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          timeUnixNano: 1_600n,
          resource: { service: 'shop', environment: 'prod', version: '1.4.0', language: 'nodejs' },
        },
      ]);
    });

    it('returns the shared empty result for spans without exception events', () => {
      const none = extractExceptions(traces([span([]), span([{ name: 'cache.miss', timeUnixNano: 1n, attributes: [], droppedAttributesCount: 0 }])]));
      expect(none).toHaveLength(0);
      expect(Object.isFrozen(none)).toBe(true);
      expect(extractExceptions(traces([span([])]))).toBe(none);
    });

    it('ignores an exception event without any exception attribute', () => {
      expect(extractExceptions(traces([span([{ name: 'exception', timeUnixNano: 1n, attributes: [{ key: 'other', value: 1 }], droppedAttributesCount: 0 }])]))).toHaveLength(0);
    });

    it('uses the span start when the event has no time', () => {
      const [report] = extractExceptions(traces([span([{ name: 'exception', timeUnixNano: 0n, attributes: exceptionAttributes, droppedAttributesCount: 0 }])]));
      expect(report!.timeUnixNano).toBe(1_000n);
    });
  });

  describe('.logs', () => {
    it('reports log records carrying exception attributes, with their trace context', () => {
      const reports = extractExceptions(
        logs([
          log([{ key: 'http.route', value: '/a' }]),
          log(exceptionAttributes, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) }),
          log([{ key: 'exception.message', value: 'only a message' }], { timeUnixNano: 0n }),
        ]),
      );
      expect(reports.map((r) => [r.source, r.type, r.message, r.traceId, r.timeUnixNano])).toEqual([
        ['log', 'TypeError', 'x is undefined', 'c'.repeat(32), 5_000n],
        ['log', '', 'only a message', '', 6_000n],
      ]);
    });

    it('uses the receipt time when the record has neither time', () => {
      const [report] = extractExceptions(logs([log(exceptionAttributes, { timeUnixNano: 0n, observedTimeUnixNano: 0n })]), () => 42n);
      expect(report!.timeUnixNano).toBe(42n);
    });
  });

  it('finds nothing in metrics and derived records', () => {
    expect(extractExceptions({ signal: 'metrics', resourceMetrics: [] })).toHaveLength(0);
    expect(extractExceptions({ signal: 'records', records: [] })).toHaveLength(0);
  });
});

describe('exceptionResource', () => {
  it('falls back to unknown_service and the old environment attribute', () => {
    expect(exceptionResource({ attributes: [{ key: 'deployment.environment', value: 'staging' }], droppedAttributesCount: 0 })).toEqual({
      service: 'unknown_service',
      environment: 'staging',
      version: '',
      language: '',
    });
  });
});
