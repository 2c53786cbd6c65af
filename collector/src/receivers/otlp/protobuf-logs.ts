/** Protobuf reader for OTLP's logs/v1 LogRecord. */
import type { LogRecord } from '../../model/telemetry';
import { toSeverityNumber } from './normalize';
import { readAnyValue, readAttribute } from './protobuf-common';
import { ProtobufReader } from './protobuf-reader';

export function readLogRecord(r: ProtobufReader): LogRecord {
  const outer = r.enterMessage();
  const record: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  };
  while (r.more()) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) | 1: record.timeUnixNano = r.fixed64BigInt(); break;
      case (2 << 3) | 0: record.severityNumber = toSeverityNumber(r.int32()); break;
      case (3 << 3) | 2: record.severityText = r.internedString(); break;
      case (5 << 3) | 2: record.body = readAnyValue(r, 0); break;
      case (6 << 3) | 2: record.attributes.push(readAttribute(r)); break;
      case (7 << 3) | 0: record.droppedAttributesCount = r.uint32(); break;
      case (8 << 3) | 5: record.flags = r.fixed32(); break;
      case (9 << 3) | 2: record.traceId = r.hex(); break;
      case (10 << 3) | 2: record.spanId = r.hex(); break;
      case (11 << 3) | 1: record.observedTimeUnixNano = r.fixed64BigInt(); break;
      case (12 << 3) | 2: record.eventName = r.internedString(); break;
      default: r.skip(tag);
    }
  }
  r.leaveMessage(outer);
  return record;
}
