/**
 * Test support for the SDK: a real OTLP/HTTP endpoint that records what exporters send (JSON
 * bodies decoded; protobuf kept as bytes with its content type), and a runner for small apps in
 * child Node processes using the BUILT sdk (sdk/dist), as users would.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord, LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { execFile } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ReceivedExport {
  path: string;
  contentType: string;
  /** Parsed body for application/json, else undefined. */
  json: OtlpJson | undefined;
}

export interface OtlpSink {
  url: string;
  received: ReceivedExport[];
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const received: ReceivedExport[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = String(req.headers['content-type'] ?? '');
      const body = Buffer.concat(chunks);
      const isJson = contentType.includes('json');
      received.push({ path: req.url ?? '', contentType, json: isJson ? (JSON.parse(body.toString('utf8')) as OtlpJson) : undefined });
      // An empty OTLP success answer in the format that was sent.
      if (isJson) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * For a describe block running child apps: checks the build, starts one sink for the block,
 * empties it before each test and closes it after. Returns the accessor for the running sink.
 */
export function useSinkForChildApps(): () => OtlpSink {
  let sink: OtlpSink | undefined;
  beforeAll(async () => {
    assertBuilt();
    sink = await startOtlpSink();
  });
  afterAll(() => sink?.close());
  beforeEach(() => sink?.received.splice(0));
  return () => {
    if (!sink) throw new Error('the sink starts in beforeAll');
    return sink;
  };
}

export const REPO_ROOT = join(__dirname, '..', '..');
const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');

/** Fails fast, with the fix, when sdk/dist or instrumentations/dist is missing or older than its sources. */
export function assertBuilt(): void {
  for (const workspace of ['sdk', 'instrumentations']) {
    const src = join(REPO_ROOT, workspace, 'src');
    for (const file of readdirSync(src)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const built = join(REPO_ROOT, workspace, 'dist', file.replace(/\.ts$/, '.js'));
      let builtMs = 0;
      try {
        builtMs = statSync(built).mtimeMs;
      } catch {
        // missing: stays 0
      }
      if (builtMs < statSync(join(src, file)).mtimeMs) {
        throw new Error(`${built} is missing or stale: run \`npm run build\` before these tests`);
      }
    }
  }
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ...args` from the repo root with `env` added to a clean copy of this environment. */
export function runNode(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<ChildResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !k.startsWith('HERMES_') && k !== 'NODE_OPTIONS'),
  );
  return new Promise((resolve) => {
    execFile(NODE, args, { cwd: REPO_ROOT, env: { ...base, ...env }, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };
type OtlpJsonSpan = {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  status?: { code?: number };
  attributes?: OtlpAttribute[];
  events?: Array<{ name: string; attributes?: OtlpAttribute[] }>;
};
type OtlpJsonLog = { eventName?: string; severityNumber?: number; traceId?: string; spanId?: string; attributes?: OtlpAttribute[] };

/** The parts of OTLP/JSON export requests the tests read. */
export interface OtlpJson {
  resourceSpans?: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpJsonSpan[] }> }>;
  resourceMetrics?: Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }>;
  resourceLogs?: Array<{ scopeLogs: Array<{ logRecords: OtlpJsonLog[] }> }>;
}

/** OTLP/JSON attribute list → plain object (string/int/double/bool values). */
export function attributesOf(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
  }
  return out;
}

export interface SinkSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  status?: { code?: number };
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  resource: Record<string, unknown>;
}

const bodies = (received: ReceivedExport[], path: string): OtlpJson[] =>
  received.filter((r) => r.path === path && r.json).map((r) => r.json as OtlpJson);

export function spansIn(received: ReceivedExport[]): SinkSpan[] {
  return bodies(received, '/v1/traces')
    .flatMap((b) => b.resourceSpans ?? [])
    .flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => ({
          name: s.name,
          kind: s.kind,
          traceId: s.traceId,
          spanId: s.spanId,
          status: s.status,
          attributes: attributesOf(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
          resource: attributesOf(rs.resource?.attributes),
        })),
      ),
    );
}

export function metricNamesIn(received: ReceivedExport[]): Set<string> {
  return new Set(
    bodies(received, '/v1/metrics')
      .flatMap((b) => b.resourceMetrics ?? [])
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name))),
  );
}

export interface SinkLog {
  eventName?: string;
  severityNumber?: number;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, unknown>;
}

export function logsIn(received: ReceivedExport[]): SinkLog[] {
  return bodies(received, '/v1/logs')
    .flatMap((b) => b.resourceLogs ?? [])
    .flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) =>
        sl.logRecords.map((l) => ({
          eventName: l.eventName,
          severityNumber: l.severityNumber,
          traceId: l.traceId,
          spanId: l.spanId,
          attributes: attributesOf(l.attributes),
        })),
      ),
    );
}

/** Recording exporters: real SDK exporter interfaces that keep every item, even after shutdown. */
export class RecordingSpanExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export class RecordingLogExporter implements LogRecordExporter {
  readonly records: ReadableLogRecord[] = [];
  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.records.push(...records);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
}

export class RecordingMetricExporter implements PushMetricExporter {
  readonly batches: ResourceMetrics[] = [];
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.batches.push(metrics);
    done({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async shutdown(): Promise<void> {}
  async forceFlush(): Promise<void> {}
  metric(name: string) {
    return this.batches
      .flatMap((b) => b.scopeMetrics)
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name)
      .at(-1);
  }
}
