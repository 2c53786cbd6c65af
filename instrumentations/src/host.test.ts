import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import { cpuUtilization, HostInstrumentation, parseProcNetDev } from './host';
import { metricNamed, metricsHarness, pointValues } from '../test/support';

const FIXTURE = join(__dirname, '..', 'testdata', 'proc-net-dev.txt');

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
  afterEach(() => instrumentation?.disable());

  function burnCpu(ms: number): void {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // let the CPUs advance so utilization has an interval to measure
    }
  }

  describe('.constructor', () => {
    it('names itself and enables itself unless told not to', () => {
      instrumentation = new HostInstrumentation();
      expect(instrumentation.instrumentationName).toBe('@hermes/instrumentation-host');
      expect(instrumentation.isEnabled()).toBe(true);
      expect(new HostInstrumentation({ enabled: false }).isEnabled()).toBe(false);
    });
  });

  describe('.setMeterProvider', () => {
    it('reports CPU, memory, filesystem and network with semconv names, units and states', async () => {
      const { provider, collect } = metricsHarness();
      instrumentation = new HostInstrumentation({ procNetDevPath: FIXTURE, filesystemPaths: [os.tmpdir()] });
      instrumentation.setMeterProvider(provider);
      burnCpu(30);
      const metrics = await collect();

      const cpu = pointValues(metricNamed(metrics, 'system.cpu.utilization'));
      expect(cpu.map((p) => p.attributes['cpu.mode']).sort()).toEqual(['idle', 'interrupt', 'nice', 'system', 'user']);
      expect(cpu.reduce((sum, p) => sum + p.value, 0)).toBeCloseTo(1);
      expect(pointValues(metricNamed(metrics, 'system.cpu.logical.count'))[0].value).toBe(os.cpus().length);

      const memory = metricNamed(metrics, 'system.memory.usage');
      expect(memory.descriptor.unit).toBe('By');
      const byState = Object.fromEntries(pointValues(memory).map((p) => [p.attributes['system.memory.state'], p.value]));
      expect(byState.used + byState.free).toBe(os.totalmem());
      const memoryUse = pointValues(metricNamed(metrics, 'system.memory.utilization'))[0].value;
      expect(memoryUse).toBeGreaterThan(0);
      expect(memoryUse).toBeLessThan(1);

      const fsUsage = pointValues(metricNamed(metrics, 'system.filesystem.usage'));
      expect(new Set(fsUsage.map((p) => p.attributes['system.filesystem.mountpoint']))).toEqual(new Set([os.tmpdir()]));
      const fsTotal = fsUsage.reduce((sum, p) => sum + p.value, 0);
      expect(fsTotal).toBe(pointValues(metricNamed(metrics, 'system.filesystem.limit'))[0].value);
      expect(fsTotal).toBeGreaterThan(0);

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
      const dir = await mkdtemp(join(os.tmpdir(), 'hermes-host-'));
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
      const dir = await mkdtemp(join(os.tmpdir(), 'hermes-host-'));
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
