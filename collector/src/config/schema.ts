/**
 * The whole collector config: top-level settings, the storage, one section per component
 * type (each validated by that component's own schema), and the pipelines that join them.
 * Defaults live in the component schemas; an empty config runs the default pipeline.
 */
import { z } from 'zod';
import { DEFAULT_BIND_HOST } from './bind-host';
import { apiServerConfigSchema } from '../api';
import { API_SOURCE, exporterFactories, processorFactories, receiverFactories } from '../components';
import { queueConfigSchema } from '../queue';
import { influxStorageConfigSchema } from '../storage/influxdb';

/** Reserved so configs and env written today keep working when the gRPC receiver lands. */
const otlpGrpcConfigSchema = z.strictObject({
  host: z.string().min(1).default(DEFAULT_BIND_HOST).describe('Interface the OTLP/gRPC receiver will listen on.'),
  port: z.number().int().min(0).max(65535).default(4317).describe('Reserved for the OTLP/gRPC receiver, which is not built yet.'),
});

export const SIGNALS = ['traces', 'metrics', 'logs'] as const;

const pipelineSchema = z.strictObject({
  signals: z.array(z.enum(SIGNALS)).min(1).default([...SIGNALS]).describe('OTLP signals this pipeline takes from its receivers.'),
  receivers: z.array(z.string()).min(1).describe(`Where batches enter: receiver types, and '${API_SOURCE}' for the API port's own writes.`),
  processors: z.array(z.string()).default([]).describe('Processors each batch passes, in order.'),
  exporters: z.array(z.string()).min(1).describe('Where batches leave; a batch is acknowledged once all of them took it.'),
});

export type PipelineConfig = z.output<typeof pipelineSchema>;

const DEFAULT_PIPELINES: Record<string, z.input<typeof pipelineSchema>> = {
  default: { receivers: ['otlp_http', API_SOURCE], processors: ['errors'], exporters: ['influxdb'] },
};

/** Every name a pipeline lists must be a registered type; the API's writes enter one pipeline at most. */
function checkPipelines(pipelines: Record<string, PipelineConfig>, ctx: z.RefinementCtx): void {
  const known = {
    receivers: new Set([...Object.keys(receiverFactories), API_SOURCE]),
    processors: new Set(Object.keys(processorFactories)),
    exporters: new Set(Object.keys(exporterFactories)),
  };
  let apiIn = '';
  for (const [name, pipeline] of Object.entries(pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const seen = new Set<string>();
      pipeline[kind].forEach((id, i) => {
        const path = ['service', 'pipelines', name, kind, i];
        if (!known[kind].has(id)) ctx.addIssue({ code: 'custom', path, message: `unknown ${kind.slice(0, -1)} '${id}'; known: ${[...known[kind]].join(', ')}` });
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path, message: `'${id}' is listed twice` });
        seen.add(id);
      });
    }
    if (pipeline.receivers.includes(API_SOURCE)) {
      if (apiIn !== '') ctx.addIssue({ code: 'custom', path: ['service', 'pipelines', name, 'receivers'], message: `'${API_SOURCE}' is already in pipeline '${apiIn}'; the API's writes enter one pipeline` });
      apiIn = name;
    }
  }
}

export const configSchema = z
  .strictObject({
    host: z.string().min(1).default(DEFAULT_BIND_HOST).describe('Bind address of every listener unless a section names its own.'),
    dataDir: z.string().min(1).default('.hermes/data').describe('Folder for Hermes state: the write-ahead log, uploaded source maps. One Hermes per folder.'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Least severe log line written (JSON lines on stderr).'),
    shutdownTimeoutMs: z.number().int().positive().default(10_000).describe('On SIGTERM/SIGINT: how long to flush before giving up and exiting.'),
    memoryLimitMiB: z
      .number()
      .int()
      .min(64)
      .default(512)
      .describe('Memory budget: requests in progress may hold 40% of it, and new requests get 503 + Retry-After while live memory (heap in use and Buffers) is past 60% of it.'),
    storage: z.strictObject({ influxdb: influxStorageConfigSchema.prefault({}) }).prefault({}),
    queue: queueConfigSchema.prefault({}),
    // One section per registered type (components.ts), validated by the factory's own schema.
    receivers: z
      .strictObject({
        otlp_http: receiverFactories.otlp_http.configSchema.prefault({}),
        otlp_grpc: otlpGrpcConfigSchema.prefault({}),
      })
      .prefault({}),
    api: apiServerConfigSchema.prefault({}),
    processors: z.strictObject({ errors: processorFactories.errors.configSchema.prefault({}) }).prefault({}),
    exporters: z.strictObject({ influxdb: exporterFactories.influxdb.configSchema.prefault({}) }).prefault({}),
    service: z
      .strictObject({
        pipelines: z.record(z.string().min(1), pipelineSchema).prefault(DEFAULT_PIPELINES).describe('Named pipelines; by default one: otlp_http and api → errors → influxdb.'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => checkPipelines(config.service.pipelines, ctx));

export type HermesConfig = z.infer<typeof configSchema>;
