/**
 * End to end: exceptions recorded with the real OpenTelemetry JS SDK (span events over
 * OTLP/protobuf, log records over OTLP/JSON) reach a running collector with the real influxd,
 * and come back as issues through the errors API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeverityNumber, context, trace, type Span } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { RunningCollector } from '../../service';
import { dropTestDatabase, startTestCollector } from '../../../test/support/collector';
import type { IssueDetail, IssueSummary } from './issues';
import { FARO_MINIFIED_STACK as MINIFIED_STACK, THROWER_SOURCE_MAP as MAP } from './testdata/faro-stack';

const database = `errors_e2e_${process.pid}`;
const SERVICE = 'e2e-errors';

let collector: RunningCollector;
let otlp: string;
let api: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hermes-errors-e2e-'));
  collector = await startTestCollector(database, { HERMES_DATA_DIR: dataDir });
  ({ otlpHttp: otlp, api } = collector.urls);
});

afterAll(async () => {
  await collector?.shutdown();
  await dropTestDatabase(database);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Tracer and logger of one service release, exporting straight to the collector. */
function sdk(version: string, extra: Record<string, string> = {}) {
  const resource = resourceFromAttributes({ 'service.name': SERVICE, 'service.version': version, 'deployment.environment.name': 'e2e', ...extra });
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlp}/v1/traces` }) })] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlp}/v1/logs` }) })] });
  const tracer = tracerProvider.getTracer('e2e');
  const logger = loggerProvider.getLogger('e2e');
  return {
    tracer,
    /** As SDKs with the exception-signal opt-in do: the same exception as a span event and as a log record. */
    logException(span: Span, err: Error, timeMs: number) {
      logger.emit({
        severityNumber: SeverityNumber.ERROR,
        body: err.message,
        timestamp: timeMs,
        context: trace.setSpan(context.active(), span),
        attributes: { 'exception.type': err.name, 'exception.message': err.message, 'exception.stacktrace': err.stack ?? '' },
      });
    },
    // Flushed to the collector, then written by it to InfluxDB, so the test reads what was sent.
    shutdown: () => Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]).then(() => collector.written()),
  };
}

function loadUserProfile(id: string): Error {
  return new Error(`user ${id} not found`);
}
function chargeCard(orderId: number): Error {
  return new RangeError(`amount out of range for order ${orderId}`);
}
// Made on one path (the frames above the call site are part of the group, and they differ
// between a test's synchronous start and its resumption after an await under ts-jest).
const profileErrors = ['3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c', '0b9d7c6e-1a2b-4c3d-8e9f-a0b1c2d3e4f5', '11111111-2222-4333-8444-555555555555'].map((id) =>
  loadUserProfile(id),
);

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(api + path);
  return { status: res.status, body: (await res.json()) as T };
}
async function post<T>(path: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: T }> {
  const res = await fetch(api + path, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as T };
}
const list = (query: string) => getJson<{ issues: IssueSummary[] }>(`/api/errors?${query}`);

