/**
 * The ingest service alone, with an in-memory consumer and a decoder double: admission,
 * limits, outcomes and what they count. Over real sockets it is covered by the OTLP/HTTP
 * receiver's tests; these pin the policy every transport shares.
 */
import { gzipSync } from 'node:zlib';
import type { TelemetryBatch } from '../model/telemetry';
import type { DecodeResult } from '../receivers/otlp/decode';
import { TAKEN, type Consumer, type Receipt } from './component';
import { HermesError } from './errors';
import { ClientAbortedError, IngestService, type IngestResult } from './ingest';
import { silentLogger } from './logger';
import { MemoryGuard } from './memory';
import { SelfMetrics } from './self-metrics';

const limits = { maxBodyBytes: 1024, maxConcurrentRequests: 2, ackTimeoutMs: 100, retryAfterSeconds: 7 };

/** Decodes "n" (a count in the body's text) into a batch of n items, the way decodeOtlp reports them. */
function decode(_signal: string, _format: string, body: Uint8Array): DecodeResult {
  const text = Buffer.from(body).toString();
  if (!/^\d+(,\d+)?$/.test(text)) throw new HermesError('HERMES_ERR_BAD_REQUEST', 'not a count');
  const [accepted, rejected = 0] = text.split(',').map(Number);
  return { batch: { signal: 'traces', resourceSpans: [] }, accepted, rejected: Number(rejected), rejectedMessage: rejected ? `${rejected} spans rejected: bad ids` : '' };
}

function service(next: Consumer, memory?: MemoryGuard) {
  const metrics = new SelfMetrics();
  return { ingest: new IngestService({ receiverId: 'test', limits, next, decode, logger: silentLogger, metrics, memory }), metrics };
}

function run(ingest: IngestService, body: string | Buffer, encoding: 'identity' | 'gzip' = 'identity'): Promise<IngestResult> {
  return new Promise((resolve) => void ingest.ingest({ signal: 'traces', format: 'json', encoding, read: async () => Buffer.from(body) }, resolve));
}

