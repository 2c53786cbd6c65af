/**
 * Regenerates the real-client fixtures in this folder: feeds scenario.ts to the OpenTelemetry
 * JS SDK and writes what its OTLP serializers (the ones the OTLP exporters use) produce.
 * Not part of the collector at run time.
 *
 * Run from the repo root (Node's type stripping cannot resolve extensionless imports):
 *   npx tsc --outDir /tmp/otlp-fixtures --rootDir collector/src --module node16 \
 *     --moduleResolution node16 --target es2023 --esModuleInterop --skipLibCheck \
 *     collector/src/receivers/otlp/testdata/generate.ts
 *   NODE_PATH=node_modules node_modules/.bin/node /tmp/otlp-fixtures/receivers/otlp/testdata/generate.js collector/src/receivers/otlp/testdata
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_CONTEXT, ValueType, trace, type Context, type Span } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import { LOGS, METRICS, RESOURCE_ATTRIBUTES, SCOPE, SPANS } from './scenario';

const resource = resourceFromAttributes({ ...RESOURCE_ATTRIBUTES, 'feature.flags': [...RESOURCE_ATTRIBUTES['feature.flags']] });

function write(dir: string, name: string, body: Uint8Array | undefined): void {
  if (!body) throw new Error(`the SDK serializer returned nothing for ${name}`);
  writeFileSync(join(dir, name), body);
}

async function traces(dir: string): Promise<void> {
  // Hands out the scenario's ids in span creation order.
  let next = 0;
  const idGenerator: IdGenerator = {
    generateTraceId: () => SPANS[next].traceId,
    generateSpanId: () => SPANS[next++].spanId,
  };
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource, idGenerator, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  const started: Span[] = [];
  for (const s of SPANS) {
    const parent = s.parent < 0 ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, started[s.parent]);
    const span = tracer.startSpan(
      s.name,
      {
        kind: s.apiKind,
        startTime: s.start,
        attributes: s.attributes,
        links: s.links.map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 }, attributes: l.attributes })),
      },
      parent,
    );
    for (const e of s.events) span.addEvent(e.name, e.attributes, e.time);
    if (s.status.code !== 0) span.setStatus({ code: s.status.code, message: s.status.message });
    started.push(span);
  }
  started.forEach((span, i) => span.end(SPANS[i].end));
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  write(dir, 'traces.pb', ProtobufTraceSerializer.serializeRequest(spans));
  write(dir, 'traces.json', JsonTraceSerializer.serializeRequest(spans));
  await provider.shutdown();
}

/** A reader that only collects on demand. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function metrics(dir: string): Promise<void> {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({
    resource,
    readers: [reader],
    views: [
      { instrumentName: METRICS.exponentialHistogram.name, aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter(SCOPE.name, SCOPE.version);
  const m = METRICS;
  const counter = meter.createCounter(m.counter.name, { unit: m.counter.unit, description: m.counter.description, valueType: ValueType.INT });
  for (const add of m.counter.adds) counter.add(add.value, add.attributes);
  const upDown = meter.createUpDownCounter(m.upDownCounter.name, { unit: m.upDownCounter.unit, valueType: ValueType.INT });
  for (const v of m.upDownCounter.adds) upDown.add(v);
  const histogram = meter.createHistogram(m.histogram.name, { unit: m.histogram.unit, advice: { explicitBucketBoundaries: [...m.histogram.bounds] } });
  for (const v of m.histogram.records) histogram.record(v);
  const exponential = meter.createHistogram(m.exponentialHistogram.name, { unit: m.exponentialHistogram.unit });
  for (const v of m.exponentialHistogram.records) exponential.record(v);
  const gauge = meter.createGauge(m.gauge.name, { unit: m.gauge.unit });
  for (const v of m.gauge.records) gauge.record(v);
  meter
    .createObservableGauge(m.observableGauge.name, { unit: m.observableGauge.unit, valueType: ValueType.INT })
    .addCallback((result) => result.observe(m.observableGauge.value));
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
  write(dir, 'metrics.pb', ProtobufMetricsSerializer.serializeRequest(resourceMetrics));
  write(dir, 'metrics.json', JsonMetricsSerializer.serializeRequest(resourceMetrics));
  await provider.shutdown();
}

async function logs(dir: string): Promise<void> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger(SCOPE.name, SCOPE.version);
  for (const l of LOGS) {
    let context: Context = ROOT_CONTEXT;
    if (l.traceContext) context = trace.setSpanContext(ROOT_CONTEXT, { ...l.traceContext, traceFlags: 1 });
    logger.emit({
      eventName: l.eventName,
      timestamp: l.time,
      observedTimestamp: l.observedTime,
      severityNumber: l.severityNumber,
      severityText: l.severityText,
      body: l.body as never,
      attributes: l.attributes,
      context,
    });
  }
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  write(dir, 'logs.pb', ProtobufLogsSerializer.serializeRequest(records));
  write(dir, 'logs.json', JsonLogsSerializer.serializeRequest(records));
  await provider.shutdown();
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? 'collector/src/receivers/otlp/testdata';
  await traces(dir);
  await metrics(dir);
  await logs(dir);
  console.log(`fixtures written to ${dir}`);
}

void main();
