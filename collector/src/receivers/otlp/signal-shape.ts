/**
 * The resource → scope → items nesting that every OTLP signal shares, under per-signal key
 * names. Lets decoders and validation walk any batch with one piece of code.
 */
import type { InstrumentationScope, Resource, Signal, OtlpBatch } from '../../model/telemetry';

interface SignalKeys {
  /** e.g. resourceSpans */
  readonly resources: string;
  /** e.g. scopeSpans */
  readonly scopes: string;
  /** e.g. spans */
  readonly items: string;
}

export const SIGNAL_KEYS: Readonly<Record<Signal, SignalKeys>> = {
  traces: { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
  metrics: { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' },
  logs: { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
};

export interface ScopeLevel<T> {
  scope: InstrumentationScope;
  schemaUrl: string;
  items: T[];
}

export interface ResourceLevel<T> {
  resource: Resource;
  schemaUrl: string;
  scopes: ScopeLevel<T>[];
}

/**
 * Builds the model's batch for `signal` from generic levels. The caller guarantees that the
 * items are of the signal's item type (spans for traces...), which is why this casts.
 */
export function toBatch(signal: Signal, levels: ResourceLevel<unknown>[]): OtlpBatch {
  const keys = SIGNAL_KEYS[signal];
  return {
    signal,
    [keys.resources]: levels.map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      [keys.scopes]: r.scopes.map((s) => ({ scope: s.scope, schemaUrl: s.schemaUrl, [keys.items]: s.items })),
    })),
  } as unknown as OtlpBatch;
}

/** Calls `visit` with each scope's item list and its path; `visit` returns the items to keep. */
export function filterItems(batch: OtlpBatch, visit: (items: unknown[], path: string) => unknown[]): void {
  const keys = SIGNAL_KEYS[batch.signal];
  const resources = (batch as unknown as Record<string, Record<string, Record<string, unknown[]>[]>[]>)[keys.resources];
  resources.forEach((resource, i) =>
    resource[keys.scopes].forEach((scope, j) => {
      scope[keys.items] = visit(scope[keys.items], `${keys.resources}[${i}].${keys.scopes}[${j}].${keys.items}`);
    }),
  );
}
