/**
 * Decode benchmark against a reference: Hermes' hand-written OTLP/protobuf decoder versus the
 * protobufjs static code generated from the official .proto files (the one that
 * @opentelemetry/otlp-transformer 0.203.0 ships; devDependency `otlp-proto-reference`), on the
 * ingest benchmark's request bodies (bench/bodies.ts, 100 spans each). The variants alternate
 * within each round, several rounds; figures are CPU µs per span, median over the rounds.
 *
 * What each variant does (all start from a Buffer, as the HTTP receiver has it):
 * - Hermes decodeOtlp: decode into the model (hex ids, bigint nanos, AnyValue unwrapped) + validation;
 * - Hermes decode only: the same without validation;
 * - reference decode: protobufjs message objects (ids as Buffer views into the body, 64-bit
 *   integers as Long objects, AnyValue as a wrapper message), no validation;
 * - reference decode + to model: the above converted into exactly Hermes' decode-only output
 *   (checked at start-up), i.e. what replacing the decoder with protobufjs would cost.
 *
 * Part of `npm run bench` (run.ts, benchmark (e)); alone, from the repo root:
 *   npx tsc -p collector/tsconfig.bench.json && node_modules/.bin/node collector/.bench-build/bench/decode-crosscheck.bench.js
 */
import { deepStrictEqual } from 'node:assert';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import referenceRoot from 'otlp-proto-reference/build/src/generated/root';
import type { AnyValue, KeyValue, Span, TracesBatch } from '../src/model/telemetry';
import { decodeOtlp } from '../src/receivers/otlp/index';
import { decodeProtobuf } from '../src/receivers/otlp/decode-protobuf';
import { makeSpanBatches } from './bodies';

const SPANS_PER_REQUEST = 100;
const DISTINCT_REQUESTS = 40;
const ROUNDS = 5;
const MEASURE_MS_PER_ROUND = 1000;

