/**
 * The whole collector config: top-level settings plus one section per component, each
 * validated by that component's own schema. Defaults live in the component schemas.
 */
import { z } from 'zod';
import { influxdbExporterFactory } from '../exporters/influxdb';
import { otlpHttpReceiverFactory } from '../receivers/otlp-http';
import { apiServerConfigSchema } from '../api';
import { errorsProcessorFactory } from '../analyzers/errors';

const port = z.number().int().min(0).max(65535);

/** Reserved so configs and env written today keep working when the gRPC receiver lands. */
const otlpGrpcConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1').describe('Interface the OTLP/gRPC receiver will listen on.'),
  port: port.default(4317).describe('Reserved for the OTLP/gRPC receiver, which is not built yet.'),
});

export const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1').describe('Bind address of every listener unless a section names its own.'),
  dataDir: z.string().min(1).default('.hermes/data').describe('Folder for Hermes state (uploaded source maps).'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Least severe log line written (JSON lines on stderr).'),
  shutdownTimeoutMs: z.number().int().positive().default(10_000).describe('On SIGTERM/SIGINT: how long to flush before giving up and exiting.'),
  receivers: z
    .object({
      otlp_http: otlpHttpReceiverFactory.configSchema.prefault({}),
      otlp_grpc: otlpGrpcConfigSchema.prefault({}),
    })
    .strict()
    .prefault({}),
  api: apiServerConfigSchema.prefault({}),
  processors: z
    .object({ errors: errorsProcessorFactory.configSchema.prefault({}) })
    .strict()
    .prefault({}),
  exporters: z
    .object({ influxdb: influxdbExporterFactory.configSchema.prefault({}) })
    .strict()
    .prefault({}),
}).strict();

export type HermesConfig = z.infer<typeof configSchema>;
