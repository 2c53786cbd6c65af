/**
 * Consumers that join pipelines: a fan-out that gives one batch to several consumers
 * (a receiver in two pipelines, a pipeline with two exporters), and a router that sends
 * each batch to the pipelines that take its signal.
 */
import type { TelemetryBatch } from '../model/telemetry';
import { mergeReceipts, type Consumer, type Receipt } from './component';
import { HermesError } from './errors';

/**
 * One batch to every consumer; resolves once all took it, with the worst receipt, and
 * rejects if any refused it (the sender retries the whole batch; a second write of what
 * one consumer already stored is harmless: the same points, docs/schema.md §7). The
 * batch is shared, not copied: consumers must not mutate it (component.ts).
 */
export function fanOut(consumers: readonly Consumer[]): Consumer {
  if (consumers.length === 1) return consumers[0];
  return {
    async consume(batch: TelemetryBatch): Promise<Receipt> {
      const receipts = await Promise.all(consumers.map((c) => c.consume(batch)));
      return receipts.reduce(mergeReceipts);
    },
  };
}

/** Routes by signal; a signal no pipeline takes is refused as an endpoint that does not exist. */
export function routeBySignal(routes: Partial<Record<TelemetryBatch['signal'], Consumer>>, receiverId: string): Consumer {
  return {
    consume(batch: TelemetryBatch): Promise<Receipt> {
      const route = routes[batch.signal];
      if (route === undefined) {
        return Promise.reject(new HermesError('HERMES_ERR_NO_SUCH_ENDPOINT', `no pipeline takes ${batch.signal} from ${receiverId}`));
      }
      return route.consume(batch);
    },
  };
}