// The reference's decoded shapes, as far as the conversion reads them.
interface Long { low: number; high: number }
interface RefAnyValue {
  stringValue: string | null;
  boolValue: boolean | null;
  intValue: Long | null;
  doubleValue: number | null;
  arrayValue: { values: RefAnyValue[] } | null;
  kvlistValue: { values: RefKeyValue[] } | null;
  bytesValue: Uint8Array | null;
}
interface RefKeyValue { key: string | null; value: RefAnyValue | null }
interface RefSpan {
  traceId: Buffer | null;
  spanId: Buffer | null;
  traceState: string | null;
  parentSpanId: Buffer | null;
  flags: number | null;
  name: string | null;
  kind: number | null;
  startTimeUnixNano: Long | null;
  endTimeUnixNano: Long | null;
  attributes: RefKeyValue[];
  droppedAttributesCount: number | null;
  events: { timeUnixNano: Long | null; name: string | null; attributes: RefKeyValue[]; droppedAttributesCount: number | null }[];
  droppedEventsCount: number | null;
  links: { traceId: Buffer | null; spanId: Buffer | null; traceState: string | null; attributes: RefKeyValue[]; droppedAttributesCount: number | null; flags: number | null }[];
  droppedLinksCount: number | null;
  status: { message: string | null; code: number | null } | null;
}
interface RefScope { name: string | null; version: string | null; attributes: RefKeyValue[]; droppedAttributesCount: number | null }
interface RefTraceRequest {
  resourceSpans: {
    resource: { attributes: RefKeyValue[]; droppedAttributesCount: number | null } | null;
    schemaUrl: string | null;
    scopeSpans: { scope: RefScope | null; schemaUrl: string | null; spans: RefSpan[] }[];
  }[];
}
interface ReferenceRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(body: Uint8Array): RefTraceRequest } } } } } };
}
const ExportTraceServiceRequest = (referenceRoot as unknown as ReferenceRoot).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const TWO_POW_32 = 4294967296;
const nanos = (v: Long | null): bigint => (v === null ? 0n : (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
const hex = (b: Buffer | null): string => (b === null || b.length === 0 ? '' : b.toString('hex'));

function anyValue(v: RefAnyValue | null): AnyValue {
  if (v === null) return null;
  if (v.stringValue !== null) return v.stringValue;
  if (v.intValue !== null) return v.intValue.high * TWO_POW_32 + (v.intValue.low >>> 0);
  if (v.boolValue !== null) return v.boolValue;
  if (v.doubleValue !== null) return v.doubleValue;
  if (v.arrayValue !== null) return v.arrayValue.values.map(anyValue);
  if (v.kvlistValue !== null) return { kvlist: attributes(v.kvlistValue.values) };
  if (v.bytesValue !== null) return Uint8Array.from(v.bytesValue);
  return null;
}

function attributes(list: RefKeyValue[]): KeyValue[] {
  const out: KeyValue[] = new Array<KeyValue>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = { key: list[i].key ?? '', value: anyValue(list[i].value) };
  return out;
}

function span(s: RefSpan): Span {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    traceState: s.traceState ?? '',
    parentSpanId: hex(s.parentSpanId),
    flags: s.flags ?? 0,
    name: s.name ?? '',
    kind: (s.kind ?? 0) as Span['kind'],
    startTimeUnixNano: nanos(s.startTimeUnixNano),
    endTimeUnixNano: nanos(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount ?? 0,
    events: s.events.map((e) => ({ timeUnixNano: nanos(e.timeUnixNano), name: e.name ?? '', attributes: attributes(e.attributes), droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
    droppedEventsCount: s.droppedEventsCount ?? 0,
    links: s.links.map((l) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: l.traceState ?? '',
      attributes: attributes(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: l.flags ?? 0,
    })),
    droppedLinksCount: s.droppedLinksCount ?? 0,
    status: { code: (s.status?.code ?? 0) as Span['status']['code'], message: s.status?.message ?? '' },
  };
}

/** The reference's decode, converted into Hermes' model (what decodeProtobuf returns). */
function referenceToModel(body: Uint8Array): TracesBatch {
  const request = ExportTraceServiceRequest.decode(body);
  return {
    signal: 'traces',
    resourceSpans: request.resourceSpans.map((r) => ({
      resource: { attributes: attributes(r.resource?.attributes ?? []), droppedAttributesCount: r.resource?.droppedAttributesCount ?? 0 },
      schemaUrl: r.schemaUrl ?? '',
      scopeSpans: r.scopeSpans.map((s) => ({
        scope: { name: s.scope?.name ?? '', version: s.scope?.version ?? '', attributes: attributes(s.scope?.attributes ?? []), droppedAttributesCount: s.scope?.droppedAttributesCount ?? 0 },
        schemaUrl: s.schemaUrl ?? '',
        spans: s.spans.map(span),
      })),
    })),
  };
}

interface Variant {
  name: string;
  decode: (body: Uint8Array) => unknown;
  cpuMicrosPerSpan: number[];
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** CPU µs per span of `decode` over the bodies for about `ms` milliseconds. */
function measure(bodies: Uint8Array[], decode: (body: Uint8Array) => unknown, ms: number): number {
  let spans = 0;
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  const before = cpuMicros();
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < bodies.length; i++) decode(bodies[i]);
    spans += bodies.length * SPANS_PER_REQUEST;
  }
  return (cpuMicros() - before) / spans;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface DecodeComparison {
  /** Median CPU µs per span, by variant name. */
  micros: Record<string, number>;
  hermesDecode: number;
  referenceDecode: number;
  referenceToModel: number;
}

/** Runs the comparison and prints a table; about ROUNDS × 4 × MEASURE_MS_PER_ROUND. */
export function benchDecodeCrosscheck(): DecodeComparison {
  // Buffers, as the HTTP receiver hands them to the decoder (protobufjs then decodes UTF-8 natively too).
  const bodies = makeSpanBatches(DISTINCT_REQUESTS, SPANS_PER_REQUEST).map((spans) => {
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    if (!body) throw new Error('the SDK serializer returned nothing');
    return Buffer.from(body);
  });
  deepStrictEqual(referenceToModel(bodies[0]), decodeProtobuf('traces', bodies[0]), 'the conversion must give exactly what Hermes decodes');

  const variants: Variant[] = [
    { name: 'Hermes decodeOtlp (decode + validate)', decode: (b) => decodeOtlp('traces', 'protobuf', b), cpuMicrosPerSpan: [] },
    { name: 'Hermes decode only', decode: (b) => decodeProtobuf('traces', b), cpuMicrosPerSpan: [] },
    { name: 'reference decode (protobufjs objects)', decode: (b) => ExportTraceServiceRequest.decode(b), cpuMicrosPerSpan: [] },
    { name: 'reference decode + to model', decode: referenceToModel, cpuMicrosPerSpan: [] },
  ];
  for (const v of variants) measure(bodies, v.decode, 300); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs right after the same one.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + round) % variants.length];
      v.cpuMicrosPerSpan.push(measure(bodies, v.decode, MEASURE_MS_PER_ROUND));
    }
  }

  const micros = Object.fromEntries(variants.map((v) => [v.name, median(v.cpuMicrosPerSpan)]));
  const result: DecodeComparison = {
    micros,
    hermesDecode: micros['Hermes decode only'],
    referenceDecode: micros['reference decode (protobufjs objects)'],
    referenceToModel: micros['reference decode + to model'],
  };
  const bytesPerSpan = bodies.reduce((n, b) => n + b.length, 0) / (bodies.length * SPANS_PER_REQUEST);
  console.log(`decode vs reference: ${SPANS_PER_REQUEST} spans/request (${bytesPerSpan.toFixed(0)} B/span), ${ROUNDS} rounds, node ${process.version}`);
  console.log(`  ${''.padEnd(40)} ${'CPU µs/span (median)'.padStart(21)}  ${'rounds'.padEnd(30)} vs Hermes decode only`);
  for (const v of variants) {
    const m = micros[v.name];
    console.log(`  ${v.name.padEnd(40)} ${m.toFixed(3).padStart(21)}  ${v.cpuMicrosPerSpan.map((x) => x.toFixed(2)).join(' ').padEnd(30)} ×${(m / result.hermesDecode).toFixed(2)}`);
  }
  return result;
}

if (require.main === module) benchDecodeCrosscheck();
