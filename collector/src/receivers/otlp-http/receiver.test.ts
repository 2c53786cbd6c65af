/**
 * The otlp_http receiver over a real socket, with the real decoder and bodies made by the
 * OpenTelemetry JS serializers: compression, limits and every status code it can answer.
 */
import { createServer as createHttpServer, request, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Span, TelemetryBatch } from '../../model/telemetry';
import { TAKEN, type Consumer, type Receipt } from '../../pipeline/component';
import { HermesError } from '../../pipeline/errors';
import { IngestService } from '../../pipeline/ingest';
import { createLogger, silentLogger } from '../../pipeline/logger';
import { SelfMetrics } from '../../pipeline/self-metrics';
import { testHost, testSettings } from '../../../test/support/settings';
import { decodeOtlp } from '../otlp';
import { ProtobufReader } from '../otlp/protobuf-reader';
import { otlpHttpReceiverConfigSchema, type OtlpHttpReceiverConfig } from './config';
import { createOtlpHttpHandler } from './handler';
import { OtlpHttpReceiver } from './receiver';
import { compress, contentEncodingOf } from './testdata/compress';

// ---- doubles and fixtures ----

/** The next stage, in memory: records every batch and behaves as the test says. */
class RecordingConsumer implements Consumer {
  readonly batches: TelemetryBatch[] = [];
  behaviour: (batch: TelemetryBatch) => Promise<Receipt | void> = () => Promise.resolve();

  consume(batch: TelemetryBatch): Promise<Receipt> {
    this.batches.push(batch);
    return this.behaviour(batch).then((receipt) => receipt ?? TAKEN);
  }

  spanNames(): string[] {
    return this.batches.flatMap((b) =>
      b.signal === 'traces' ? b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s: Span) => s.name))) : [],
    );
  }
}

/** Polls `condition` every 5 ms; fails the test after `timeoutMs` instead of hanging it. */
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A promise the test opens by hand, for consumers that block. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

function makeSpans(names: string[]): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('otlp-http-receiver-test');
  for (const name of names) tracer.startSpan(name).end();
  return exporter.getFinishedSpans();
}

/** The same span with an all-zero trace id, which the decoder rejects. */
function withZeroTraceId(span: ReadableSpan): ReadableSpan {
  const ctx = span.spanContext();
  return Object.assign(Object.create(span) as ReadableSpan, {
    spanContext: () => ({ ...ctx, traceId: '0'.repeat(32) }),
  });
}

const protobufBody = (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
const jsonBody = (spans: ReadableSpan[]) => Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

// ---- a small HTTP client that lets the test control headers and the body ----

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Send {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

function send(port: number, { path = '/v1/traces', method = 'POST', headers = {}, body }: Send): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Streams `chunk` without a Content-Length until the server answers (or `maxBytes` are
 * sent); resolves with the answer and how many bytes were written by then.
 */
function streamUntilAnswered(port: number, headers: Record<string, string>, chunk: Buffer, maxBytes: number): Promise<Reply & { sentBytes: number }> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), sentBytes });
        req.destroy();
      });
    });
    // Once the server cuts the upload, writes fail; the answer has come (or the test fails on it).
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && !req.destroyed && sentBytes < maxBytes) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump();
  });
}

/** Decodes the google.rpc.Status error body, in whichever format the answer says it is in. */
function statusOf(reply: Reply): { code: number; message: string } {
  if (reply.headers['content-type'] === JSON_TYPE) return JSON.parse(reply.body.toString('utf8'));
  expect(reply.headers['content-type']).toBe(PROTOBUF);
  const reader = new ProtobufReader(reply.body);
  let code = 0;
  let message = '';
  while (reader.more()) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 0)) code = reader.int32();
    else if (tag === ((2 << 3) | 2)) message = reader.string();
    else reader.skip(tag);
  }
  return { code, message };
}


/** 1 GiB of zeros, gzipped by streaming (about 1 MiB). */
async function gzipBomb(): Promise<Buffer> {
  const zeros = Buffer.alloc(1024 * 1024);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < 1024; i++) yield zeros;
    })(),
  );
  const gzip = zlib.createGzip({ level: 1 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  await pipeline(source, gzip);
  return Buffer.concat(out);
}

async function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  return { port, close: () => new Promise((resolve) => srv.close(() => resolve())) };
}

// ---- the receiver under test ----

