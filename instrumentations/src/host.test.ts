import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import { cpuUtilization, HostInstrumentation, parseProcNetDev } from './host';
import { metricNamed, metricsHarness, pointValues } from '../test/support';

const FIXTURE = join(__dirname, '..', 'testdata', 'proc-net-dev.txt');
const MiB = 1024 * 1024;

/**
 * The kernel's own figures, read by the test to check the instrumentation against (the suite runs
 * on Linux: scripts/test.sh installs Debian packages).
 */
const kernel = {
  /** /proc/stat per-CPU tick counters for the modes os.cpus() reports (iowait, softirq, steal excluded). */
  cpuTicks(): Array<Record<'user' | 'nice' | 'system' | 'idle' | 'interrupt', number>> {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => {
        const [user, nice, system, idle, , interrupt] = line.split(/\s+/).slice(1).map(Number);
        return { user, nice, system, idle, interrupt };
      });
  },
  /** MemTotal and MemAvailable from /proc/meminfo, in bytes. */
  memory(): { total: number; available: number } {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]) * 1024;
    return { total: kib('MemTotal'), available: kib('MemAvailable') };
  },
  /** What df says of the filesystem holding `path`, in bytes. */
  filesystem(path: string): { size: number; used: number; avail: number } {
    const [size, used, avail] = execFileSync('df', ['-B1', '--output=size,used,avail', path], { encoding: 'utf8' })
      .trim()
      .split('\n')[1]
      .trim()
      .split(/\s+/)
      .map(Number);
    return { size, used, avail };
  },
};

describe('parseProcNetDev', () => {
  it('reads bytes, packets, errors and drops per direction from a real /proc/net/dev', () => {
    const [lo, eth0] = parseProcNetDev(readFileSync(FIXTURE, 'utf8'));
    expect(lo.name).toBe('lo');
    expect(eth0).toEqual({
      name: 'eth0',
      receive: { bytes: 1638791427, packets: 1362734, errors: 3, dropped: 17 },
      transmit: { bytes: 102846735, packets: 748253, errors: 1, dropped: 2 },
    });
  });

  it('round-trips any counters written in the kernel format, and skips garbage lines', () => {
    const counter = fc.nat({ max: Number.MAX_SAFE_INTEGER });
    const nic = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9.-]{0,14}$/),
      fields: fc.array(counter, { minLength: 16, maxLength: 16 }),
    });
    fc.assert(
      fc.property(fc.array(nic, { maxLength: 5 }), fc.string(), (nics, junk) => {
        const lines = nics.map((n) => `${n.name.padStart(6)}: ${n.fields.join(' ')}`);
        const text = ['Inter-| Receive | Transmit', ' face |bytes packets|bytes', ...lines, junk.replace(/:/g, '')].join('\n');
        expect(parseProcNetDev(text)).toEqual(
          nics.map((n) => ({
            name: n.name,
            receive: { bytes: n.fields[0], packets: n.fields[1], errors: n.fields[2], dropped: n.fields[3] },
            transmit: { bytes: n.fields[8], packets: n.fields[9], errors: n.fields[10], dropped: n.fields[11] },
          })),
        );
      }),
    );
  });
});

describe('cpuUtilization', () => {
  const times = (user: number, sys: number, idle: number) => ({ user, nice: 0, sys, idle, irq: 0 });

  it('gives each mode its share of the elapsed time, for the machine or per CPU', () => {
    const before = [times(100, 100, 100), times(0, 0, 0)];
    const after = [times(150, 100, 150), times(0, 0, 100)];
    const machine = cpuUtilization(before, after, false);
    expect(machine.find((u) => u.mode === 'user')?.value).toBeCloseTo(50 / 200);
    expect(machine.find((u) => u.mode === 'idle')?.value).toBeCloseTo(150 / 200);
    expect(machine.every((u) => u.cpu === undefined)).toBe(true);
    const perCpu = cpuUtilization(before, after, true);
    expect(perCpu.find((u) => u.cpu === 0 && u.mode === 'user')?.value).toBeCloseTo(0.5);
    expect(perCpu.find((u) => u.cpu === 1 && u.mode === 'idle')?.value).toBeCloseTo(1);
  });

  it('reports nothing for a CPU that did not advance', () => {
    expect(cpuUtilization([times(1, 1, 1)], [times(1, 1, 1)], true)).toEqual([]);
  });
});

