/**
 * The two interfaces that join every pipeline piece (consumer and lifecycle) and the
 * factory shape every component is built by.
 */
import type { z } from 'zod';
import type { TelemetryBatch } from '../model/telemetry';
import type { Logger } from './logger';
import type { SelfMetrics } from './self-metrics';

/**
 * Takes a batch onward. Called by receivers and processors for every accepted batch.
 *
 * The returned promise resolves once the next stage has taken responsibility for the
 * batch (for the InfluxDB exporter: once InfluxDB has acknowledged the write), so a
 * receiver acknowledges its sender only for data that is safe. It rejects with a
 * `HermesError` (overload, unavailable) the receiver maps to a status. It must not
 * mutate the batch after resolving, nor keep references that grow without bound.
 */
export interface Consumer {
  consume(batch: TelemetryBatch): Promise<void>;
}

/**
 * Start and stop. `start` runs once after construction and may fail start-up (bad
 * config seen late, port in use). `shutdown` is idempotent: it stops intake, flushes
 * what was accepted, and returns by `deadline` (epoch ms) even if a flush is unfinished.
 */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(deadline: number): Promise<void>;
}

/** What every component gets from the host, besides its own config. */
export interface ComponentSettings {
  /** The instance id, `type` or `type/name` as in the config file. */
  id: string;
  logger: Logger;
  metrics: SelfMetrics;
}

/**
 * Builds one kind of component. `type` is the lower_snake_case id used in config;
 * `configSchema` validates (and fills defaults for) that component's config section.
 */
export interface ComponentFactory<Config, Instance extends Lifecycle, Next = Consumer> {
  readonly type: string;
  readonly configSchema: z.ZodType<Config>;
  create(settings: ComponentSettings, config: Config, next: Next): Instance;
}
