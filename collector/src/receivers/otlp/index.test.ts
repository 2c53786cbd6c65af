import { HermesError } from '../../pipeline/errors';
import type { TracesBatch } from '../../model/telemetry';
import { decodeOtlp } from './index';
import { ProtobufWriter } from './testdata/protobuf-writer';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

describe('decodeOtlp', () => {
  describe('.decodeOtlp', () => {
    it('reports partial success for a protobuf body with an invalid span', () => {
      const body = new ProtobufWriter()
        .message(1, (rs) =>
          rs.message(2, (ss) =>
            ss
              .message(2, (span) => span.id(1, TRACE_ID).id(2, SPAN_ID).string(5, 'kept'))
              .message(2, (span) => span.id(1, '00'.repeat(16)).id(2, SPAN_ID).string(5, 'dropped')),
          ),
        )
        .finish();
      const result = decodeOtlp('traces', 'protobuf', body);
      expect(result).toMatchObject({
        accepted: 1,
        rejected: 1,
        rejectedMessage: '1 span rejected: invalid trace id (all zeros) at resourceSpans[0].scopeSpans[0].spans[1]',
      });
      expect((result.batch as TracesBatch).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name)).toEqual(['kept']);
    });

    it('reports partial success for a JSON body with an invalid span', () => {
      const body = {
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID }, { traceId: TRACE_ID, spanId: 'abcd' }] }] }],
      };
      const result = decodeOtlp('traces', 'json', new TextEncoder().encode(JSON.stringify(body)));
      expect(result).toMatchObject({ accepted: 1, rejected: 1, rejectedMessage: expect.stringContaining('invalid span id (expected 8 bytes, got 2)') });
    });

    it('throws HERMES_ERR_BAD_REQUEST (HTTP 400) for an undecodable body', () => {
      const attempt = () => decodeOtlp('metrics', 'protobuf', Uint8Array.of(0x0a, 0x05, 0x01));
      expect(attempt).toThrow(HermesError);
      expect(attempt).toThrow(expect.objectContaining({ code: 'HERMES_ERR_BAD_REQUEST', httpStatus: 400 }));
    });
  });
});