describe('HostInstrumentation', () => {
  let instrumentation: HostInstrumentation | undefined;
  const tempDirs: string[] = [];
  afterEach(async () => {
    instrumentation?.disable();
    instrumentation = undefined;
    await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(os.tmpdir(), 'hermes-host-'));
    tempDirs.push(dir);
    return dir;
  }

  function burnCpu(ms: number): void {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // let the CPUs advance so utilization has an interval to measure
    }
  }

  const byAttribute = (points: Array<{ value: number; attributes: Record<string, unknown> }>, key: string) =>
    Object.fromEntries(points.map((p) => [String(p.attributes[key]), p.value]));

  describe('.constructor', () => {
    it('names itself and enables itself unless told not to', () => {
      instrumentation = new HostInstrumentation();
      expect(instrumentation.instrumentationName).toBe('@hermes/instrumentation-host');
      expect(instrumentation.isEnabled()).toBe(true);
      expect(new HostInstrumentation({ enabled: false }).isEnabled()).toBe(false);
    });
  });

  describe('.setMeterProvider', () => {
    it('reports CPU time shares per mode as /proc/stat counts them over the same interval', async () => {
      const { provider, collect } = metricsHarness();
      const before = kernel.cpuTicks();
      instrumentation = new HostInstrumentation({ procNetDevPath: FIXTURE, filesystemPaths: [] });
      instrumentation.setMeterProvider(provider);
      // 1 s of one busy CPU: at 100 ticks/s the interval is long enough that the few ms between
      // the kernel reads and the instrumentation's own reads move each share by under 0.05.
      burnCpu(1000);
      const metrics = await collect();
      const after = kernel.cpuTicks();

      const modes = ['user', 'nice', 'system', 'idle', 'interrupt'] as const;
      const delta = Object.fromEntries(modes.map((m) => [m, after.reduce((sum, t, i) => sum + t[m] - before[i][m], 0)]));
      const elapsed = modes.reduce((sum, m) => sum + delta[m], 0);
      const cpu = metricNamed(metrics, 'system.cpu.utilization');
      expect(cpu.descriptor.unit).toBe('1');
      const share = byAttribute(pointValues(cpu), 'cpu.mode');
      expect(Object.keys(share).sort()).toEqual([...modes].sort());
      for (const mode of modes) expect({ mode, share: share[mode] }).toEqual({ mode, share: expect.closeTo(delta[mode] / elapsed, 1) });
      expect(pointValues(metricNamed(metrics, 'system.cpu.logical.count'))[0].value).toBe(after.length);
    });

    it('reports memory as /proc/meminfo does: MemTotal, and MemAvailable as free', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new HostInstrumentation({ procNetDevPath: FIXTURE, filesystemPaths: [] });
      instrumentation.setMeterProvider(provider);
      const before = kernel.memory();
      const metrics = await collect();
      const after = kernel.memory();
      // Other processes allocate meanwhile: allow what moved between the two reads, plus 64 MiB.
      const slack = Math.abs(after.available - before.available) + 64 * MiB;

      expect(pointValues(metricNamed(metrics, 'system.memory.limit'))[0].value).toBe(before.total);
      const memory = metricNamed(metrics, 'system.memory.usage');
      expect(memory.descriptor.unit).toBe('By');
      const byState = byAttribute(pointValues(memory), 'system.memory.state');
      expect(Object.keys(byState).sort()).toEqual(['free', 'used']);
      expect(Math.abs(byState.free - before.available)).toBeLessThanOrEqual(slack);
      expect(Math.abs(byState.used - (before.total - before.available))).toBeLessThanOrEqual(slack);
      const utilization = pointValues(metricNamed(metrics, 'system.memory.utilization'))[0].value;
      expect(Math.abs(utilization - (before.total - before.available) / before.total)).toBeLessThanOrEqual(slack / before.total);
    });

    it('reports each filesystem path as df does: size, used, available and root-reserved bytes', async () => {
      const { provider, collect } = metricsHarness();
      const path = os.tmpdir();
      instrumentation = new HostInstrumentation({ procNetDevPath: FIXTURE, filesystemPaths: [path] });
      instrumentation.setMeterProvider(provider);
      const before = kernel.filesystem(path);
      const metrics = await collect();
      const after = kernel.filesystem(path);
      // Other processes write to the same disk meanwhile: allow what moved, plus 256 MiB.
      const slack = Math.abs(after.used - before.used) + Math.abs(after.avail - before.avail) + 256 * MiB;

      const limit = pointValues(metricNamed(metrics, 'system.filesystem.limit'));
      expect(limit).toEqual([{ value: before.size, attributes: { 'system.filesystem.mountpoint': path } }]);
      const usage = metricNamed(metrics, 'system.filesystem.usage');
      expect(usage.descriptor.unit).toBe('By');
      expect(new Set(pointValues(usage).map((p) => p.attributes['system.filesystem.mountpoint']))).toEqual(new Set([path]));
      const byState = byAttribute(pointValues(usage), 'system.filesystem.state');
      expect(Object.keys(byState).sort()).toEqual(['free', 'reserved', 'used']);
      expect(Math.abs(byState.used - before.used)).toBeLessThanOrEqual(slack);
      expect(Math.abs(byState.free - before.avail)).toBeLessThanOrEqual(slack);
      expect(Math.abs(byState.reserved - (before.size - before.used - before.avail))).toBeLessThanOrEqual(slack);
      const utilization = pointValues(metricNamed(metrics, 'system.filesystem.utilization'))[0].value;
      expect(Math.abs(utilization - before.used / before.size)).toBeLessThanOrEqual(slack / before.size);
    });

    it('reports network counters of the /proc/net/dev file it is given, without loopback', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new HostInstrumentation({ procNetDevPath: FIXTURE, filesystemPaths: [] });
      instrumentation.setMeterProvider(provider);
      const metrics = await collect();

      const io = metricNamed(metrics, 'system.network.io');
      expect(io.descriptor.unit).toBe('By');
      expect(pointValues(io)).toEqual(
        expect.arrayContaining([
          { value: 1638791427, attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' } },
          { value: 102846735, attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'transmit' } },
        ]),
      );
      expect(pointValues(io).some((p) => p.attributes['network.interface.name'] === 'lo')).toBe(false);
      expect(pointValues(metricNamed(metrics, 'system.network.packet.dropped'))).toContainEqual({
        value: 17,
        attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' },
      });
    });

    it('degrades gracefully: a missing /proc/net/dev or path drops only those metrics', async () => {
      const { provider, collect } = metricsHarness();
      const dir = await tempDir();
      instrumentation = new HostInstrumentation({
        procNetDevPath: join(dir, 'no-such-file'),
        filesystemPaths: [join(dir, 'missing'), dir],
      });
      instrumentation.setMeterProvider(provider);
      const names = (await collect()).filter((m) => m.dataPoints.length > 0).map((m) => m.descriptor.name);
      expect(names).toContain('system.memory.usage');
      expect(names).toContain('system.filesystem.usage');
      expect(names.filter((n) => n.startsWith('system.network.'))).toEqual([]);
    });
  });

  describe('.disable', () => {
    it('stops emission: network counters stop following /proc/net/dev', async () => {
      const { provider, collect } = metricsHarness();
      const dir = await tempDir();
      const netDev = join(dir, 'dev');
      await writeFile(netDev, readFileSync(FIXTURE, 'utf8'));
      instrumentation = new HostInstrumentation({ procNetDevPath: netDev });
      instrumentation.setMeterProvider(provider);
      await collect();
      instrumentation.disable();
      // Counters would pick up the new file content if the callback still ran.
      await writeFile(netDev, readFileSync(FIXTURE, 'utf8').replace('1638791427', '1638791999'));
      const io = pointValues(metricNamed(await collect(), 'system.network.io'));
      expect(io.find((p) => p.attributes['network.io.direction'] === 'receive' && p.attributes['network.interface.name'] === 'eth0')?.value).toBe(1638791427);
    });
  });
});
