/**
 * Decode benchmark: CPU time of decodeOtlp (decode + validation) per span for typical
 * OTLP/HTTP trace requests: the benchmark spans of bodies.ts (100 per request), through
 * the real OpenTelemetry JS SDK's protobuf and JSON serializers.
 *
 * Run from the repo root: npx tsc -p collector/tsconfig.bench.json &&
 *   node_modules/.bin/node collector/.bench-build/bench/decode.bench.js
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeOtlp, type OtlpFormat } from '../src/receivers/otlp/index';
import { decodeJson } from '../src/receivers/otlp/decode-json';
import { decodeProtobuf } from '../src/receivers/otlp/decode-protobuf';
import { makeSpanBatches } from './bodies';

const SPANS_PER_REQUEST = 100;
const DISTINCT_REQUESTS = 40;
const MEASURE_MS = 2000;
const utf8 = new TextDecoder();

function makeRequests(): Record<OtlpFormat, Uint8Array[]> {
  const out: Record<OtlpFormat, Uint8Array[]> = { protobuf: [], json: [] };
  for (const spans of makeSpanBatches(DISTINCT_REQUESTS, SPANS_PER_REQUEST)) {
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
  console.log(`decode benchmark: ${SPANS_PER_REQUEST} spans/request (bench/bodies.ts), node ${process.version}`);
  console.log(`  ${''.padEnd(42)} ${'CPU µs/span'.padStart(12)} ${'wall µs/span'.padStart(13)}`);
  for (const [name, m, note] of rows) {
    console.log(`  ${name.padEnd(42)} ${m.cpuMicrosPerSpan.toFixed(3).padStart(12)} ${m.wallMicrosPerSpan.toFixed(3).padStart(13)}  ${note}`);
  }
}

main();
