/**
 * Spans and request bodies for the benchmarks, made by the real OpenTelemetry JS SDK and
 * its protobuf serializer: every span distinct (own ids), realistic attributes.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

export interface SpanBodies {
  bodies: Uint8Array[];
  spansPerBody: number;
}

/** `count` batches of `spansPerBody` finished spans, as one request each would carry them. */
export function makeSpanBatches(count: number, spansPerBody = 100): ReadableSpan[][] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'bench-checkout',
      'service.version': '3.1.4',
      'deployment.environment.name': 'bench',
      'host.name': 'bench-host-1',
      'process.pid': 4242,
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': '3.1.1',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.301.0');
  const batches: ReadableSpan[][] = [];
  const base = Date.now() - 60_000;
  for (let b = 0; b < count; b++) {
    exporter.reset();
    for (let s = 0; s < spansPerBody; s += 4) {
      const start = base + b * 10 + s;
      const root = tracer.startSpan('GET /api/orders/:id', {
        kind: SpanKind.SERVER,
        startTime: start,
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/api/orders/:id',
          'url.path': `/api/orders/${b * 1000 + s}`,
          'http.response.status_code': 200,
          'server.address': 'checkout.internal',
          'server.port': 8080,
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
          'client.address': '10.1.2.3',
          'network.protocol.version': '1.1',
          'url.scheme': 'http',
        },
      });
      const ctx = trace.setSpan(context.active(), root);
      for (let c = 1; c < 4 && s + c < spansPerBody; c++) {
        const child = tracer.startSpan(c === 1 ? 'pg.query:SELECT' : 'POST', {
          kind: SpanKind.CLIENT,
          startTime: start + c,
          attributes: c === 1
            ? { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.query.text': 'SELECT * FROM orders WHERE id = $1', 'db.operation.name': 'SELECT', 'server.address': 'db', 'server.port': 5432 }
            : { 'http.request.method': 'POST', 'url.full': `http://payments/charge/${b}-${s}-${c}`, 'http.response.status_code': c === 3 ? 503 : 200, 'server.address': 'payments', 'server.port': 80 },
        }, ctx);
        if (c === 3) child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream unavailable' });
        child.end(start + c + 2);
      }
      root.end(start + 9);
    }
    batches.push([...exporter.getFinishedSpans()]);
  }
  return batches;
}

/** Protobuf Export requests of {@link makeSpanBatches}. */
export function makeSpanBodies(count: number, spansPerBody = 100): SpanBodies {
  const bodies = makeSpanBatches(count, spansPerBody).map((spans) => ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  return { bodies, spansPerBody };
}