describe('OtlpHttpReceiver', () => {
  let receiver: OtlpHttpReceiver;
  let consumer: RecordingConsumer;
  let metrics: SelfMetrics;
  let logLines: string[];
  let port: number;

  async function startReceiver(overrides: Partial<OtlpHttpReceiverConfig> = {}): Promise<void> {
    await receiver?.shutdown(Date.now() + 1000);
    consumer = new RecordingConsumer();
    metrics = new SelfMetrics();
    logLines = [];
    const config = otlpHttpReceiverConfigSchema.parse({ port: 0, ...overrides });
    const logger = createLogger('debug', (line) => logLines.push(line));
    receiver = new OtlpHttpReceiver({ settings: { ...testSettings('otlp_http', testHost(), metrics), logger }, config, next: consumer });
    await receiver.start();
    port = receiver.address().port;
  }

  beforeEach(() => startReceiver());
  afterEach(() => receiver.shutdown(Date.now() + 1000));

  const counter = async (name: 'itemsReceived' | 'itemsRefused' | 'requests', labels: Record<string, string>) => {
    const { values } = await metrics[name].get();
    const matches = values.filter((v) => Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want));
    return matches.reduce((sum, v) => sum + v.value, 0);
  };

  describe('.address', () => {
    it('gives the port the kernel picked when configured with port 0', () => {
      expect(port).toBeGreaterThan(0);
      expect(receiver.address().host).toBe('127.0.0.1');
    });
  });

  describe('.start', () => {
    it('rejects with an error naming the address when the port is taken', async () => {
      const busy = await busyPort();
      try {
        const config = otlpHttpReceiverConfigSchema.parse({ port: busy.port });
        const other = new OtlpHttpReceiver({ settings: testSettings('otlp_http'), config, next: consumer });
        await expect(other.start()).rejects.toThrow(`127.0.0.1:${busy.port}: the port is already in use`);
      } finally {
        await busy.close();
      }
    });
  });

  describe('POST /v1/traces', () => {
    it('answers 200 with an empty protobuf response and hands the spans on', async () => {
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['a', 'b'])) });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe(PROTOBUF);
      expect(reply.body.length).toBe(0);
      expect(ProtobufTraceSerializer.deserializeResponse(reply.body)).toEqual({});
      expect(consumer.spanNames()).toEqual(['a', 'b']);
    });

    it('answers 200 with {} to JSON, also when the content type has parameters', async () => {
      const reply = await send(port, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: jsonBody(makeSpans(['j'])) });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe(JSON_TYPE);
      expect(JSON.parse(reply.body.toString())).toEqual({});
      expect(consumer.spanNames()).toEqual(['j']);
    });

    it.each(['gzip', 'deflate', 'deflate-raw', 'zstd'] as const)('decompresses a %s body', async (encoding) => {
      const body = compress(encoding, protobufBody(makeSpans([`zipped-${encoding}`])));
      const headers = { 'Content-Type': PROTOBUF, 'Content-Encoding': contentEncodingOf(encoding) };
      const reply = await send(port, { headers, body });
      expect(reply.status).toBe(200);
      expect(consumer.spanNames()).toEqual([`zipped-${encoding}`]);
    });

    it('answers a partial success in protobuf and hands on only the valid spans', async () => {
      const [ok1, ok2, bad] = makeSpans(['ok1', 'ok2', 'bad']);
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody([ok1, withZeroTraceId(bad), ok2]) });
      expect(reply.status).toBe(200);
      const response = ProtobufTraceSerializer.deserializeResponse(reply.body);
      expect(Number(response.partialSuccess?.rejectedSpans)).toBe(1);
      expect(response.partialSuccess?.errorMessage).toContain('trace id');
      expect(consumer.spanNames()).toEqual(['ok1', 'ok2']);
      expect(await counter('itemsReceived', { signal: 'traces' })).toBe(2);
      expect(await counter('itemsRefused', { signal: 'traces', reason: 'HERMES_ERR_BAD_REQUEST' })).toBe(1);
    });

    it('answers a partial success in JSON with the count as a string', async () => {
      const spans = makeSpans(['ok', 'bad1', 'bad2']);
      const body = jsonBody([spans[0], withZeroTraceId(spans[1]), withZeroTraceId(spans[2])]);
      const reply = await send(port, { headers: { 'Content-Type': JSON_TYPE }, body });
      expect(reply.status).toBe(200);
      const { partialSuccess } = JSON.parse(reply.body.toString());
      expect(partialSuccess.rejectedSpans).toBe('2');
      expect(partialSuccess.errorMessage).toMatch(/^2 spans rejected: .*trace id/);
      expect(consumer.spanNames()).toEqual(['ok']);
    });

    it('adds the items storage refused for good to the partial success, with both reasons', async () => {
      consumer.behaviour = () => Promise.resolve({ refusedItems: 1, refusal: 'influxdb refused 1 of 2 items: field type conflict' });
      const spans = makeSpans(['ok', 'conflicting', 'bad']);
      const reply = await send(port, { headers: { 'Content-Type': JSON_TYPE }, body: jsonBody([spans[0], spans[1], withZeroTraceId(spans[2])]) });
      expect(reply.status).toBe(200);
      const { partialSuccess } = JSON.parse(reply.body.toString());
      expect(partialSuccess.rejectedSpans).toBe('2');
      expect(partialSuccess.errorMessage).toMatch(/^1 spans? rejected: .*trace id.*; influxdb refused 1 of 2 items: field type conflict$/);
      expect(await counter('itemsReceived', { signal: 'traces' })).toBe(1);
      expect(await counter('itemsRefused', { signal: 'traces', reason: 'HERMES_ERR_STORAGE_REFUSED' })).toBe(1);
    });

    it('does not call the consumer when every span was rejected', async () => {
      const body = protobufBody(makeSpans(['bad']).map(withZeroTraceId));
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body });
      expect(reply.status).toBe(200);
      expect(Number(ProtobufTraceSerializer.deserializeResponse(reply.body).partialSuccess?.rejectedSpans)).toBe(1);
      expect(consumer.batches).toEqual([]);
    });

    it.each([
      [PROTOBUF, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])],
      [JSON_TYPE, Buffer.from('{"resourceSpans": [')],
    ])('answers 400 with a google.rpc.Status to an undecodable %s body', async (contentType, body) => {
      const reply = await send(port, { headers: { 'Content-Type': contentType }, body });
      expect(reply.status).toBe(400);
      expect(reply.headers['content-type']).toBe(contentType);
      expect(reply.headers['retry-after']).toBeUndefined();
      const status = statusOf(reply);
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/^invalid request: .+/);
      expect(consumer.batches).toEqual([]);
      expect(await counter('requests', { signal: 'traces', status: '400' })).toBe(1);
    });

    it('answers 400 to a body that is not the gzip it claims to be', async () => {
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' }, body: Buffer.from('plain text') });
      expect(reply.status).toBe(400);
      expect(statusOf(reply).message).toContain('not valid gzip');
    });
  });

  describe('partial success for the other signals', () => {
    it.each([
      ['/v1/metrics', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":""}]}]}]}', 'rejectedDataPoints'],
      ['/v1/logs', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"abcd"}]}]}]}', 'rejectedLogRecords'],
    ])('answers %s with its own rejected-count field', async (path, json, field) => {
      const reply = await send(port, { path, headers: { 'Content-Type': JSON_TYPE }, body: Buffer.from(json) });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body.toString()).partialSuccess[field]).toBe('1');
    });
  });

  describe('routing', () => {
    it('answers 404 to an unknown path', async () => {
      const reply = await send(port, { path: '/v1/spans', headers: { 'Content-Type': PROTOBUF }, body: Buffer.alloc(0) });
      expect(reply.status).toBe(404);
      expect(statusOf(reply).message).toContain('/v1/traces');
    });

    it('answers 405 with Allow: POST to another method on a signal path', async () => {
      const reply = await send(port, { method: 'GET' });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('POST');
      expect(statusOf(reply).message).toContain('GET /v1/traces');
    });
  });

  describe('media types', () => {
    it.each([['text/plain'], ['application/protobuf'], [undefined]])('answers 415 in JSON to content type %s', async (contentType) => {
      const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
      const reply = await send(port, { headers, body: Buffer.from('x') });
      expect(reply.status).toBe(415);
      expect(reply.headers['content-type']).toBe(JSON_TYPE);
      expect(statusOf(reply).message).toContain('use application/x-protobuf or application/json');
    });

    it('answers 415 in the request format to an unknown content encoding', async () => {
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': 'br' }, body: Buffer.from('x') });
      expect(reply.status).toBe(415);
      expect(statusOf(reply).message).toBe('unsupported content encoding: "br"; supported: identity, gzip, deflate, zstd');
    });
  });

  describe('limits', () => {
    it('answers 413 from Content-Length alone, before the body is sent', async () => {
      await startReceiver({ maxRequestBytes: 1024 });
      // The declared body never comes: only an answer given before reading it can arrive.
      const reply = await new Promise<Reply>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers: { 'Content-Type': PROTOBUF, 'Content-Length': '4096' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
            req.destroy();
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
      expect(reply.status).toBe(413);
      expect(statusOf(reply).message).toContain('Content-Length 4096 exceeds maxRequestBytes (1024 bytes)');
      expect(consumer.batches).toEqual([]);
    });

    it('answers 413 to a chunked body once it passes the limit, without reading it all', async () => {
      const limit = 256 * 1024;
      await startReceiver({ maxRequestBytes: limit });
      const reply = await streamUntilAnswered(port, { 'Content-Type': PROTOBUF }, Buffer.alloc(16 * 1024, 1), 64 * limit);
      expect(reply.status).toBe(413);
      expect(statusOf(reply).message).toContain(`the request body exceeds maxRequestBytes (${limit} bytes)`);
      expect(reply.sentBytes).toBeGreaterThan(limit);
      expect(reply.sentBytes).toBeLessThan(64 * limit);
    });

    // What the bomb costs in memory is measured where memory belongs: the benchmarks.
    it('answers 413 to a gzip bomb, stopping at maxBodyBytes', async () => {
      const bomb = await gzipBomb();
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': 'gzip' }, body: bomb });
      expect(reply.status).toBe(413);
      expect(statusOf(reply).message).toContain('the decompressed body exceeds maxBodyBytes (33554432 bytes)');
      expect(consumer.batches).toEqual([]);
    });

    it.each(['deflate', 'zstd'] as const)('answers 413 when a %s body inflates past maxBodyBytes', async (encoding) => {
      await startReceiver({ maxBodyBytes: 1024 * 1024 });
      const body = compress(encoding, Buffer.alloc(8 * 1024 * 1024));
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF, 'Content-Encoding': encoding }, body });
      expect(reply.status).toBe(413);
      expect(statusOf(reply).message).toContain('maxBodyBytes (1048576 bytes)');
    });

    it('answers 408 to an upload slower than requestTimeoutMs and frees its slot', async () => {
      await startReceiver({ requestTimeoutMs: 400, maxConcurrentRequests: 1 });
      const headers = { 'Content-Type': PROTOBUF, 'Content-Length': '1000' };
      const slow = await new Promise<Reply>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
        });
        req.on('error', reject);
        req.write(Buffer.alloc(10));
      });
      expect(slow.status).toBe(408);
      await waitFor(async () => (await counter('requests', { status: 'aborted' })) >= 1);
      const next = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['after-slow'])) });
      expect(next.status).toBe(200);
    });

    it('answers 429 with Retry-After past maxConcurrentRequests, and serves the held ones after', async () => {
      await startReceiver({ maxConcurrentRequests: 2, retryAfterSeconds: 3 });
      const hold = gate();
      consumer.behaviour = () => hold.wait;
      const body = protobufBody(makeSpans(['held']));
      const headers = { 'Content-Type': PROTOBUF };
      const held = [send(port, { headers, body }), send(port, { headers, body })];
      await waitFor(() => consumer.batches.length >= 2);
      const refused = await send(port, { headers, body });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('3');
      expect(statusOf(refused).code).toBe(8);
      hold.open();
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
      expect(await counter('itemsRefused', { reason: 'HERMES_ERR_OVERLOADED' })).toBe(1);
    });
  });

  describe('consumer failures', () => {
    const body = () => protobufBody(makeSpans(['x', 'y']));

    it('answers 503 with the Retry-After of an HERMES_ERR_UNAVAILABLE rejection', async () => {
      consumer.behaviour = () => Promise.reject(new HermesError('HERMES_ERR_UNAVAILABLE', 'influxdb down', { retryAfterSeconds: 7 }));
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: body() });
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('7');
      expect(statusOf(reply)).toEqual({ code: 14, message: 'storage is unavailable; retry later: influxdb down' });
      expect(await counter('itemsRefused', { reason: 'HERMES_ERR_UNAVAILABLE' })).toBe(2);
      expect(await counter('itemsReceived', {})).toBe(0);
    });

    it('answers 503 with Retry-After when the consumer does not answer within ackTimeoutMs', async () => {
      await startReceiver({ ackTimeoutMs: 200, retryAfterSeconds: 2 });
      const hold = gate();
      consumer.behaviour = () => hold.wait;
      const started = Date.now();
      const reply = await send(port, { headers: { 'Content-Type': JSON_TYPE }, body: jsonBody(makeSpans(['slow'])) });
      hold.open();
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('2');
      expect(statusOf(reply).message).toContain('within ackTimeoutMs (200 ms)');
    });

    it('answers 500 to an unexpected consumer error, logs it once, and serves the next request', async () => {
      consumer.behaviour = () => Promise.reject(new TypeError('bug in a processor'));
      const first = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: body() });
      const second = await send(port, { headers: { 'Content-Type': JSON_TYPE }, body: jsonBody(makeSpans(['z'])) });
      expect([first.status, second.status]).toEqual([500, 500]);
      expect(statusOf(second)).toEqual({ code: 13, message: 'internal error' });
      const errors = logLines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].error).toContain('bug in a processor');
      consumer.behaviour = () => Promise.resolve();
      expect((await send(port, { headers: { 'Content-Type': PROTOBUF }, body: body() })).status).toBe(200);
    });
  });

  describe('.shutdown', () => {
    it('lets an in-flight request finish, then refuses new connections', async () => {
      const hold = gate();
      consumer.behaviour = () => hold.wait;
      const inFlight = send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['last'])) });
      await waitFor(() => consumer.batches.length >= 1);
      const stopped = receiver.shutdown(Date.now() + 5000);
      setTimeout(hold.open, 50);
      const reply = await inFlight;
      await stopped;
      expect(reply.status).toBe(200);
      expect(reply.headers.connection).toBe('close');
      await expect(send(port, { headers: { 'Content-Type': PROTOBUF }, body: Buffer.alloc(0) })).rejects.toThrow(/ECONNREFUSED/);
      await expect(receiver.shutdown(Date.now())).resolves.toBeUndefined();
    });

    it('returns by the deadline even when a request never finishes', async () => {
      consumer.behaviour = () => new Promise(() => undefined);
      const stuck = send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['stuck'])) });
      await waitFor(() => consumer.batches.length >= 1);
      await receiver.shutdown(Date.now() + 300);
      await expect(stuck).rejects.toThrow(/socket hang up|ECONNRESET/);
    });
  });

  describe('a client that goes away', () => {
    it('is counted as aborted and does not disturb the next request', async () => {
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent: false, headers: { 'Content-Type': PROTOBUF, 'Content-Length': '1000' } });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(10), () => setTimeout(() => req.destroy(), 20));
      });
      await waitFor(async () => (await counter('requests', { status: 'aborted' })) >= 1);
      const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['after'])) });
      expect(reply.status).toBe(200);
      expect(consumer.spanNames()).toEqual(['after']);
    });
  });

  describe('self-metrics', () => {
    it('counts received items and requests by status', async () => {
      await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['1', '2', '3'])) });
      await send(port, { path: '/nope' });
      expect(await counter('itemsReceived', { receiver: 'otlp_http', signal: 'traces' })).toBe(3);
      expect(await counter('requests', { signal: 'traces', status: '200' })).toBe(1);
      expect(await counter('requests', { status: '404' })).toBe(1);
    });
  });
});

describe('createOtlpHttpHandler', () => {
  describe('once the ingest service is closed', () => {
    it('answers a new request 503 with Retry-After, on a bare node:http server', async () => {
      const consumer = new RecordingConsumer();
      const config = otlpHttpReceiverConfigSchema.parse({ retryAfterSeconds: 4 });
      const metrics = new SelfMetrics();
      const ingest = new IngestService({ receiverId: 'otlp_http', limits: config, next: consumer, decode: decodeOtlp, logger: silentLogger, metrics });
      ingest.close();
      const server = createHttpServer(createOtlpHttpHandler({ receiverId: 'otlp_http', maxRequestBytes: config.maxRequestBytes, ingest, metrics }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const reply = await send(port, { headers: { 'Content-Type': PROTOBUF }, body: protobufBody(makeSpans(['late'])) });
        expect(reply.status).toBe(503);
        expect(reply.headers['retry-after']).toBe('4');
        expect(statusOf(reply)).toEqual({ code: 14, message: 'the collector is shutting down; retry later' });
        expect(consumer.batches).toEqual([]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
