/**
 * What the running SDK shares with the free-standing API functions (`trackEvent`, `onEvent`,
 * `recordDeployment`): at most one Hermes runs per process, set by `startHermes`, cleared by its
 * shutdown. Event listeners outlive SDK restarts, so they are kept here and attached to each
 * new events instrumentation.
 */
import type { EventListener, EventsInstrumentation } from '@hermes/instrumentations';
import type { ResolvedConfig } from './config';

export interface Running {
  config: ResolvedConfig;
  serviceName: string;
  events: EventsInstrumentation | undefined;
}

let running: Running | undefined;
const listeners = new Map<EventListener, () => void>();

export function currentRun(): Running | undefined {
  return running;
}

export function setRun(run: Running | undefined): void {
  for (const [listener, detach] of listeners) {
    detach();
    listeners.set(listener, run?.events?.onEvent(listener) ?? noop);
  }
  running = run;
}

export function addListener(listener: EventListener): () => void {
  if (!listeners.has(listener)) listeners.set(listener, running?.events?.onEvent(listener) ?? noop);
  return () => {
    listeners.get(listener)?.();
    listeners.delete(listener);
  };
}

function noop(): void {}