async function refused(metrics: SelfMetrics, reason: string): Promise<number> {
  const { values } = await metrics.itemsRefused.get();
  return values.filter((v) => v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
}

const taking: Consumer = { consume: async () => TAKEN };

describe('IngestService', () => {
  describe('.ingest', () => {
    it('accepts, and adds the items storage refused for good to those the decoder rejected', async () => {
      const next: Consumer = { consume: async (): Promise<Receipt> => ({ refusedItems: 2, refusal: 'influxdb refused 2 of 5 items: type conflict' }) };
      const { ingest, metrics } = service(next);
      expect(await run(ingest, '5,1')).toEqual({ kind: 'accepted', refusedItems: 3, refusal: '1 spans rejected: bad ids; influxdb refused 2 of 5 items: type conflict' });
      expect(await refused(metrics, 'HERMES_ERR_STORAGE_REFUSED')).toBe(2);
      expect(await refused(metrics, 'HERMES_ERR_BAD_REQUEST')).toBe(1);
      const { values } = await metrics.itemsReceived.get();
      expect(values[0]?.value).toBe(3);
    });

    it('does not call the consumer when nothing decoded is left', async () => {
      const seen: TelemetryBatch[] = [];
      const { ingest } = service({ consume: async (b) => (seen.push(b), TAKEN) });
      expect(await run(ingest, '0,2')).toMatchObject({ kind: 'accepted', refusedItems: 2 });
      expect(seen).toEqual([]);
    });

    it('refuses a body that decompresses past maxBodyBytes with 413, and garbage with 400', async () => {
      const { ingest } = service(taking);
      expect(await run(ingest, gzipSync('1'.repeat(5000)), 'gzip')).toMatchObject({ kind: 'refused', error: { httpStatus: 413 } });
      expect(await run(ingest, 'x')).toMatchObject({ kind: 'refused', error: { code: 'HERMES_ERR_BAD_REQUEST', httpStatus: 400 } });
    });

    it('passes a consumer\'s push-back on with its Retry-After, and counts the items it refused', async () => {
      const { ingest, metrics } = service({ consume: () => Promise.reject(new HermesError('HERMES_ERR_OVERLOADED', 'queue full', { retryAfterSeconds: 3 })) });
      expect(await run(ingest, '4')).toMatchObject({ kind: 'refused', error: { httpStatus: 429, retryAfterSeconds: 3 } });
      expect(await refused(metrics, 'HERMES_ERR_OVERLOADED')).toBe(4);
    });

    it('answers 503 when the consumer takes longer than ackTimeoutMs, and holds the slot until it settles', async () => {
      let settle!: () => void;
      const { ingest } = service({ consume: () => new Promise<Receipt>((resolve) => (settle = () => resolve(TAKEN))) });
      const answers: IngestResult[] = [];
      const done = ingest.ingest({ signal: 'traces', format: 'json', encoding: 'identity', read: async () => Buffer.from('1') }, (r) => answers.push(r));
      await new Promise((r) => setTimeout(r, 150));
      expect(answers).toEqual([{ kind: 'refused', error: expect.objectContaining({ code: 'HERMES_ERR_UNAVAILABLE', retryAfterSeconds: 7 }) }]);
      expect(ingest.active).toBe(1);
      settle();
      await done;
      expect(ingest.active).toBe(0);
    });

    it('refuses past maxConcurrentRequests with 429, and everything once closed with 503', async () => {
      const gates: (() => void)[] = [];
      const { ingest } = service({ consume: () => new Promise<Receipt>((resolve) => gates.push(() => resolve(TAKEN))) });
      const first = run(ingest, '1');
      const second = run(ingest, '1');
      await new Promise((r) => setTimeout(r, 10));
      expect(await run(ingest, '1')).toMatchObject({ kind: 'refused', error: { code: 'HERMES_ERR_OVERLOADED', retryAfterSeconds: 7 } });
      for (const open of gates) open();
      await Promise.all([first, second]);
      ingest.close();
      expect(await run(ingest, '1')).toMatchObject({ kind: 'refused', error: { code: 'HERMES_ERR_SHUTTING_DOWN', httpStatus: 503 } });
    });

    it('says nothing to a sender that went away, and answers 500 to a bug', async () => {
      const { ingest } = service({ consume: () => Promise.reject(new TypeError('bug')) });
      const gone = await new Promise<IngestResult>((resolve) =>
        void ingest.ingest({ signal: 'traces', format: 'json', encoding: 'identity', read: () => Promise.reject(new ClientAbortedError()) }, resolve),
      );
      expect(gone).toEqual({ kind: 'aborted' });
      expect(await run(ingest, '1')).toMatchObject({ kind: 'refused', error: { code: 'HERMES_ERR_INTERNAL', httpStatus: 500 } });
    });

    it('reserves memory for what it holds, refuses with 503 when the budget is spent, and gives it back', async () => {
      const memory = new MemoryGuard({ limitBytes: 1000, retryAfterSeconds: 2, liveBytes: () => 0 });
      let release!: () => void;
      const { ingest } = service({ consume: () => new Promise<Receipt>((resolve) => (release = () => resolve(TAKEN))) }, memory);
      const holding = run(ingest, '1'); // 1 byte + 8 decoded: 9 bytes reserved
      await new Promise((r) => setTimeout(r, 10));
      expect(memory.reserved).toBe(9);
      memory.reserve(390); // others hold the rest of the 40% share
      expect(await run(ingest, '2')).toMatchObject({ kind: 'refused', error: { code: 'HERMES_ERR_UNAVAILABLE', retryAfterSeconds: 2 } });
      release();
      await holding;
      memory.release(390);
      expect(memory.reserved).toBe(0);
    });
  });
});
