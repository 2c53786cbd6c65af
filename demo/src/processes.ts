/**
 * What `npm start` started, and stopping all of it: newest first (the demo services flush to the
 * collector, the collector to InfluxDB), each by its own stop(), then SIGKILL for any child
 * process still alive. Not a process manager: nothing is restarted.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One started thing (a process, or a group of them) as the stop list sees it. */
export interface StartedProcess {
  /** Its name and pid, e.g. `PostgreSQL (pid 123)`; read when stopping, so it may follow a restart. */
  describe(): string;
  /** Stops it and resolves once it has exited; each has its own deadline after which it SIGKILLs. */
  stop(): Promise<unknown>;
}

export class StartedProcesses {
  private readonly started: StartedProcess[] = [];
  private stopping: Promise<string[]> | undefined;

  /** Adds one; once stopAll() has begun, stops it at once instead (it started too late to be seen). */
  add(started: StartedProcess): void {
    if (this.stopping) {
      void started.stop();
      return;
    }
    this.started.push(started);
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** What stopAll() would stop, newest first. */
  describe(): string[] {
    return [...this.started].reverse().map((s) => s.describe());
  }

  /**
   * Stops everything added, one at a time, newest first. Resolves with what was stopped (a
   * failed stop is named with its error); idempotent: later calls get the same promise.
   */
  stopAll(): Promise<string[]> {
    this.stopping ??= (async () => {
      const stopped: string[] = [];
      for (const started of [...this.started].reverse()) {
        const name = started.describe();
        try {
          await started.stop();
          stopped.push(name);
        } catch (err) {
          stopped.push(`${name} (stop failed: ${(err as Error).message})`);
        }
      }
      return stopped;
    })();
    return this.stopping;
  }
}

/** Pids of the live (not zombie) child processes of `parent`, read from Linux's /proc. */
export function childPids(parent: number = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === parent && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

/** Joins names as prose: `a`, `a and b`, `a, b and c`. */
export function listed(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
