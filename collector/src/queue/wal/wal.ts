/**
 * The write-ahead log (queue type `wal`): published batches are appended to segment files
 * under the data folder and fsync'd before `publish` resolves, one fsync for every batch
 * that arrived meanwhile (group commit). A writer takes entries in order; segments whose
 * entries are all done are deleted. At start the log is read back: every entry not yet
 * deleted is taken again (writing it twice is harmless: the same bytes make the same
 * points), and a torn or corrupt tail is cut off, counted and reported.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HermesError } from '../../pipeline/errors';
import type { Logger } from '../../pipeline/logger';
import type { Published, QueueEntry, WriteQueue } from '../queue';
import { HEADER_BYTES, parseRecords, recordHeader } from './record';

export interface WalOptions {
  dir: string;
  /** Bytes on disk past which `publish` is refused with 503 + Retry-After. */
  maxBytes: number;
  /** A segment is closed and a new one begun past this size. */
  segmentMaxBytes: number;
  /** fdatasync before acknowledging (the safe default); off trades durability on power loss for speed. */
  fsync: boolean;
  /** Payloads kept in memory for the writer; the rest is read back from disk when taken. */
  memoryCacheBytes: number;
  retryAfterSeconds: number;
  logger: Logger;
  /** Called with each fsync's duration. */
  onFsync?: (seconds: number) => void;
}

interface Segment {
  id: number;
  path: string;
  bytes: number;
  entries: number;
  done: number;
  /** True once no more records go into it. */
  sealed: boolean;
  reader?: Promise<FileHandle>;
}

/** An entry as the log keeps it: where its record is, and its payload while cached in memory. */
interface Entry {
  seq: number;
  lines: number;
  publishedAtMs: number;
  segment: Segment;
  offset: number;
  length: number;
  payload: Buffer | undefined;
  /** Settles the publisher's `written` promise. */
  onWritten: (() => void) | undefined;
}

interface Append {
  header: Buffer;
  payload: Buffer;
  lines: number;
  publishedAtMs: number;
  resolve: (published: Published) => void;
  reject: (err: Error) => void;
}

export interface RecoveryReport {
  segments: number;
  entries: number;
  lines: number;
  /** Bytes cut off because a record was torn or failed its checksum. */
  corruptBytes: number;
}

const SEGMENT_SUFFIX = '.wal';
const LOCK_FILE = 'LOCK';
/** Folders this process has open: a lock naming our own pid is stale unless listed here (a container's PID 1 restarted). */
const openInThisProcess = new Set<string>();

export class WriteAheadLog implements WriteQueue {
  private readonly segments: Segment[] = [];
  private active: Segment | undefined;
  private writer: FileHandle | undefined;
  /** Entries not yet taken, in order. */
  private readonly untaken: Entry[] = [];
  /** Entries published and not done, in order of publishing (Map keeps insertion order). */
  private readonly pending = new Map<number, Entry>();
  private readonly waiters: (() => void)[] = [];
  private readonly drainedWaiters: (() => void)[] = [];
  private appends: Append[] = [];
  private flushing: Promise<void> | undefined;
  private nextSeq = 0;
  private diskBytes = 0;
  private cachedBytes = 0;
  private closed = false;
  private takingStopped = false;
  private opened = false;

  constructor(private readonly options: WalOptions) {}

  /** Reads the log back (cutting a bad tail), takes the lock, and opens a new segment for appends. */
  async open(): Promise<RecoveryReport> {
    mkdirSync(this.options.dir, { recursive: true });
    this.lock();
    const report: RecoveryReport = { segments: 0, entries: 0, lines: 0, corruptBytes: 0 };
    const ids = readdirSync(this.options.dir)
      .filter((name) => name.endsWith(SEGMENT_SUFFIX))
      .map((name) => Number(name.slice(0, -SEGMENT_SUFFIX.length)))
      .filter((id) => Number.isSafeInteger(id))
      .sort((a, b) => a - b);
    for (const id of ids) {
      const path = this.segmentPath(id);
      const bytes = readFileSync(path);
      const { records, validBytes } = parseRecords(bytes);
      if (validBytes < bytes.length) {
        report.corruptBytes += bytes.length - validBytes;
        truncateSync(path, validBytes);
        this.options.logger.warn('write-ahead log: cut off a torn or corrupt tail', { segment: path, keptBytes: validBytes, cutBytes: bytes.length - validBytes });
      }
      if (records.length === 0) {
        rmSync(path, { force: true });
        continue;
      }
      const segment: Segment = { id, path, bytes: validBytes, entries: 0, done: 0, sealed: true };
      this.segments.push(segment);
      this.diskBytes += validBytes;
      for (const record of records) {
        this.addEntry(segment, record.offset, record.payload.length, record.lines, record.publishedAtMs, undefined);
        report.entries++;
        report.lines += record.lines;
      }
      report.segments++;
    }
    await this.startSegment((ids[ids.length - 1] ?? 0) + 1);
    this.opened = true;
    return report;
  }

