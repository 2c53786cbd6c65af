/**
 * The registry: every component type Hermes can put in a pipeline, by kind. Adding a
 * receiver, processor or exporter means adding its factory here; nothing is discovered.
 */
import { errorsProcessorFactory } from './analyzers/errors';
import { influxdbExporterFactory } from './exporters/influxdb';
import type { ComponentFactory, Consumer, Lifecycle } from './pipeline/component';
import { otlpHttpReceiverFactory } from './receivers/otlp-http';

/* eslint-disable @typescript-eslint/no-explicit-any -- each factory validates its own config */
type AnyFactory<Instance extends Lifecycle, Next> = ComponentFactory<any, Instance, Next>;

export const receiverFactories = {
  otlp_http: otlpHttpReceiverFactory,
} satisfies Record<string, AnyFactory<Lifecycle, Consumer>>;

export const processorFactories = {
  errors: errorsProcessorFactory,
} satisfies Record<string, AnyFactory<Lifecycle & Consumer, Consumer>>;

export const exporterFactories = {
  influxdb: influxdbExporterFactory,
} satisfies Record<string, AnyFactory<Lifecycle & Consumer, void>>;

/**
 * Not a component of the registry but a source a pipeline may list among its receivers:
 * the API port's own writes (deployments, issue resolutions), so they take the same path
 * to storage as telemetry.
 */
export const API_SOURCE = 'api';

export type ReceiverType = keyof typeof receiverFactories;
export type ProcessorType = keyof typeof processorFactories;
export type ExporterType = keyof typeof exporterFactories;
