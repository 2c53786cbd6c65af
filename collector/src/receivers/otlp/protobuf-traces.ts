/** Protobuf readers for OTLP's trace/v1 messages (Span, Event, Link, Status). */
import {
  type Span,
  SpanKind,
  type SpanEvent,
  type SpanLink,
  StatusCode,
} from '../../model/telemetry';
import { toSpanKind, toStatusCode } from './normalize';
import { readAttribute } from './protobuf-common';
import { ProtobufReader } from './protobuf-reader';

export function readSpan(r: ProtobufReader): Span {
  const outer = r.enterMessage();
  const span: Span = {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.UNSET, message: '' },
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: span.traceId = r.hex(); break;
      case (2 << 3) | 2: span.spanId = r.hex(); break;
      case (3 << 3) | 2: span.traceState = r.string(); break;
      case (4 << 3) | 2: span.parentSpanId = r.hex(); break;
      case (5 << 3) | 2: span.name = r.internedString(); break;
      case (6 << 3) | 0: span.kind = toSpanKind(r.int32()); break;
      case (7 << 3) | 1: span.startTimeUnixNano = r.fixed64BigInt(); break;
      case (8 << 3) | 1: span.endTimeUnixNano = r.fixed64BigInt(); break;
      case (9 << 3) | 2: span.attributes.push(readAttribute(r)); break;
      case (10 << 3) | 0: span.droppedAttributesCount = r.uint32(); break;
      case (11 << 3) | 2: span.events.push(readEvent(r)); break;
      case (12 << 3) | 0: span.droppedEventsCount = r.uint32(); break;
      case (13 << 3) | 2: span.links.push(readLink(r)); break;
      case (14 << 3) | 0: span.droppedLinksCount = r.uint32(); break;
      case (15 << 3) | 2: span.status = readStatus(r); break;
      case (16 << 3) | 5: span.flags = r.fixed32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return span;
}

function readEvent(r: ProtobufReader): SpanEvent {
  const outer = r.enterMessage();
  const event: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: event.timeUnixNano = r.fixed64BigInt(); break;
      case (2 << 3) | 2: event.name = r.internedString(); break;
      case (3 << 3) | 2: event.attributes.push(readAttribute(r)); break;
      case (4 << 3) | 0: event.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return event;
}

function readLink(r: ProtobufReader): SpanLink {
  const outer = r.enterMessage();
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: link.traceId = r.hex(); break;
      case (2 << 3) | 2: link.spanId = r.hex(); break;
      case (3 << 3) | 2: link.traceState = r.string(); break;
      case (4 << 3) | 2: link.attributes.push(readAttribute(r)); break;
      case (5 << 3) | 0: link.droppedAttributesCount = r.uint32(); break;
      case (6 << 3) | 5: link.flags = r.fixed32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return link;
}

/** Status { reserved 1; string message = 2; StatusCode code = 3; } */
function readStatus(r: ProtobufReader): Span['status'] {
  const outer = r.enterMessage();
  const status: Span['status'] = { code: StatusCode.UNSET, message: '' };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (2 << 3) | 2: status.message = r.string(); break;
      case (3 << 3) | 0: status.code = toStatusCode(r.int32()); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return status;
}
