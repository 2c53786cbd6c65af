/**
 * Sends a little realistic telemetry to a collector with the real OpenTelemetry JS SDK:
 * a `checkout` service handling requests (server, client and DB spans, one failure with
 * an exception), request metrics, and logs correlated with the traces.
 */
import { SpanKind, SpanStatusCode, SeverityNumber, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export interface SampleCounts {
  spans: number;
  logs: number;
}

const routes = ['/api/cart', '/api/checkout', '/api/products/:id'];

export async function sendSampleTelemetry(endpoint: string, requests = 30): Promise<SampleCounts> {
  const resource = resourceFromAttributes({
    'service.name': 'checkout',
    'service.version': '1.4.2',
    'deployment.environment.name': 'demo',
    'host.name': 'demo-host',
  });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) })],
  });
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }),
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${endpoint}/v1/logs` }) })],
  });

  const tracer = tracerProvider.getTracer('hermes-demo', '0.1.0');
  const meter = meterProvider.getMeter('hermes-demo', '0.1.0');
  const logger = loggerProvider.getLogger('hermes-demo', '0.1.0');
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  const orders = meter.createCounter('checkout.orders', { description: 'orders placed' });

  let spans = 0;
  let logs = 0;
  for (let i = 0; i < requests; i++) {
    const route = routes[i % routes.length];
    const failed = i % 10 === 9;
    const server = tracer.startSpan(`GET ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': route, 'url.path': route.replace(':id', String(i)) },
    });
    const ctx = trace.setSpan(context.active(), server);
    const db = tracer.startSpan('SELECT shop.orders', {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': `SELECT * FROM orders WHERE id = ${i}` },
    }, ctx);
    db.end();
    const call = tracer.startSpan('POST', {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': 'POST', 'server.address': 'payments', 'url.full': `http://payments/charge/${i}` },
    }, ctx);
    call.end();
    spans += 3;
    context.with(ctx, () => {
      if (failed) {
        const err = new Error(`payment declined for order ${i}`);
        server.recordException(err);
        server.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: err.message, context: ctx });
      } else {
        logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `handled ${route}`, context: ctx });
      }
    });
    logs += 1;
    server.setAttribute('http.response.status_code', failed ? 502 : 200);
    server.end();
    duration.record(0.02 + (i % 7) * 0.015, { 'http.request.method': 'GET', 'http.route': route });
    if (!failed) orders.add(1, { 'payment.method': i % 2 ? 'card' : 'paypal' });
  }
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
  return { spans, logs };
}
