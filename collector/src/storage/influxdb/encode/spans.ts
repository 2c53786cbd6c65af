/** Spans → `spans` points (docs/schema.md §3). */
import { attributesToJson } from '../../../model/any-value';
import type { Span, TracesBatch } from '../../../model/telemetry';
import { fnv1a, SECOND_SEED } from '../identity';
import { encodeInt } from '../line-protocol';
import { SPAN_COLUMNS, SPANS_MEASUREMENT } from '../schema';
import { FieldNames, splitAttributes, type EncodeContext } from './context';
import { tagAttributes, type TagAttributes } from './tag-attributes';

const SPAN_KIND_TAG = [',kind=unspecified', ',kind=internal', ',kind=server', ',kind=client', ',kind=producer', ',kind=consumer'];
const STATUS_TAG = [',status=unset', ',status=ok', ',status=error'];

export class SpanEncoder {
  private readonly fields = new FieldNames(SPAN_COLUMNS);
  private readonly tags: TagAttributes;

  constructor(configuredTagAttributes: readonly string[]) {
    this.tags = tagAttributes(configuredTagAttributes, SPAN_COLUMNS);
  }

  encode(ctx: EncodeContext, batch: TracesBatch, nowMs: number): void {
    for (const rs of batch.resourceSpans) {
      const res = ctx.resource(rs.resource, nowMs);
      const seriesPrefix = SPANS_MEASUREMENT + res.tags;
      for (const ss of rs.scopeSpans) {
        const scope = ctx.scopeFields(ss.scope);
        for (const span of ss.spans) this.encodeSpan(ctx, span, seriesPrefix, scope, res.idField);
      }
    }
  }

  private encodeSpan(ctx: EncodeContext, span: Span, seriesPrefix: string, scopeFields: string, resourceIdField: string): void {
    const [attrTags, attrFields] = splitAttributes(ctx, span.attributes, this.fields, this.tags.index, this.tags.keys);
    const series =
      seriesPrefix + (SPAN_KIND_TAG[span.kind] ?? SPAN_KIND_TAG[0]) + (STATUS_TAG[span.status.code] ?? STATUS_TAG[0]) + attrTags;
    let fields =
      'trace_id=' +
      ctx.str(span.traceId) +
      ',span_id=' +
      ctx.str(span.spanId) +
      ',parent_span_id=' +
      ctx.str(span.parentSpanId) +
      ',name=' +
      ctx.str(span.name) +
      ',duration_ns=' +
      encodeInt(span.endTimeUnixNano - span.startTimeUnixNano) +
      ',flags=' +
      encodeInt(span.flags);
    if (span.status.message !== '') fields += ',status_message=' + ctx.str(span.status.message);
    if (span.traceState !== '') fields += ',trace_state=' + ctx.str(span.traceState);
    fields += scopeFields + ',events_count=' + encodeInt(span.events.length);
    if (span.events.length > 0) fields += ',events=' + ctx.str(JSON.stringify(span.events.map(eventJson)));
    if (span.links.length > 0) fields += ',links=' + ctx.str(JSON.stringify(span.links.map(linkJson)));
    const hash = fnv1a(span.spanId, fnv1a(span.traceId));
    ctx.emit(series, fields + attrFields + resourceIdField, span.startTimeUnixNano, hash, fnv1a(span.traceId, fnv1a(span.spanId, SECOND_SEED)));
  }
}

function eventJson(event: Span['events'][number]): unknown {
  return {
    time_unix_nano: event.timeUnixNano.toString(),
    name: event.name,
    attributes: attributesToJson(event.attributes),
  };
}

function linkJson(link: Span['links'][number]): unknown {
  return {
    trace_id: link.traceId,
    span_id: link.spanId,
    trace_state: link.traceState,
    flags: link.flags,
    attributes: attributesToJson(link.attributes),
  };
}
