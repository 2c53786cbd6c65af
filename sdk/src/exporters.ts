/**
 * Builds the export side of the three pipelines (span processors, metric readers, log record
 * processors) from the resolved config: OTLP over http/protobuf, http/json or gRPC, the console,
 * or nothing. Options may replace any pipeline with their own processors/readers.
 */
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from './config';
import type { HermesOptions } from './types';

export interface Pipelines {
  spanProcessors: SpanProcessor[];
  metricReaders: IMetricReader[];
  logRecordProcessors: LogRecordProcessor[];
}

export function buildPipelines(config: ResolvedConfig, options: HermesOptions): Pipelines {
  return {
    spanProcessors: options.spanProcessors ?? spanProcessors(config),
    metricReaders: options.metricReaders ?? metricReaders(config),
    logRecordProcessors: options.logRecordProcessors ?? logRecordProcessors(config),
  };
}

/**
 * The gRPC exporters take headers as gRPC metadata and read OTEL_EXPORTER_OTLP_HEADERS
 * themselves; the HTTP ones get the resolved headers (options merged over that variable).
 */
function httpConfig(config: ResolvedConfig, url: string) {
  return { url, headers: config.headers };
}

function spanProcessors(config: ResolvedConfig): SpanProcessor[] {
  if (config.exports.traces === 'none') return [];
  if (config.exports.traces === 'console') return [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
  const url = config.tracesUrl;
  const exporter: SpanExporter =
    config.protocol === 'grpc'
      ? new GrpcTraceExporter({ url })
      : config.protocol === 'http/json'
        ? new JsonTraceExporter(httpConfig(config, url))
        : new ProtoTraceExporter(httpConfig(config, url));
  return [new BatchSpanProcessor({ exporter })];
}

function metricReaders(config: ResolvedConfig): IMetricReader[] {
  if (config.exports.metrics === 'none') return [];
  const url = config.metricsUrl;
  const exporter: PushMetricExporter =
    config.exports.metrics === 'console'
      ? new ConsoleMetricExporter()
      : config.protocol === 'grpc'
        ? new GrpcMetricExporter({ url })
        : config.protocol === 'http/json'
          ? new JsonMetricExporter(httpConfig(config, url))
          : new ProtoMetricExporter(httpConfig(config, url));
  return [
    new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: config.metricExportIntervalMs,
      // An export may not outlive the interval, or exports would pile up behind a slow collector.
      exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMs),
    }),
  ];
}

function logRecordProcessors(config: ResolvedConfig): LogRecordProcessor[] {
  if (config.exports.logs === 'none') return [];
  if (config.exports.logs === 'console') {
    return [new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() })];
  }
  const url = config.logsUrl;
  const exporter: LogRecordExporter =
    config.protocol === 'grpc'
      ? new GrpcLogExporter({ url })
      : config.protocol === 'http/json'
        ? new JsonLogExporter(httpConfig(config, url))
        : new ProtoLogExporter(httpConfig(config, url));
  return [new BatchLogRecordProcessor({ exporter })];
}
