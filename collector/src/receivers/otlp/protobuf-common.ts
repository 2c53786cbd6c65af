/** Protobuf readers for OTLP's common/v1 and resource/v1 messages: attributes, AnyValue, resource, scope. */
import {
  type AnyValue,
  type InstrumentationScope,
  type KeyValue,
  type Resource,
} from '../../model/telemetry';
import { MAX_ANY_VALUE_DEPTH } from './normalize';
import { ProtobufReader, malformed } from './protobuf-reader';

export function readAttribute(r: ProtobufReader, depth = 0): KeyValue {
  const outer = r.enterMessage();
  let key = '';
  let value: AnyValue = null;
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: key = r.internedString(); break;
      case (2 << 3) | 2: value = readAnyValue(r, depth); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return { key, value };
}

/** Reads a length-delimited AnyValue; an empty one (no oneof field set) is `null`. */
export function readAnyValue(r: ProtobufReader, depth: number): AnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw malformed(`values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels at byte ${r.pos}`);
  const outer = r.enterMessage();
  let value: AnyValue = null;
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: value = r.string(); break;
      case (2 << 3) | 0: value = r.bool(); break;
      case (3 << 3) | 0: value = r.int64(); break;
      case (4 << 3) | 1: value = r.double(); break;
      case (5 << 3) | 2: value = readValueList(r, depth + 1); break;
      case (6 << 3) | 2: value = { kvlist: readKeyValueList(r, depth + 1) }; break;
      case (7 << 3) | 2: value = r.bytesCopy(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return value;
}

/** ArrayValue { repeated AnyValue values = 1; } */
function readValueList(r: ProtobufReader, depth: number): AnyValue[] {
  const outer = r.enterMessage();
  const values: AnyValue[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) values.push(readAnyValue(r, depth));
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return values;
}

/** KeyValueList { repeated KeyValue values = 1; } */
function readKeyValueList(r: ProtobufReader, depth: number): KeyValue[] {
  const outer = r.enterMessage();
  const values: KeyValue[] = [];
  while (r.more()) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) values.push(readAttribute(r, depth));
    else r.skip(tag);
  }
  r.leaveMessage(outer);
  return values;
}

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function readResource(r: ProtobufReader): Resource {
  const outer = r.enterMessage();
  const resource = emptyResource();
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: resource.attributes.push(readAttribute(r)); break;
      case (2 << 3) | 0: resource.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag); // entity_refs (3) and anything newer
    }
  }
  r.leaveMessage(outer);
  return resource;
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

export function readScope(r: ProtobufReader): InstrumentationScope {
  const outer = r.enterMessage();
  const scope = emptyScope();
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 2: scope.name = r.internedString(); break;
      case (2 << 3) | 2: scope.version = r.internedString(); break;
      case (3 << 3) | 2: scope.attributes.push(readAttribute(r)); break;
      case (4 << 3) | 0: scope.droppedAttributesCount = r.uint32(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return scope;
}
