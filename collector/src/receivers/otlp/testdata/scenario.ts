/**
 * What the fixture generator gives the real OpenTelemetry JS SDK, kept as plain data so the
 * decoder tests can compare the decoded request with the SDK's input (see generate.ts).
 */

export const RESOURCE_ATTRIBUTES = {
  'service.name': 'checkout',
  'deployment.environment.name': 'test',
  'host.cpu.count': 2,
  'sample.ratio': 0.5,
  'feature.flags': ['fast-path', 'new-cart'],
  debug: true,
} as const;

export const SCOPE = { name: 'hermes.fixture', version: '1.2.3' } as const;

/** [seconds, nanoseconds], the SDK's HrTime; exact to the nanosecond on the wire. */
export type HrTime = [number, number];

export function hrTimeToNanos([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

export interface ScenarioSpan {
  name: string;
  /** @opentelemetry/api SpanKind, which is OTLP's kind minus one. */
  apiKind: number;
  traceId: string;
  spanId: string;
  /** Index of the parent in SPANS, or -1 for a root. */
  parent: number;
  start: HrTime;
  end: HrTime;
  attributes: Record<string, string | number | boolean | string[] | number[]>;
  events: { name: string; time: HrTime; attributes: Record<string, string | number> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, string> }[];
  /** @opentelemetry/api SpanStatusCode (same numbers as OTLP). */
  status: { code: 0 | 1 | 2; message?: string };
}

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

export const SPANS: ScenarioSpan[] = [
  {
    name: 'GET /checkout',
    apiKind: 1, // SERVER
    traceId: TRACE_ID,
    spanId: 'eee19b7ec3c1b174',
    parent: -1,
    start: [T0, 100_000_001],
    end: [T0, 350_000_002],
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/checkout',
      'http.response.status_code': 200,
      'server.port': 8080,
      'client.address': '10.0.0.7',
      'user_agent.original': 'curl/8.5.0',
      'network.protocol.version': '1.1',
      'app.cart.total': 129.95,
      'app.cart.items': [3, 1, 4],
      'app.tags': ['sale', 'gift'],
      'app.first_visit': false,
    },
    events: [
      { name: 'cache.miss', time: [T0, 120_000_000], attributes: { 'cache.key': 'cart:42', 'cache.ttl_s': 30 } },
      { name: 'retry', time: [T0, 130_000_500], attributes: {} },
    ],
    links: [],
    status: { code: 1 },
  },
  {
    name: 'SELECT orders',
    apiKind: 2, // CLIENT
    traceId: TRACE_ID,
    spanId: '3f1c0a2b4d5e6f70',
    parent: 0,
    start: [T0, 140_000_000],
    end: [T0 + 1, 10],
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' },
    events: [],
    links: [
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', attributes: { 'link.reason': 'batch' } },
    ],
    status: { code: 2, message: 'timeout after 1s' },
  },
  {
    name: 'render — ünïcödé ✓',
    apiKind: 0, // INTERNAL
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    parent: 0,
    start: [T0, 200_000_000],
    end: [T0, 200_000_000],
    attributes: { 'template.name': 'checkout.html', 'template.bytes': 1_234_567_890_123 },
    events: [],
    links: [],
    status: { code: 0 },
  },
];

export const METRICS = {
  counter: { name: 'http.server.requests', unit: '{request}', description: 'Requests served', adds: [
    { value: 3, attributes: { 'http.route': '/a' } },
    { value: 4, attributes: { 'http.route': '/b' } },
    { value: 5, attributes: { 'http.route': '/a' } },
  ] },
  upDownCounter: { name: 'queue.depth', unit: '{item}', adds: [5, -2] },
  histogram: { name: 'http.server.duration', unit: 'ms', bounds: [0, 5, 10], records: [1, 7, 7, 20] },
  exponentialHistogram: { name: 'payload.size', unit: 'By', records: [1, 2, 4, 1000, 0] },
  gauge: { name: 'cpu.temperature', unit: 'Cel', records: [40.25, 42.5] },
  observableGauge: { name: 'memory.used', unit: 'By', value: 1024 },
} as const;

export interface ScenarioLog {
  eventName?: string;
  time: HrTime;
  observedTime: HrTime;
  /** @opentelemetry/api SeverityNumber (same numbers as OTLP). */
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Record<string, string | number | boolean>;
  traceContext?: { traceId: string; spanId: string };
}

export const LOGS: ScenarioLog[] = [
  {
    time: [T0, 500_000_000],
    observedTime: [T0, 500_000_100],
    severityNumber: 9,
    severityText: 'INFO',
    body: 'user logged in',
    attributes: { 'user.id': 42, 'auth.method': 'password', 'auth.mfa': true },
    traceContext: { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b174' },
  },
  {
    eventName: 'session.start',
    time: [T0, 600_000_000],
    observedTime: [T0, 600_000_000],
    severityNumber: 13,
    severityText: 'WARN',
    body: { user: 'ada', attempts: 3, ratio: 0.25, ok: false, roles: ['admin', 'dev'] },
    attributes: {},
  },
  {
    time: [T0, 700_000_000],
    observedTime: [T0, 700_000_001],
    severityNumber: 17,
    severityText: 'ERROR',
    body: new Uint8Array([0, 1, 2, 250, 255]),
    attributes: { 'exception.type': 'Error' },
  },
];
