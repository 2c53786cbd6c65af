/**
 * The bounded write queue to InfluxDB: batches encoded lines into POST /write requests,
 * keeps at most N in flight, retries what may succeed later, drops what never will, and
 * settles each caller's promise once every one of its lines has an outcome, saying how
 * many of them InfluxDB refused for good.
 *
 * Not a translator: lines arrive already encoded as bytes, in chunks of whole lines each
 * ending in '\n', and leave in the same bytes: the writer never decodes or re-joins them
 * (a chunk is cut only when InfluxDB refuses a single one as too large).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HermesError } from '../../pipeline/errors';
import type { Logger } from '../../pipeline/logger';

export interface WriterOptions {
  /** Full write URL including db, rp, precision and credentials. */
  writeUrl: string;
  headers: Record<string, string>;
  batchMaxPoints: number;
  flushIntervalMs: number;
  maxConcurrentWrites: number;
  requestTimeoutMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  logger: Logger;
  /** Re-creates database and retention policy after a 404; false when it could not. */
  recreateDatabase: () => Promise<boolean>;
  onWritten: (points: number) => void;
  onDropped: (points: number, reason: DropReason) => void;
  onWriteDone: (seconds: number, outcome: WriteOutcome) => void;
  onPendingChange: (points: number) => void;
}

/** Why points were given up on (the `reason` label of the dropped counter). */
export type DropReason = 'rejected' | 'too_large' | 'retention_policy_missing' | 'shutdown';
export type WriteOutcome = 'success' | 'rejected' | 'too_large' | 'retry' | 'not_found';

/** What became of one caller's lines once each has an outcome. */
export interface WriteReceipt {
  /** Lines InfluxDB refused for good (never retried); the rest are stored. */
  refusedLines: number;
  /** InfluxDB's own words about the first refusal; '' when none. */
  refusal: string;
}

/** One caller's batch: resolves when all its lines are written or permanently refused. */
interface Owner {
  remaining: number;
  refused: number;
  refusal: string;
  lostToShutdown: boolean;
  resolve: (receipt: WriteReceipt) => void;
  reject: (err: Error) => void;
}

/** Whole lines of one owner, as bytes. */
interface Chunk {
  bytes: Buffer;
  lines: number;
  owner: Owner;
}

/** A request's worth of chunks, in order. */
interface Job {
  chunks: Chunk[];
  lines: number;
}

const NEWLINE = 0x0a;

function jobOf(chunks: Chunk[]): Job {
  return { chunks, lines: chunks.reduce((n, c) => n + c.lines, 0) };
}

/** A job's chunks grouped by owner (an owner's chunks are adjacent), in order. */
function splitByOwner(job: Job): Job[] {
  const parts: Job[] = [];
  for (let start = 0; start < job.chunks.length; ) {
    let end = start + 1;
    while (end < job.chunks.length && job.chunks[end].owner === job.chunks[start].owner) end++;
    parts.push(jobOf(job.chunks.slice(start, end)));
    start = end;
  }
  return parts;
}

