/**
 * `@hermes/instrumentation-host`: the machine the app runs on (CPU, memory, filesystems,
 * network) as OpenTelemetry observable instruments, the agent half of server monitoring.
 * Network counters come from /proc/net/dev and are skipped where it does not exist (non-Linux).
 */
import type { BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { readFile, statfs } from 'node:fs/promises';
import * as os from 'node:os';
import { HermesInstrumentation, observable, type Binding } from './base';
import * as sc from './semconv';
import { VERSION } from './version';

export const HOST_INSTRUMENTATION_NAME = '@hermes/instrumentation-host';

export interface HostInstrumentationConfig extends InstrumentationConfig {
  /** Mount points (or any path on them) reported by `system.filesystem.*`. */
  filesystemPaths?: string[];
  /** Report `system.cpu.utilization` per logical CPU instead of one figure for the machine. */
  perCpu?: boolean;
  /** Where network counters are read from; a container can point it at the host's file. */
  procNetDevPath?: string;
  /** Report the loopback interface too (it mostly measures the app talking to itself). */
  includeLoopback?: boolean;
}

const DEFAULTS: HostInstrumentationConfig = {
  enabled: true,
  filesystemPaths: [process.platform === 'win32' ? 'C:\\' : '/'],
  perCpu: false,
  procNetDevPath: '/proc/net/dev',
  includeLoopback: false,
};

/** Cumulative counters of one interface, as /proc/net/dev reports them. */
export interface InterfaceCounters {
  name: string;
  receive: { bytes: number; packets: number; errors: number; dropped: number };
  transmit: { bytes: number; packets: number; errors: number; dropped: number };
}

/** Parses the text of Linux's /proc/net/dev; lines that do not parse are skipped. */
export function parseProcNetDev(text: string): InterfaceCounters[] {
  const interfaces: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (fields.length < 16 || fields.some((n) => !Number.isFinite(n))) continue;
    interfaces.push({
      name: line.slice(0, colon).trim(),
      receive: { bytes: fields[0], packets: fields[1], errors: fields[2], dropped: fields[3] },
      transmit: { bytes: fields[8], packets: fields[9], errors: fields[10], dropped: fields[11] },
    });
  }
  return interfaces;
}

type CpuTimes = os.CpuInfo['times'];
/** os.cpus() time fields → semconv `cpu.mode` values. */
const CPU_MODES: ReadonlyArray<[keyof CpuTimes, string]> = [
  ['user', 'user'],
  ['nice', 'nice'],
  ['sys', 'system'],
  ['idle', 'idle'],
  ['irq', 'interrupt'],
];

/**
 * Share of time each CPU spent in each mode between two `os.cpus()` snapshots. With `perCpu`
 * false the CPUs are summed first, so the result is the machine's utilisation.
 */
export function cpuUtilization(
  before: readonly CpuTimes[],
  after: readonly CpuTimes[],
  perCpu: boolean,
): Array<{ cpu: number | undefined; mode: string; value: number }> {
  const deltas = after.map((times, i) => {
    const previous = before[i];
    return CPU_MODES.map(([field]) => (previous ? Math.max(0, times[field] - previous[field]) : 0));
  });
  const groups = perCpu
    ? deltas.map((d, i) => ({ cpu: i as number | undefined, d }))
    : [{ cpu: undefined, d: CPU_MODES.map((_, m) => deltas.reduce((sum, d) => sum + d[m], 0)) }];
  const out: Array<{ cpu: number | undefined; mode: string; value: number }> = [];
  for (const { cpu, d } of groups) {
    const total = d.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    CPU_MODES.forEach(([, mode], m) => out.push({ cpu, mode, value: d[m] / total }));
  }
  return out;
}

export class HostInstrumentation extends HermesInstrumentation<HostInstrumentationConfig> {
  private lastCpuTimes: CpuTimes[] = [];
  /** Set once /proc/net/dev turned out not to exist, so non-Linux hosts stop trying. */
  private networkUnavailable = false;

  constructor(config: HostInstrumentationConfig = {}) {
    super(HOST_INSTRUMENTATION_NAME, VERSION, DEFAULTS, config);
    this.enableUnlessDisabled();
  }

  protected start(): void {
    this.lastCpuTimes = os.cpus().map((c) => c.times);
  }

  protected stop(): void {
    this.lastCpuTimes = [];
  }

