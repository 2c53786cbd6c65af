/**
 * Response bodies checked against independent decoders: the OpenTelemetry JS exporters'
 * own response deserializers for Export*ServiceResponse, the collector's protobuf reader
 * for google.rpc.Status.
 */
import fc from 'fast-check';
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Signal } from '../../model/telemetry';
import { ProtobufReader } from '../otlp/protobuf-reader';
import { exportResponseBody, statusBody } from './responses';

const clients: Record<Signal, { field: string; deserialize: (body: Uint8Array) => object }> = {
  traces: { field: 'rejectedSpans', deserialize: (b) => ProtobufTraceSerializer.deserializeResponse(b) },
  metrics: { field: 'rejectedDataPoints', deserialize: (b) => ProtobufMetricsSerializer.deserializeResponse(b) },
  logs: { field: 'rejectedLogRecords', deserialize: (b) => ProtobufLogsSerializer.deserializeResponse(b) },
};

const signals = fc.constantFrom<Signal>('traces', 'metrics', 'logs');
const rejectedCounts = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));
const messages = fc.string({ unit: 'grapheme', maxLength: 300 });

describe('exportResponseBody', () => {
  describe('in protobuf', () => {
    it('decodes, with the OpenTelemetry JS client, to the rejected count and message', () => {
      fc.assert(
        fc.property(signals, rejectedCounts, messages, (signal, rejected, message) => {
          const { field, deserialize } = clients[signal];
          const decoded = deserialize(exportResponseBody(signal, 'protobuf', rejected, message));
          if (rejected === 0) return expect(decoded).toEqual({});
          const partialSuccess: Record<string, unknown> = { [field]: rejected };
          if (message !== '') partialSuccess.errorMessage = message;
          expect(decoded).toEqual({ partialSuccess });
        }),
      );
    });
  });

  describe('in JSON', () => {
    it('is {} without rejections, else partialSuccess with the count as a decimal string', () => {
      fc.assert(
        fc.property(signals, rejectedCounts, messages, (signal, rejected, message) => {
          const decoded = JSON.parse(exportResponseBody(signal, 'json', rejected, message).toString('utf8'));
          if (rejected === 0) return expect(decoded).toEqual({});
          expect(decoded).toEqual({ partialSuccess: { [clients[signal].field]: String(rejected), errorMessage: message } });
        }),
      );
    });
  });
});

describe('statusBody', () => {
  it('encodes google.rpc.Status code and message in both formats', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), messages, (code, message) => {
        expect(JSON.parse(statusBody('json', code, message).toString('utf8'))).toEqual({ code, message });
        const reader = new ProtobufReader(statusBody('protobuf', code, message));
        const decoded = { code: 0, message: '' };
        while (reader.more()) {
          const tag = reader.tag();
          if (tag === ((1 << 3) | 0)) decoded.code = reader.int32();
          else if (tag === ((2 << 3) | 2)) decoded.message = reader.string();
          else throw new Error(`unexpected tag ${tag}`);
        }
        expect(decoded).toEqual({ code, message });
      }),
    );
  });
});
