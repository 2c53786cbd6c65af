/** Real OpenTelemetry SDK pipelines that keep what they receive, for instrumentation tests. */
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A pull reader: the test decides when a collection happens by calling `collect`. */
export class CollectingMetricReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface MetricsHarness {
  provider: MeterProvider;
  /** Runs one collection and returns every metric it produced. */
  collect(): Promise<MetricData[]>;
}

export function metricsHarness(): MetricsHarness {
  const reader = new CollectingMetricReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    },
  };
}

/** The metric called `name`; throws with the names present, so a failure says what was there. */
export function metricNamed(metrics: MetricData[], name: string): MetricData {
  const found = metrics.find((m) => m.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name}; got ${metrics.map((m) => m.descriptor.name).join(', ')}`);
  return found;
}

/** Point values of a sum or gauge metric, each with its attributes. */
export function pointValues(metric: MetricData): Array<{ value: number; attributes: Record<string, unknown> }> {
  return metric.dataPoints.map((p) => ({ value: p.value as number, attributes: p.attributes }));
}

export function logsHarness(): { provider: LoggerProvider; exporter: InMemoryLogRecordExporter } {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return { provider, exporter };
}

export function tracesHarness(): { provider: TracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { provider, exporter };
}