  protected bind(meter: Meter): Binding {
    const cpuUtil = observable(meter, 'gauge', sc.METRIC_SYSTEM_CPU_UTILIZATION, '1', 'Share of CPU time spent in each mode since the previous collection.');
    const cpuCount = observable(meter, 'upDownCounter', sc.METRIC_SYSTEM_CPU_LOGICAL_COUNT, '{cpu}', 'Number of logical CPUs.', true);
    const memUsage = observable(meter, 'upDownCounter', sc.METRIC_SYSTEM_MEMORY_USAGE, 'By', 'Memory in use and free (available to start new applications).', true);
    const memLimit = observable(meter, 'upDownCounter', sc.METRIC_SYSTEM_MEMORY_LIMIT, 'By', 'Total memory of the machine.', true);
    const memUtil = observable(meter, 'gauge', sc.METRIC_SYSTEM_MEMORY_UTILIZATION, '1', 'Share of memory in use.');
    const fsUsage = observable(meter, 'upDownCounter', sc.METRIC_SYSTEM_FILESYSTEM_USAGE, 'By', 'Filesystem space used, free (to unprivileged users) and reserved.', true);
    const fsLimit = observable(meter, 'upDownCounter', sc.METRIC_SYSTEM_FILESYSTEM_LIMIT, 'By', 'Total size of the filesystem.', true);
    const fsUtil = observable(meter, 'gauge', sc.METRIC_SYSTEM_FILESYSTEM_UTILIZATION, '1', 'Share of the filesystem used.');
    const netIo = observable(meter, 'counter', sc.METRIC_SYSTEM_NETWORK_IO, 'By', 'Bytes received and transmitted, per interface.', true);
    const netPackets = observable(meter, 'counter', sc.METRIC_SYSTEM_NETWORK_PACKET_COUNT, '{packet}', 'Packets received and transmitted, per interface.', true);
    const netErrors = observable(meter, 'counter', sc.METRIC_SYSTEM_NETWORK_ERRORS, '{error}', 'Network errors, per interface and direction.', true);
    const netDropped = observable(meter, 'counter', sc.METRIC_SYSTEM_NETWORK_PACKET_DROPPED, '{packet}', 'Packets dropped, per interface and direction.', true);
    const observables: Observable[] = [
      cpuUtil, cpuCount, memUsage, memLimit, memUtil, fsUsage, fsLimit, fsUtil,
      netIo, netPackets, netErrors, netDropped,
    ];

    const observeCpuAndMemory = (result: BatchObservableResult): void => {
      const now = os.cpus().map((c) => c.times);
      for (const { cpu, mode, value } of cpuUtilization(this.lastCpuTimes, now, this.config.perCpu === true)) {
        const attributes = cpu === undefined
          ? { [sc.ATTR_CPU_MODE]: mode }
          : { [sc.ATTR_CPU_MODE]: mode, [sc.ATTR_CPU_LOGICAL_NUMBER]: cpu };
        result.observe(cpuUtil, value, attributes);
      }
      this.lastCpuTimes = now;
      result.observe(cpuCount, now.length);
      const total = os.totalmem();
      const free = os.freemem();
      result.observe(memUsage, total - free, { [sc.ATTR_SYSTEM_MEMORY_STATE]: 'used' });
      result.observe(memUsage, free, { [sc.ATTR_SYSTEM_MEMORY_STATE]: 'free' });
      result.observe(memLimit, total);
      if (total > 0) result.observe(memUtil, (total - free) / total);
    };

    const observeFilesystems = async (result: BatchObservableResult): Promise<void> => {
      for (const path of this.config.filesystemPaths ?? []) {
        let stats;
        try {
          stats = await statfs(path);
        } catch (err) {
          this.diag.debug(`statfs(${path}) failed; skipping it`, err);
          continue;
        }
        const mountpoint = { [sc.ATTR_SYSTEM_FILESYSTEM_MOUNTPOINT]: path };
        const limit = stats.blocks * stats.bsize;
        const used = (stats.blocks - stats.bfree) * stats.bsize;
        const state = (s: string) => ({ ...mountpoint, [sc.ATTR_SYSTEM_FILESYSTEM_STATE]: s });
        result.observe(fsUsage, used, state('used'));
        result.observe(fsUsage, stats.bavail * stats.bsize, state('free'));
        result.observe(fsUsage, (stats.bfree - stats.bavail) * stats.bsize, state('reserved'));
        result.observe(fsLimit, limit, mountpoint);
        if (limit > 0) result.observe(fsUtil, used / limit, mountpoint);
      }
    };

    const observeNetwork = async (result: BatchObservableResult): Promise<void> => {
      if (this.networkUnavailable) return;
      let text: string;
      try {
        text = await readFile(this.config.procNetDevPath ?? '/proc/net/dev', 'utf8');
      } catch (err) {
        this.networkUnavailable = true;
        this.diag.info('network counters unavailable on this host; system.network.* disabled', err);
        return;
      }
      for (const nic of parseProcNetDev(text)) {
        if (nic.name === 'lo' && !this.config.includeLoopback) continue;
        for (const direction of ['receive', 'transmit'] as const) {
          const attributes = {
            [sc.ATTR_NETWORK_INTERFACE_NAME]: nic.name,
            [sc.ATTR_NETWORK_IO_DIRECTION]: direction,
          };
          const c = nic[direction];
          result.observe(netIo, c.bytes, attributes);
          result.observe(netPackets, c.packets, attributes);
          result.observe(netErrors, c.errors, attributes);
          result.observe(netDropped, c.dropped, attributes);
        }
      }
    };

    const callback = async (result: BatchObservableResult): Promise<void> => {
      observeCpuAndMemory(result);
      await Promise.all([observeFilesystems(result), observeNetwork(result)]);
    };
    meter.addBatchObservableCallback(callback, observables);
    return { unbind: () => meter.removeBatchObservableCallback(callback, observables) };
  }
}
