/**
 * Decode benchmark: CPU time of decodeOtlp (decode + validation) per span for typical
 * OTLP/HTTP trace requests — 100 spans of ~10 attributes each, made by the real
 * OpenTelemetry JS SDK and its protobuf / JSON serializers.
 *
 * Run from the repo root (compiled first: Node's type stripping cannot resolve the
 * extensionless imports):
 *   npx tsc --outDir /tmp/hermes-bench --rootDir collector --module node16 --moduleResolution node16 \
 *     --target es2023 --esModuleInterop --skipLibCheck collector/bench/decode.bench.ts
 *   NODE_PATH=node_modules node_modules/.bin/node /tmp/hermes-bench/bench/decode.bench.js
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeOtlp, type OtlpFormat } from '../src/receivers/otlp/index';
import { decodeJson } from '../src/receivers/otlp/decode-json';
import { decodeProtobuf } from '../src/receivers/otlp/decode-protobuf';

const SPANS_PER_REQUEST = 100;
const DISTINCT_REQUESTS = 40;
const MEASURE_MS = 2000;
const utf8 = new TextDecoder();

function makeRequests(): Record<OtlpFormat, Uint8Array[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'orders',
      'service.version': '2.7.1',
      'deployment.environment.name': 'prod',
      'host.name': 'orders-7f9c-1',
      'process.pid': 31337,
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.301.0');
  const out: Record<OtlpFormat, Uint8Array[]> = { protobuf: [], json: [] };
  const t0 = Date.now();
  for (let r = 0; r < DISTINCT_REQUESTS; r++) {
    exporter.reset();
    for (let i = 0; i < SPANS_PER_REQUEST; i++) {
      const span = tracer.startSpan(
        i % 2 === 0 ? 'GET /api/orders/:id' : 'SELECT orders',
        {
          kind: i % 2 === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
          startTime: t0 + r * 1000 + i,
          attributes: {
            'http.request.method': 'GET',
            'http.route': '/api/orders/:id',
            'url.path': `/api/orders/${r * 1000 + i}`,
            'http.response.status_code': i % 17 === 0 ? 500 : 200,
            'server.address': 'orders.internal',
            'server.port': 8080,
            'client.address': `10.1.${r % 250}.${i % 250}`,
            'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0',
            'network.protocol.version': '1.1',
            'app.order.items': i % 9,
          },
        },
        ROOT_CONTEXT,
      );
      if (i % 10 === 0) span.addEvent('cache.miss', { 'cache.key': `order:${i}` });
      if (i % 17 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
      span.end(t0 + r * 1000 + i + 3);
    }
    const spans = exporter.getFinishedSpans();
    const pb = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    if (!pb || !json) throw new Error('the SDK serializer returned nothing');
    out.protobuf.push(pb);
    out.json.push(json);
  }
  return out;
}

interface Measurement {
  wallMicrosPerSpan: number;
  /** This process's user+system CPU time: on a shared box it excludes waiting for a core. */
  cpuMicrosPerSpan: number;
}

/** Runs `decode` over the bodies for MEASURE_MS after a warm-up. */
function measure(bodies: Uint8Array[], decode: (body: Uint8Array) => unknown): Measurement {
  for (let i = 0; i < 200; i++) decode(bodies[i % bodies.length]);
  let spans = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(MEASURE_MS) * 1_000_000n;
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < bodies.length; i++) decode(bodies[i]);
    spans += bodies.length * SPANS_PER_REQUEST;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMicrosPerSpan: Number(now - started) / 1000 / spans, cpuMicrosPerSpan: (cpu.user + cpu.system) / spans };
}

function main(): void {
  const requests = makeRequests();
  const bytesPerSpan = (format: OtlpFormat) =>
    requests[format].reduce((n, b) => n + b.length, 0) / (DISTINCT_REQUESTS * SPANS_PER_REQUEST);
  const rows: [string, Measurement, string][] = [
    ['protobuf: decodeOtlp (decode + validate)', measure(requests.protobuf, (b) => decodeOtlp('traces', 'protobuf', b)), `${bytesPerSpan('protobuf').toFixed(0)} B/span`],
    ['protobuf: decode only', measure(requests.protobuf, (b) => decodeProtobuf('traces', b)), ''],
    ['json: decodeOtlp (decode + validate)', measure(requests.json, (b) => decodeOtlp('traces', 'json', b)), `${bytesPerSpan('json').toFixed(0)} B/span`],
    ['json: decode only', measure(requests.json, (b) => decodeJson('traces', b)), ''],
    ['json: JSON.parse alone (the floor)', measure(requests.json, (b) => JSON.parse(utf8.decode(b))), ''],
  ];
  console.log(`decode benchmark: ${SPANS_PER_REQUEST} spans/request, 10 attributes/span, node ${process.version}`);
  console.log(`  ${''.padEnd(42)} ${'CPU µs/span'.padStart(12)} ${'wall µs/span'.padStart(13)}`);
  for (const [name, m, note] of rows) {
    console.log(`  ${name.padEnd(42)} ${m.cpuMicrosPerSpan.toFixed(3).padStart(12)} ${m.wallMicrosPerSpan.toFixed(3).padStart(13)}  ${note}`);
  }
}

main();
