/**
 * A small HTTP load generator for the overhead benchmark: keep-alive connections on loopback,
 * either closed-loop (N requests in flight: the service's maximum throughput) or open-loop
 * (a fixed request rate: latency at the same load, measured from each request's scheduled
 * time so a stalled server is not hidden by the generator slowing down).
 */
import { Agent, request } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  /** Called for each request (vary ids, bodies). */
  next: () => LoadRequest;
  durationMs: number;
  /** Closed loop: requests in flight. */
  concurrency?: number;
  /** Open loop: requests per second (concurrency is then unbounded). */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  /** Answers other than 2xx/4xx, and connection errors. */
  errors: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function send(agent: Agent, base: URL, req: LoadRequest): Promise<number> {
  return new Promise((resolve) => {
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: req.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body) } : undefined,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', () => resolve(0));
      },
    );
    r.once('error', () => resolve(0));
    r.end(req.body);
  });
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.ratePerSecond ? 512 : (options.concurrency ?? 16) });
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  const endAt = started + options.durationMs;
  const one = async (scheduledAt: number) => {
    const status = await send(agent, base, options.next());
    latenciesMs.push(performance.now() - scheduledAt);
    if (status === 0 || status >= 500) errors++;
  };
  if (options.ratePerSecond) {
    const intervalMs = 1000 / options.ratePerSecond;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; ; i++) {
      const at = started + i * intervalMs;
      if (at >= endAt) break;
      const wait = at - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = one(at).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } else {
    const worker = async () => {
      while (performance.now() < endAt) await one(performance.now());
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  }
  const elapsedMs = performance.now() - started;
  agent.destroy();
  latenciesMs.sort((a, b) => a - b);
  return {
    requests: latenciesMs.length,
    errors,
    elapsedMs,
    requestsPerSecond: (latenciesMs.length * 1000) / elapsedMs,
    p50Ms: quantile(latenciesMs, 0.5),
    p99Ms: quantile(latenciesMs, 0.99),
    maxMs: latenciesMs[latenciesMs.length - 1] ?? NaN,
  };
}