/** Two halves of a job of more than one line: by chunks, or a lone chunk cut at the line nearest its middle. */
function halves(job: Job): [Job, Job] {
  if (job.chunks.length > 1) {
    const half = Math.ceil(job.chunks.length / 2);
    return [jobOf(job.chunks.slice(0, half)), jobOf(job.chunks.slice(half))];
  }
  const [chunk] = job.chunks;
  let cut = chunk.bytes.indexOf(NEWLINE, chunk.bytes.length >> 1) + 1;
  if (cut <= 0 || cut >= chunk.bytes.length) cut = chunk.bytes.indexOf(NEWLINE) + 1;
  const first = chunk.bytes.subarray(0, cut);
  const firstLines = countLines(first);
  return [
    jobOf([{ bytes: first, lines: firstLines, owner: chunk.owner }]),
    jobOf([{ bytes: chunk.bytes.subarray(cut), lines: chunk.lines - firstLines, owner: chunk.owner }]),
  ];
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

/** influxd's partial-write answer names how many points it dropped; parse failures are listed one by one. */
export function droppedFromPartialWrite(errorText: string, lines: number): number {
  const match = /dropped=(\d+)/.exec(errorText);
  const counted = match ? Number(match[1]) : 0;
  const unparsable = errorText.split('unable to parse').length - 1;
  const total = counted + unparsable;
  return total === 0 || total > lines ? lines : total;
}

export class InfluxWriter {
  private readonly queue: Chunk[] = [];
  private queued = 0;
  private inFlight = 0;
  private pending = 0;
  private flushDue = false;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private deadline = Infinity;
  private readonly abort = new AbortController();
  private readonly idleWaiters: (() => void)[] = [];
  private consecutiveFailures = 0;
  /** Text of the latest failed write, for the readiness reason. */
  lastError = '';

  private readonly url: URL;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(private readonly options: WriterOptions) {
    this.url = new URL(options.writeUrl);
    const agentOptions = { keepAlive: true, maxSockets: options.maxConcurrentWrites };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  /** Points accepted and not yet settled (queued plus in flight). */
  get pendingPoints(): number {
    return this.pending;
  }

  /** Whether the latest write attempt failed in a way that is being retried. */
  get failing(): boolean {
    return this.consecutiveFailures > 0;
  }

  /** The backoff the writer is currently waiting between attempts, in ms. */
  get currentBackoffMs(): number {
    return this.backoffMs(this.consecutiveFailures);
  }

  /**
   * Queues `lines` whole lines of line protocol (`bytes`, each line ending in '\n'); resolves
   * once each is acknowledged or permanently refused, with the count of refused ones. Rejects
   * with HERMES_ERR_SHUTTING_DOWN when the shutdown deadline came first.
   */
  enqueue(bytes: Buffer, lines: number): Promise<WriteReceipt> {
    return new Promise<WriteReceipt>((resolve, reject) => {
      const owner: Owner = { remaining: lines, refused: 0, refusal: '', lostToShutdown: false, resolve, reject };
      this.queue.push({ bytes, lines, owner });
      this.queued += lines;
      this.pending += lines;
      this.options.onPendingChange(this.pending);
      this.pump();
    });
  }

  /**
   * Flushes everything queued and waits for it, giving up at `deadline` (epoch ms): what
   * is still unwritten then is counted as dropped and its callers are rejected.
   */
  async drain(deadline: number): Promise<void> {
    this.draining = true;
    this.deadline = deadline;
    if (this.timer) clearTimeout(this.timer);
    this.pump();
    if (this.pending > 0) await this.settleBy(deadline);
    this.agent.destroy();
  }

  private async settleBy(deadline: number): Promise<void> {
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    let giveUp: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([idle, timeout]);
    clearTimeout(giveUp);
    if (this.pending > 0) {
      // In-flight requests are aborted; their loops see the deadline and drop their lines.
      this.abort.abort();
      this.dropQueued();
      await idle;
    }
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.flushDue) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushDue = true;
      this.pump();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  private pump(): void {
    while (
      this.inFlight < this.options.maxConcurrentWrites &&
      this.queued > 0 &&
      // Group commit: an idle writer writes at once, so a lone request is acknowledged
      // without waiting for the timer; while writes are in flight, arrivals gather until
      // a share of a full batch is ready, so batches grow with load and the concurrent
      // writes keep InfluxDB busy.
      (this.inFlight === 0 ||
        this.queued >= this.options.batchMaxPoints / this.options.maxConcurrentWrites ||
        this.flushDue ||
        this.draining)
    ) {
      const job = this.takeJob();
      this.inFlight++;
      void this.runJob(job).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    if (this.queued === 0) this.flushDue = false;
    else if (!this.draining) this.armTimer();
  }

  /** Whole chunks up to batchMaxPoints lines (a larger chunk goes alone). */
  private takeJob(): Job {
    const chunks: Chunk[] = [];
    let lines = 0;
    const max = this.options.batchMaxPoints;
    while (this.queue.length > 0 && (chunks.length === 0 || lines + this.queue[0].lines <= max)) {
      const chunk = this.queue.shift() as Chunk;
      chunks.push(chunk);
      lines += chunk.lines;
    }
    this.queued -= lines;
    return { chunks, lines };
  }

  private dropQueued(): void {
    while (this.queue.length > 0) {
      const chunk = this.queue.shift() as Chunk;
      this.queued -= chunk.lines;
      this.options.onDropped(chunk.lines, 'shutdown');
      chunk.owner.lostToShutdown = true;
      this.settle(chunk.owner, chunk.lines);
    }
  }

  /** Records `count` lines of `owner` as done and settles it when none remain. */
  private settle(owner: Owner, count: number): void {
    owner.remaining -= count;
    this.pending -= count;
    this.options.onPendingChange(this.pending);
    if (owner.remaining === 0) {
      if (owner.lostToShutdown) owner.reject(new HermesError('HERMES_ERR_SHUTTING_DOWN', 'not written before the shutdown deadline'));
      else owner.resolve({ refusedLines: owner.refused, refusal: owner.refusal });
    }
    if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * Settles a written job; `dropped` of its lines were refused for good. Only jobs of one
   * owner are settled with refusals (see runJob), so the refusal is charged exactly.
   */
  private finish(job: Job, dropped: number, reason: DropReason, refusal = ''): void {
    if (dropped < job.lines) this.options.onWritten(job.lines - dropped);
    if (dropped > 0) this.options.onDropped(dropped, reason);
    const whole = dropped === job.lines;
    const charged = new Set<Owner>();
    for (const chunk of job.chunks) {
      const owner = chunk.owner;
      if (dropped > 0 && reason === 'shutdown') owner.lostToShutdown = true;
      else if (dropped > 0 && (whole || !charged.has(owner))) {
        // All refused: each owner loses its own lines. Some refused: the job has one owner (runJob), charged once.
        owner.refused += whole ? chunk.lines : dropped;
        if (owner.refusal === '') owner.refusal = refusal;
        charged.add(owner);
      }
      this.settle(owner, chunk.lines);
    }
  }

  /**
   * Writes a job, splitting on 413 into halves, and on a partial refusal (400) of a job
   * that several callers share into one job per caller: influxd does not say which lines
   * it refused, and writing the stored ones again is harmless (same points, docs/schema.md
   * §7), so each caller learns exactly how many of its own lines were refused. Depth-first,
   * so parts are written in order.
   */
  private async runJob(job: Job): Promise<void> {
    const stack: Job[] = [job];
    let recreated = false;
    while (stack.length > 0) {
      const part = stack.pop() as Job;
      const result = await this.writeUntilSettled(part, recreated);
      recreated ||= result.recreated;
      if (result.split === 'halves') {
        const [first, second] = halves(part);
        stack.push(second, first);
      } else if (result.split === 'owners') {
        stack.push(...splitByOwner(part).reverse());
      }
    }
  }

  private async writeUntilSettled(job: Job, alreadyRecreated: boolean): Promise<{ split?: 'halves' | 'owners'; recreated: boolean }> {
    let recreated = alreadyRecreated;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() >= this.deadline) {
        this.finish(job, job.lines, 'shutdown');
        return { recreated };
      }
      const started = performance.now();
      const answer = await this.post(job.chunks);
      const seconds = (performance.now() - started) / 1000;
      const status = answer.status;
      if (status === 204 || status === 200) {
        this.options.onWriteDone(seconds, 'success');
        this.consecutiveFailures = 0;
        this.finish(job, 0, 'rejected');
        return { recreated };
      }
      if (status === 413) {
        this.options.onWriteDone(seconds, 'too_large');
        if (job.lines > 1) return { split: 'halves', recreated };
        this.options.logger.warn('influxdb refused a single point as too large; dropped', { bytes: job.chunks[0].bytes.length });
        this.finish(job, 1, 'too_large', 'a point larger than influxdb accepts');
        return { recreated };
      }
      if (status === 400) {
        this.options.onWriteDone(seconds, 'rejected');
        this.consecutiveFailures = 0;
        if (job.chunks[0].owner !== job.chunks[job.chunks.length - 1].owner) return { split: 'owners', recreated };
        const dropped = droppedFromPartialWrite(answer.text, job.lines);
        this.options.logger.warn('influxdb refused points; not retried', { points: dropped, error: answer.text.slice(0, 1000) });
        this.finish(job, dropped, 'rejected', answer.text.slice(0, 300));
        return { recreated };
      }
      if (answer.text.includes('retention policy not found')) {
        this.options.onWriteDone(seconds, 'rejected');
        this.options.logger.error('influxdb has no such retention policy; points dropped (check the config)', {
          points: job.lines,
          error: answer.text.slice(0, 1000),
        });
        this.finish(job, job.lines, 'retention_policy_missing', answer.text.slice(0, 300));
        return { recreated };
      }
      if (status === 404 && answer.text.includes('database not found') && !recreated) {
        this.options.onWriteDone(seconds, 'not_found');
        recreated = true;
        if (await this.options.recreateDatabase()) continue;
      } else {
        this.options.onWriteDone(seconds, 'retry');
      }
      this.consecutiveFailures++;
      this.lastError = status === 0 ? answer.text : `HTTP ${status}: ${answer.text.slice(0, 300)}`;
      if (this.consecutiveFailures === 1) this.options.logger.warn('influxdb write failed; retrying', { error: this.lastError });
      await this.sleep(this.backoffMs(attempt + 1));
    }
  }

  /** Exponential backoff with jitter (50–100 % of the step), capped at maxBackoffMs. */
  private backoffMs(failures: number): number {
    if (failures <= 0) return 0;
    const step = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(failures - 1, 30));
    return step * (0.5 + Math.random() * 0.5);
  }

  private sleep(ms: number): Promise<void> {
    const until = Math.min(Date.now() + ms, this.deadline);
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      signal.addEventListener('abort', done, { once: true });
      // Removed when the timer fires too: a writer retrying for hours must not pile up listeners.
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  /**
   * One POST; status 0 means no HTTP answer (connection error, timeout, aborted). Uses
   * node:http with a keep-alive agent: fetch's web-stream plumbing cost about a tenth of
   * the collector's CPU under load in the benchmark.
   */
  private post(chunks: readonly Chunk[]): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
      const url = this.url;
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const signal = AbortSignal.any([AbortSignal.timeout(this.options.requestTimeoutMs), this.abort.signal]);
      const req = send(
        url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            'Content-Type': 'text/plain; charset=utf-8',
            'Content-Length': chunks.reduce((n, c) => n + c.bytes.length, 0),
            ...this.options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: extractError(Buffer.concat(chunks).toString()) }));
          res.on('error', (err) => resolve({ status: 0, text: err.message }));
        },
      );
      req.on('error', (err) => resolve({ status: 0, text: signal.aborted && signal.reason instanceof Error ? `${err.message}: ${signal.reason.message}` : err.message }));
      // Written as they are: the bytes the exporter encoded (and the log holds) go out unchanged.
      for (const chunk of chunks) req.write(chunk.bytes);
      req.end();
    });
  }
}

/** influxd answers `{"error":"..."}`; keep the message, or the raw text when it is not JSON. */
function extractError(text: string): string {
  if (text === '') return '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: keep as is
  }
  return text;
}
