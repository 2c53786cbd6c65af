/** Benchmark (c): the collector's CPU time per span from protobuf bytes to line protocol. */
import { decodeOtlp } from '../src/receivers/otlp';
import { BatchEncoder } from '../src/storage/influxdb';
import type { TelemetryBatch } from '../src/model/telemetry';

const translator = () => new BatchEncoder({ tagAttributes: ['http.request.method', 'http.route'] });

/** Line protocol for every span of every body, as the exporter would write it. */
export function encodeBodiesToLines(bodies: Uint8Array[]): string[] {
  const t = translator();
  return bodies.flatMap((body) => t.encode(decodeOtlp('traces', 'protobuf', body).batch).lines);
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** CPU µs per span for decode and for translate+encode, best of several rounds. */
export function benchEncodeCpu(bodies: Uint8Array[], rounds = 7): { decodeMicros: number; encodeMicros: number; totalMicros: number } {
  const t = translator();
  const spans = bodies.length * 100;
  let bestDecode = Infinity;
  let bestEncode = Infinity;
  for (let r = 0; r < rounds; r++) {
    const batches: TelemetryBatch[] = new Array(bodies.length);
    const c0 = cpuMicros();
    for (let i = 0; i < bodies.length; i++) batches[i] = decodeOtlp('traces', 'protobuf', bodies[i]).batch;
    const c1 = cpuMicros();
    let lines = 0;
    // Item lines: each batch also writes one `resources` point (docs/schema.md §5a).
    for (const batch of batches) lines += t.encode(batch).itemLines;
    const c2 = cpuMicros();
    if (lines !== spans) throw new Error(`expected ${spans} span lines, got ${lines}`);
    bestDecode = Math.min(bestDecode, (c1 - c0) / spans);
    bestEncode = Math.min(bestEncode, (c2 - c1) / spans);
  }
  return { decodeMicros: bestDecode, encodeMicros: bestEncode, totalMicros: bestDecode + bestEncode };
}
