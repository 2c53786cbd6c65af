/**
 * The write-ahead log on a real file system: order, group commit, read-back after a restart,
 * torn and corrupt tails, the size cap, the lock, and segments deleted once written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../pipeline/logger';
import { segmentFiles, WriteAheadLog, type WalOptions } from './wal';

let dir: string;
const opened: WriteAheadLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-wal-test-'));
});

afterEach(async () => {
  for (const wal of opened.splice(0)) await wal.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openWal(options: Partial<WalOptions> = {}): Promise<{ wal: WriteAheadLog; report: Awaited<ReturnType<WriteAheadLog['open']>> }> {
  const wal = new WriteAheadLog({
    dir,
    maxBytes: 64 * 1024 * 1024,
    segmentMaxBytes: 1024 * 1024,
    fsync: true,
    memoryCacheBytes: 1024 * 1024,
    retryAfterSeconds: 3,
    logger: silentLogger,
    ...options,
  });
  const report = await wal.open();
  opened.push(wal);
  return { wal, report };
}

const batch = (i: number, lines = 3) => Buffer.from(Array.from({ length: lines }, (_, j) => `m,b=${i} v=${j}i ${1_700_000_000_000_000_000 + i * 1000 + j}\n`).join(''));

async function takeAll(wal: WriteAheadLog): Promise<Buffer[]> {
  const out: Buffer[] = [];
  while (wal.pendingEntries > out.length) out.push(...(await wal.take(1_000_000)).map((e) => e.payload));
  return out;
}

describe('WriteAheadLog', () => {
  it('gives batches back in the order they were published, as published', async () => {
    const { wal } = await openWal();
    const payloads = Array.from({ length: 20 }, (_, i) => batch(i));
    await Promise.all(payloads.map((p) => wal.publish(p, 3)));
    const first = await wal.take(7);
    expect(first.map((e) => e.lines)).toEqual([3, 3]);
    const rest = await wal.take(1000);
    expect([...first, ...rest].map((e) => e.payload)).toEqual(payloads);
  });

  it('serves a burst of concurrent batches with fewer fsyncs than batches (group commit)', async () => {
    let fsyncs = 0;
    const { wal } = await openWal({ onFsync: () => fsyncs++ });
    await Promise.all(Array.from({ length: 50 }, (_, i) => wal.publish(batch(i), 3)));
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(50);
  });

  it('reads back after a restart every batch not marked done, byte for byte', async () => {
    const first = await openWal();
    const payloads = Array.from({ length: 6 }, (_, i) => batch(i));
    for (const p of payloads) await first.wal.publish(p, 3);
    first.wal.done(await first.wal.take(6)); // the first two are written
    await first.wal.close();
    opened.splice(opened.indexOf(first.wal), 1);

    const { wal, report } = await openWal();
    // Segments are deleted whole, so the two written batches come back too: writing them again changes nothing.
    expect(report).toEqual({ segments: 1, entries: 6, lines: 18, corruptBytes: 0 });
    expect(await takeAll(wal)).toEqual(payloads);
  });

  it('deletes a segment once every batch in it is done, and keeps the ones that are not', async () => {
    const { wal } = await openWal({ segmentMaxBytes: 400 });
    for (let i = 0; i < 8; i++) await wal.publish(batch(i), 3);
    const segmentsBefore = segmentFiles(dir).length;
    expect(segmentsBefore).toBeGreaterThan(2);
    const entries = await wal.take(1000);
    wal.done(entries.slice(0, 4));
    await new Promise((r) => setTimeout(r, 50));
    expect(segmentFiles(dir).length).toBeLessThan(segmentsBefore);
    wal.done(entries.slice(4));
    await new Promise((r) => setTimeout(r, 50));
    // Only the segment still open for appends remains, and it is empty of unwritten batches.
    expect(wal.pendingEntries).toBe(0);
    expect(segmentFiles(dir).length).toBe(1);
    expect(wal.bytes).toBe(segmentFiles(dir)[0].bytes);
  });

  it('cuts off a torn last record at start, reports it, and goes on appending after it', async () => {
    const first = await openWal();
    await first.wal.publish(batch(1), 3);
    await first.wal.publish(batch(2), 3);
    await first.wal.close();
    opened.splice(opened.indexOf(first.wal), 1);
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment.name);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 7)); // a crash in the middle of the second record

    const second = await openWal();
    expect(second.report.entries).toBe(1);
    const firstRecordBytes = 20 + batch(1).length;
    expect(second.report.corruptBytes).toBe(whole.length - 7 - firstRecordBytes);
    await second.wal.publish(batch(3), 3);
    await second.wal.close();
    opened.splice(opened.indexOf(second.wal), 1);

    const third = await openWal();
    expect(third.report.corruptBytes).toBe(0);
    expect(await takeAll(third.wal)).toEqual([batch(1), batch(3)]);
  });

  it('stops at a record whose checksum fails and never hands out its bytes', async () => {
    const first = await openWal();
    for (let i = 0; i < 3; i++) await first.wal.publish(batch(i), 3);
    await first.wal.close();
    opened.splice(opened.indexOf(first.wal), 1);
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment.name);
    const bytes = readFileSync(path);
    const secondRecordPayload = 20 + batch(0).length + 20;
    bytes[secondRecordPayload + 5] ^= 0x01; // one flipped bit inside the second batch
    writeFileSync(path, bytes);

    const { wal, report } = await openWal();
    expect(report.entries).toBe(1);
    expect(report.corruptBytes).toBe(bytes.length - (20 + batch(0).length));
    expect(await takeAll(wal)).toEqual([batch(0)]);
  });

  it('refuses a batch past the size cap with 503 and Retry-After, and takes it again once there is room', async () => {
    const { wal } = await openWal({ maxBytes: 300, segmentMaxBytes: 100 });
    await wal.publish(batch(0), 3);
    await wal.publish(batch(1), 3);
    const refused = await wal.publish(batch(2), 3).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'HERMES_ERR_UNAVAILABLE', httpStatus: 503, retryAfterSeconds: 3 });
    wal.done(await wal.take(1000));
    await new Promise((r) => setTimeout(r, 50));
    await expect(wal.publish(batch(2), 3)).resolves.toHaveProperty('written');
  });

  it('reads batches it did not keep in memory back from disk', async () => {
    const { wal } = await openWal({ memoryCacheBytes: 0 });
    const payloads = [batch(0, 50), batch(1, 1)];
    for (const p of payloads) await wal.publish(p, p.toString().split('\n').length - 1);
    expect(await takeAll(wal)).toEqual(payloads);
  });

  it('resolves a publisher\'s `written`, and `drained`, once its batch is done', async () => {
    const { wal } = await openWal();
    const { written } = await wal.publish(batch(0), 3);
    let settled = false;
    void written.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    let drained = false;
    void wal.drained().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    wal.done(await wal.take(10));
    await written;
    await wal.drained();
  });

  it('refuses a second process on the same folder, and takes over a lock left by a dead one', async () => {
    writeFileSync(join(dir, 'LOCK'), String(process.ppid));
    await expect(openWal()).rejects.toMatchObject({ code: 'HERMES_ERR_CONFIG', message: expect.stringContaining(`in use by process ${process.ppid}`) });
    writeFileSync(join(dir, 'LOCK'), '2147483646');
    const { wal } = await openWal();
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    // The same process opening the folder twice is refused too.
    await expect(openWal()).rejects.toMatchObject({ code: 'HERMES_ERR_CONFIG' });
    await wal.close();
    opened.splice(opened.indexOf(wal), 1);
    // A lock naming this process's pid, left by an earlier life of it (PID 1 in a container), is stale.
    writeFileSync(join(dir, 'LOCK'), String(process.pid));
    await expect(openWal()).resolves.toHaveProperty('wal');
  });
});