describe('errors analyzer end to end', () => {
  // Middle of a whole second, a minute ago: span event and log record 5 ms apart stay in one second.
  const baseMs = Math.floor(Date.now() / 1000) * 1000 - 60_000 + 200;
  const traceIds: string[] = [];
  let profileIssue: IssueSummary;
  let cardIssue: IssueSummary;

  it('groups exceptions from span events and logs into issues, counting the duplicate once', async () => {
    const v1 = sdk('1.0.0');
    const reports: [Error, boolean][] = [
      [profileErrors[0]!, true], // span event + log: counted once
      [profileErrors[1]!, false], // same call site, other id: same issue
      [chargeCard(42), true], // another call site: another issue
    ];
    for (const [i, [err, alsoLog]] of reports.entries()) {
      const at = baseMs + i * 1000;
      const span = v1.tracer.startSpan(`request ${i}`, { startTime: at - 10 });
      span.recordException(err, at);
      if (alsoLog) v1.logException(span, err, at + 5);
      span.end(at + 20);
      traceIds.push(span.spanContext().traceId);
    }
    await v1.shutdown();

    const { status, body } = await list(`service=${SERVICE}`);
    expect(status).toBe(200);
    expect(body.issues).toHaveLength(2);
    [cardIssue, profileIssue] = body.issues; // newest first
    expect(cardIssue).toMatchObject({ type: 'RangeError', title: 'RangeError: amount out of range for order <num>', count: 1, status: 'unresolved', releases: ['1.0.0'], isNew: true });
    expect(profileIssue).toMatchObject({ type: 'Error', title: 'Error: user <uuid> not found', count: 2, releases: ['1.0.0'], services: [SERVICE], environments: ['e2e'] });
    expect(profileIssue.culprit).toMatch(/e2e\.test\.(ts|js) in loadUserProfile$/);
    expect(profileIssue.firstSeen).toBe(new Date(baseMs).toISOString());
    expect(cardIssue.lastSeen).toBe(new Date(baseMs + 2000).toISOString());
  });

  it('shows an issue with parsed frames and occurrences linked to their traces', async () => {
    const { status, body } = await getJson<IssueDetail>(`/api/errors/${profileIssue.fingerprint}`);
    expect(status).toBe(200);
    expect(body.runtime).toBe('node');
    expect(body.frames[0]).toMatchObject({ function: 'loadUserProfile', inApp: true, line: expect.any(Number), column: expect.any(Number) });
    expect((body.frames[0] as { file: string }).file).toMatch(/e2e\.test\.(ts|js)$/);
    expect(body.chain).toHaveLength(1);
    expect(body.occurrences.map((o) => o.traceId).sort()).toEqual([traceIds[0], traceIds[1]].sort());
    expect(body.occurrences.every((o) => /^[0-9a-f]{16}$/.test(o.spanId) && o.release === '1.0.0')).toBe(true);
    expect(body.releaseStats).toEqual([{ release: '1.0.0', count: 2, firstSeen: new Date(baseMs).toISOString(), lastSeen: new Date(baseMs + 1000).toISOString(), isNew: true }]);
  });

  it('resolves an issue, and marks it regressed when it occurs again in a later release', async () => {
    const resolved = await post<IssueSummary>(`/api/errors/${profileIssue.fingerprint}/resolve`, JSON.stringify({ release: '1.0.0' }));
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedInRelease: '1.0.0' });
    expect((await list(`service=${SERVICE}&status=resolved`)).body.issues.map((i) => i.fingerprint)).toEqual([profileIssue.fingerprint]);

    const v2 = sdk('1.1.0');
    const span = v2.tracer.startSpan('request again');
    span.recordException(profileErrors[2]!, Date.now() + 5);
    span.end();
    await v2.shutdown();

    const { body } = await list(`service=${SERVICE}&status=regressed`);
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]).toMatchObject({ fingerprint: profileIssue.fingerprint, count: 3, releases: ['1.0.0', '1.1.0'], firstRelease: '1.0.0', isNew: false });
    // Seen in 1.1.0 but not new there; the card issue was never seen in 1.1.0.
    expect((await list(`service=${SERVICE}&release=1.1.0`)).body.issues.map((i) => [i.fingerprint, i.isNew, i.count])).toEqual([[profileIssue.fingerprint, false, 1]]);
    expect((await list(`service=${SERVICE}&status=unresolved`)).body.issues.map((i) => i.fingerprint)).toEqual([cardIssue.fingerprint]);
  });

  it('resolves minified browser frames through an uploaded source map before grouping', async () => {
    const upload = await post<{ file: string }>(`/api/sourcemaps?app=${SERVICE}&release=3.0.0&file=${encodeURIComponent('http://127.0.0.1:8090/dist/thrower.min.js')}`, MAP);
    expect(upload).toMatchObject({ status: 201, body: { file: 'dist/thrower.min.js' } });

    const web = sdk('3.0.0', { 'telemetry.sdk.language': 'webjs' });
    const span = web.tracer.startSpan('click');
    span.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom from namedThrower: pushed', 'exception.stacktrace': MINIFIED_STACK });
    span.end();
    await web.shutdown();

    const { body } = await list(`service=${SERVICE}&release=3.0.0`);
    expect(body.issues).toHaveLength(1);
    expect(body.issues[0]!.culprit).toBe('thrower.js in throwDeeper');
    const detail = (await getJson<IssueDetail>(`/api/errors/${body.issues[0]!.fingerprint}`)).body;
    expect(detail.frames[0]).toMatchObject({ function: 'throwDeeper', file: '../src/thrower.js', line: 10, column: 9, minified: { function: 'T', line: 1, column: 541 } });
    expect((await collector.metrics.sourceMapFramesResolved.get()).values.map((v) => v.value)).toEqual([2]);
    const occurrences = (await collector.metrics.errorOccurrences.get()).values;
    // Reports, not distinct occurrences: the duplicated log records count here (4 span events + 2 logs).
    expect(Object.fromEntries(occurrences.map((v) => [v.labels.runtime, v.value]))).toEqual({ node: 6, chrome: 1 });
  });

  it('answers 400 for bad query parameters and 404 for an unknown issue, and never lets input into InfluxQL', async () => {
    for (const query of ['status=bogus', 'from=yesterday', 'limit=0', 'limit=abc', 'colour=red', 'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'service=']) {
      const { status, body } = await list(query);
      expect([query, status, (body as unknown as { code: string }).code]).toEqual([query, 400, 'HERMES_ERR_BAD_REQUEST']);
    }
    expect((await getJson(`/api/errors/not-a-fingerprint`)).status).toBe(400);
    expect((await getJson(`/api/errors/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await post(`/api/errors/${'0'.repeat(32)}/resolve`, '{}')).status).toBe(404);
    expect((await post(`/api/errors/${profileIssue.fingerprint}/resolve`, '{"release": 7}')).status).toBe(400);
    for (const service of [`x' OR service =~ /.*/ --`, `\\`, `a\\' OR 1=1`, 'line\nbreak']) {
      expect(await list(`service=${encodeURIComponent(service)}`)).toEqual({ status: 200, body: { issues: [] } });
    }
  });
});
