/**
 * The benchmark's physical ceiling: the same spans as compact line protocol, the least a
 * store of them could ask InfluxDB to do. 4 tags (service, kind, name, status) and 8 fields:
 * trace, span and parent ids, duration, status code, two key attributes (method and route),
 * and every other attribute as one JSON string. Not a schema Hermes writes: a yardstick.
 */
import { decodeOtlp } from '../src/receivers/otlp';
import { anyValueToJson, findAttribute, anyValueToText } from '../src/model/any-value';
import { escapeKey, encodeStringField } from '../src/storage/influxdb/line-protocol';
import { fnv1a, offsetTimeNs } from '../src/storage/influxdb/identity';

const KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const KEY_ATTRIBUTES = ['http.request.method', 'http.route'];

export function compactSpanLines(bodies: Uint8Array[]): string[] {
  const lines: string[] = [];
  for (const body of bodies) {
    const { batch } = decodeOtlp('traces', 'protobuf', body);
    if (batch.signal !== 'traces') continue;
    for (const rs of batch.resourceSpans) {
      const service = escapeKey(anyValueToText(findAttribute(rs.resource.attributes, 'service.name') ?? 'unknown_service'));
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const rest: Record<string, unknown> = {};
          for (const kv of span.attributes) if (!KEY_ATTRIBUTES.includes(kv.key)) rest[kv.key] = anyValueToJson(kv.value);
          const attr = (key: string) => encodeStringField(anyValueToText(findAttribute(span.attributes, key) ?? ''));
          lines.push(
            `spans,service=${service},kind=${KIND[span.kind]},name=${escapeKey(span.name) || '_'},status=${span.status.code} ` +
              `trace_id="${span.traceId}",span_id="${span.spanId}",parent_span_id="${span.parentSpanId}",` +
              `duration_ns=${span.endTimeUnixNano - span.startTimeUnixNano}i,status_code=${span.status.code}i,` +
              `method=${attr('http.request.method')},route=${attr('http.route')},attributes=${encodeStringField(JSON.stringify(rest))} ` +
              // The same offset Hermes gives a span, so the ceiling's points do not overwrite each other either.
              `${offsetTimeNs(span.startTimeUnixNano, fnv1a(span.spanId, fnv1a(span.traceId)))}`,
          );
        }
      }
    }
  }
  return lines;
}
