/**
 * Decodes OTLP/protobuf Export{Trace,Metrics,Logs}ServiceRequest bodies straight into the
 * telemetry model, without generated code. Field numbers follow opentelemetry-proto
 * (common/v1, resource/v1, trace/v1, metrics/v1, logs/v1 and the collector/{trace,metrics,logs}/v1 services).
 *
 * Each `case` is a full tag, (field number << 3) | wire type: a known field sent with the
 * wrong wire type falls through to `skip`, as unknown fields do (protobuf's rule).
 * Message readers live in protobuf-{common,traces,metrics,logs}.ts. Validation (ids,
 * names) is not done here; see validate.ts.
 */
import type { Signal, OtlpBatch } from '../../model/telemetry';
import { emptyResource, emptyScope, readResource, readScope } from './protobuf-common';
import { readLogRecord } from './protobuf-logs';
import { readMetric } from './protobuf-metrics';
import { ProtobufReader } from './protobuf-reader';
import { readSpan } from './protobuf-traces';
import { type ResourceLevel, type ScopeLevel, toBatch } from './signal-shape';

export function decodeProtobuf(signal: Signal, body: Uint8Array): OtlpBatch {
  const r = new ProtobufReader(body);
  const readItem = ITEM_READERS[signal];
  // Export*ServiceRequest { repeated Resource* resource_* = 1; }
  const levels: ResourceLevel<unknown>[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) levels.push(readResourceLevel(r, readItem));
    else r.skip(tag);
  }
  return toBatch(signal, levels);
}

/**
 * The resource → scope → items nesting is identical for all signals: Resource* { resource = 1;
 * repeated Scope* = 2; schema_url = 3 } and Scope* { scope = 1; repeated item = 2; schema_url = 3 }.
 */
function readResourceLevel<T>(r: ProtobufReader, readItem: (r: ProtobufReader) => T): ResourceLevel<T> {
  const outer = r.enterMessage();
  const level: ResourceLevel<T> = { resource: emptyResource(), schemaUrl: '', scopes: [] };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: level.resource = readResource(r); break;
      case (2 << 3) | 2: level.scopes.push(readScopeLevel(r, readItem)); break;
      case (3 << 3) | 2: level.schemaUrl = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return level;
}

function readScopeLevel<T>(r: ProtobufReader, readItem: (r: ProtobufReader) => T): ScopeLevel<T> {
  const outer = r.enterMessage();
  const level: ScopeLevel<T> = { scope: emptyScope(), schemaUrl: '', items: [] };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: level.scope = readScope(r); break;
      case (2 << 3) | 2: level.items.push(readItem(r)); break;
      case (3 << 3) | 2: level.schemaUrl = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return level;
}

const ITEM_READERS: Record<Signal, (r: ProtobufReader) => unknown> = {
  traces: readSpan,
  metrics: readMetric,
  logs: readLogRecord,
};
