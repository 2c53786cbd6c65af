/** Benchmark (d): exceptions parsed and fingerprinted per second on one core. */
import { fingerprint, parseStackTrace } from '../src/analyzers/errors';

/** A realistic 30-frame Node stack: app frames over express and node internals. */
function nodeStack(variant: number): string {
  const frames: string[] = [];
  for (let i = 0; i < 12; i++) frames.push(`    at handler${i}${variant % 3} (/srv/app/src/routes/orders${i}.js:${10 + i}:${5 + variant % 7})`);
  for (let i = 0; i < 12; i++) frames.push(`    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:${95 + i}:5)`);
  for (let i = 0; i < 5; i++) frames.push(`    at process.processTicksAndRejections (node:internal/process/task_queues:${95 + i}:5)`);
  frames.push('    at async Promise.all (index 0)');
  return `TypeError: Cannot read properties of undefined (reading 'id${variant}')\n${frames.join('\n')}`;
}

export function benchExceptions(count = 20_000): number {
  const stacks = Array.from({ length: 100 }, (_, i) => nodeStack(i));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const text = stacks[i % stacks.length];
      const stack = parseStackTrace(text, { language: 'nodejs' });
      fingerprint({ type: 'TypeError', message: `Cannot read properties of undefined (reading 'id${i}')`, stack });
    }
  };
  run(2000); // warm-up
  const before = process.cpuUsage();
  run(count);
  const used = process.cpuUsage(before);
  return count / ((used.user + used.system) / 1e6);
}