  get pendingEntries(): number {
    return this.pending.size;
  }

  drained(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  /** Bytes of the log on disk (and reserved by appends under way). */
  get bytes(): number {
    return this.diskBytes;
  }

  /** Whether a batch would still be taken (the log is under its cap and open). */
  hasRoom(): boolean {
    return !this.closed && this.diskBytes < this.options.maxBytes;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Age of the oldest entry not yet written, in seconds; 0 when there is none. */
  oldestPendingAgeSeconds(nowMs = Date.now()): number {
    for (const entry of this.pending.values()) return Math.max(0, (nowMs - entry.publishedAtMs) / 1000);
    return 0;
  }

  publish(payload: Buffer, lines: number): Promise<Published> {
    if (!this.opened || this.closed) return Promise.reject(new HermesError('HERMES_ERR_SHUTTING_DOWN', 'the write-ahead log is closed'));
    const size = HEADER_BYTES + payload.length;
    if (this.diskBytes > 0 && this.diskBytes + size > this.options.maxBytes) {
      const detail = `the write-ahead log holds ${this.diskBytes} bytes; the cap is ${this.options.maxBytes} (queue.maxMiB)`;
      return Promise.reject(new HermesError('HERMES_ERR_UNAVAILABLE', detail, { retryAfterSeconds: this.options.retryAfterSeconds }));
    }
    this.diskBytes += size;
    const publishedAtMs = Date.now();
    return new Promise<Published>((resolve, reject) => {
      this.appends.push({ header: recordHeader(payload, lines, publishedAtMs), payload, lines, publishedAtMs, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Group commit: everything appended while the previous write+fsync ran goes in the next one. */
  private async flush(): Promise<void> {
    try {
      while (this.appends.length > 0) {
        const group = this.appends;
        this.appends = [];
        await this.writeGroup(group);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeGroup(group: Append[]): Promise<void> {
    const groupBytes = group.reduce((n, a) => n + a.header.length + a.payload.length, 0);
    try {
      let segment = this.active as Segment;
      if (segment.bytes > 0 && segment.bytes + groupBytes > this.options.segmentMaxBytes) {
        await this.startSegment(segment.id + 1);
        segment = this.active as Segment;
      }
      const buffers = group.flatMap((a) => [a.header, a.payload]);
      const handle = this.writer as FileHandle;
      let written = 0;
      while (written < groupBytes) {
        const { bytesWritten } = await handle.writev(written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)]);
        written += bytesWritten;
      }
      if (this.options.fsync) {
        const started = performance.now();
        await handle.datasync();
        this.options.onFsync?.((performance.now() - started) / 1000);
      }
      let offset = segment.bytes;
      segment.bytes += groupBytes;
      for (const append of group) {
        const cache = this.cachedBytes + append.payload.length <= this.options.memoryCacheBytes;
        const entry = this.addEntry(segment, offset, append.payload.length, append.lines, append.publishedAtMs, cache ? append.payload : undefined);
        offset += append.header.length + append.payload.length;
        append.resolve({ written: new Promise<void>((resolve) => (entry.onWritten = resolve)) });
      }
      this.wake();
    } catch (err) {
      // Nothing of the group is acknowledged. A partly written record must not stay in front
      // of later ones: begin a new segment (the cut tail is found and dropped at next start).
      this.diskBytes -= groupBytes;
      const error = new HermesError('HERMES_ERR_UNAVAILABLE', `the write-ahead log cannot write: ${(err as Error).message}`, {
        retryAfterSeconds: this.options.retryAfterSeconds,
        cause: err,
      });
      for (const append of group) append.reject(error);
      this.options.logger.error('write-ahead log write failed; senders get 503', { error: (err as Error).message });
      await this.startSegment((this.active?.id ?? 0) + 1).catch(() => undefined);
    }
  }

  private addEntry(
    segment: Segment,
    offset: number,
    length: number,
    lines: number,
    publishedAtMs: number,
    payload: Buffer | undefined,
  ): Entry {
    const entry: Entry = { seq: this.nextSeq++, lines, publishedAtMs, segment, offset, length, payload, onWritten: undefined };
    if (payload !== undefined) this.cachedBytes += length;
    segment.entries++;
    this.untaken.push(entry);
    this.pending.set(entry.seq, entry);
    return entry;
  }

  async take(maxLines: number): Promise<QueueEntry[]> {
    while (this.untaken.length === 0) {
      if (this.takingStopped) return [];
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const taken: Entry[] = [];
    let lines = 0;
    while (this.untaken.length > 0 && (taken.length === 0 || lines + this.untaken[0].lines <= maxLines)) {
      const entry = this.untaken.shift() as Entry;
      lines += entry.lines;
      taken.push(entry);
    }
    const out: QueueEntry[] = [];
    for (const entry of taken) {
      const payload = entry.payload ?? (await this.readPayload(entry));
      out.push({ seq: entry.seq, payload, lines: entry.lines, publishedAtMs: entry.publishedAtMs });
    }
    return out;
  }

  private async readPayload(entry: Entry): Promise<Buffer> {
    const segment = entry.segment;
    segment.reader ??= open(segment.path, 'r');
    const handle = await segment.reader;
    const payload = Buffer.allocUnsafe(entry.length);
    await handle.read(payload, 0, entry.length, entry.offset + HEADER_BYTES);
    return payload;
  }

  done(entries: readonly QueueEntry[]): void {
    for (const queued of entries) {
      const entry = this.pending.get(queued.seq);
      if (entry === undefined) continue;
      this.pending.delete(queued.seq);
      if (entry.payload !== undefined) this.cachedBytes -= entry.length;
      entry.payload = undefined;
      entry.segment.done++;
      entry.onWritten?.();
    }
    if (this.pending.size === 0) for (const wake of this.drainedWaiters.splice(0)) wake();
    void this.reclaim();
  }

  /** Deletes sealed segments whose every entry is done. */
  private async reclaim(): Promise<void> {
    for (const segment of [...this.segments]) {
      if (!segment.sealed || segment.done < segment.entries) continue;
      this.segments.splice(this.segments.indexOf(segment), 1);
      this.diskBytes -= segment.bytes;
      const reader = segment.reader;
      segment.reader = undefined;
      if (reader) await reader.then((h) => h.close()).catch(() => undefined);
      await unlink(segment.path).catch((err: Error) => this.options.logger.warn('write-ahead log: cannot delete a written segment', { segment: segment.path, error: err.message }));
    }
  }

  private async startSegment(id: number): Promise<void> {
    if (this.active) {
      this.active.sealed = true;
      await this.writer?.close().catch(() => undefined);
      this.writer = undefined;
      void this.reclaim();
    }
    const segment: Segment = { id, path: this.segmentPath(id), bytes: 0, entries: 0, done: 0, sealed: false };
    this.writer = await open(segment.path, 'wx');
    this.segments.push(segment);
    this.active = segment;
    if (this.options.fsync) await syncDirectory(this.options.dir);
  }

  private segmentPath(id: number): string {
    return join(this.options.dir, String(id).padStart(12, '0') + SEGMENT_SUFFIX);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  stopTaking(): void {
    this.takingStopped = true;
    this.wake();
  }

  /** Refuses new appends, waits for the ones under way, and releases the files and the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    this.stopTaking();
    await this.writer?.close().catch(() => undefined);
    this.writer = undefined;
    if (this.active && this.active.entries === 0) {
      this.segments.splice(this.segments.indexOf(this.active), 1);
      rmSync(this.active.path, { force: true });
    }
    for (const segment of this.segments) {
      const reader = segment.reader;
      segment.reader = undefined;
      if (reader) await reader.then((h) => h.close()).catch(() => undefined);
    }
    rmSync(join(this.options.dir, LOCK_FILE), { force: true });
    openInThisProcess.delete(this.options.dir);
  }

  /** One process per log: a second Hermes on the same folder would interleave records. */
  private lock(): void {
    const path = join(this.options.dir, LOCK_FILE);
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      openInThisProcess.add(this.options.dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(path, 'utf8').trim());
    const held = holder === process.pid ? openInThisProcess.has(this.options.dir) : Number.isSafeInteger(holder) && holder > 0 && isAlive(holder);
    if (held) {
      throw new HermesError('HERMES_ERR_CONFIG', `the write-ahead log in ${this.options.dir} is in use by process ${holder}; give each Hermes its own dataDir`);
    }
    // A lock left by a process that is gone (a crash, SIGKILL): take it over.
    writeFileSync(path, String(process.pid));
    openInThisProcess.add(this.options.dir);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a new segment's directory entry durable (a file fsync does not cover its name). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Size of a segment on disk, for tests and tools. */
export function segmentFiles(dir: string): { name: string; bytes: number }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(SEGMENT_SUFFIX))
    .sort()
    .map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
}
