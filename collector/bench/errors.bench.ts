/**
 * Benchmark: stack-trace parsing + fingerprinting throughput on one core, 30-frame traces.
 * Run: part of npm run bench (run.ts, benchmark (d)), or alone after
 * `npx tsc -p collector/tsconfig.bench.json`: node collector/.bench-build/bench/errors.bench.js
 * Node traces are real (thrown here, 30 distinct functions deep); the other dialects are
 * 30-frame texts built from the line shapes of the real-runtime corpus, half library frames.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, parseStackTrace } from '../src/analyzers/errors';

const FRAMES = 30;
const POOL = 1000;

/** Real V8 traces: a generated module of 30 distinct functions, each calling the next. */
function realNodeTraces(): string[] {
  Error.stackTraceLimit = FRAMES;
  const dir = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  const file = join(dir, 'orders.js');
  const body = Array.from({ length: FRAMES }, (_, d) =>
    d === FRAMES - 1
      ? `function level${d}(id) { throw new Error('order ' + id + ' failed'); }`
      : `function level${d}(id) { return level${d + 1}(id); }`,
  ).join('\n');
  writeFileSync(file, `${body}\nmodule.exports = level0;\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const level0 = require(file) as (id: number) => void;
  rmSync(dir, { recursive: true });
  const out: string[] = [];
  for (let id = 0; out.length < POOL; id++) {
    try {
      level0(id);
    } catch (e) {
      out.push((e as Error).stack!);
    }
  }
  return out;
}

type Template = (i: number, id: number) => string;
const lib = (i: number): boolean => i % 2 === 1;
const TEMPLATES: Record<string, { language: string; header: (id: number) => string; frame: Template; footer?: string }> = {
  python: {
    language: 'python',
    header: () => 'Traceback (most recent call last):',
    frame: (i, id) => `  File "${lib(i) ? '/usr/lib/python3/dist-packages/flask/app.py' : '/srv/app/shop/orders.py'}", line ${10 + i + (id % 7)}, in handler_${i}\n    do_something(order_id)`,
    footer: 'KeyError: \'order 123 missing\'',
  },
  java: {
    language: 'java',
    header: (id) => `java.lang.IllegalStateException: order ${id} failed`,
    frame: (i, id) => `\tat ${lib(i) ? 'org.springframework.web.Servlet' : 'com.acme.shop.Orders'}.handler${i}(${lib(i) ? 'Servlet' : 'Orders'}.java:${10 + i + (id % 7)})`,
  },
  go: {
    language: 'go',
    header: () => 'goroutine 1 [running]:',
    frame: (i, id) => `${lib(i) ? 'net/http' : 'github.com/acme/shop/orders'}.handler${i}(0xc000012345, {0x9a3e80, 0xc000010018})\n\t${lib(i) ? '/usr/local/go/src/net/http/server.go' : '/build/shop/orders/orders.go'}:${10 + i + (id % 7)} +0x1f5`,
  },
  dotnet: {
    language: 'dotnet',
    header: (id) => `System.InvalidOperationException: order ${id} failed`,
    frame: (i, id) => `   at ${lib(i) ? 'Microsoft.AspNetCore.Mvc.Executor' : 'Shop.Orders.OrderService'}.Handler${i}(String id) in /src/Shop/Orders.cs:line ${10 + i + (id % 7)}`,
  },
  ruby: {
    language: 'ruby',
    header: () => '',
    frame: (i, id) => `${i === 0 ? '' : '\tfrom '}${lib(i) ? '/usr/local/bundle/gems/rack-2.2.3/lib/rack/builder.rb' : '/srv/app/app/models/order.rb'}:${10 + i + (id % 7)}:in \`handler_${i}'${i === 0 ? `: order ${id} failed (RuntimeError)` : ''}`,
  },
  php: {
    language: 'php',
    header: (id) => `RuntimeException: order ${id} failed in /var/www/app/src/Orders.php:12\nStack trace:`,
    frame: (i, id) => `#${i} ${lib(i) ? '/var/www/app/vendor/laravel/framework/src/Router.php' : '/var/www/app/src/Orders.php'}(${10 + i + (id % 7)}): handler${i}('${id}')`,
    footer: `#${FRAMES} {main}`,
  },
  firefox: {
    language: 'webjs',
    header: () => '',
    frame: (i, id) => `handler${i}@https://cdn.example.com/assets/${lib(i) ? 'vendor' : 'index'}-BxK3sd9a.js:1:${100 + i * 37 + id}`,
  },
};

function synthesized(name: string): { language: string; traces: string[] } {
  const t = TEMPLATES[name]!;
  const traces: string[] = [];
  for (let id = 0; id < POOL; id++) {
    const frames = Array.from({ length: FRAMES }, (_, i) => t.frame(name === 'python' ? FRAMES - 1 - i : i, id));
    traces.push([t.header(id), ...frames, ...(t.footer !== undefined ? [t.footer] : [])].filter((l) => l !== '').join('\n'));
  }
  return { language: t.language, traces };
}

function measure(label: string, traces: string[], language: string | undefined): number {
  const run = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const text = traces[i % traces.length]!;
      const stack = parseStackTrace(text, language === undefined ? undefined : { language });
      fingerprint({ type: stack.chain[0]!.type, message: stack.chain[0]!.message, stack });
    }
  };
  run(5000); // warm-up: let V8 optimise before timing
  const n = 50_000;
  const started = process.hrtime.bigint();
  run(n);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = n / seconds;
  const frames = parseStackTrace(traces[0]!, language === undefined ? undefined : { language }).chain[0]!.frames.length;
  console.log(`${label.padEnd(28)} ${String(frames).padStart(3)} frames  ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} exceptions/s  ${(1e6 / perSecond).toFixed(1).padStart(6)} µs each`);
  return perSecond;
}

/** Prints one line per dialect and returns the slowest rate (exceptions/s on one core). */
export function benchErrors(): number {
  console.log(`errors analyzer bench — parse + fingerprint, one core, Node ${process.version}, ${FRAMES}-frame traces`);
  const results: number[] = [];
  const node = realNodeTraces();
  results.push(measure('node (real V8, hinted)', node, 'nodejs'));
  results.push(measure('node (real V8, detected)', node, undefined));
  for (const name of Object.keys(TEMPLATES)) {
    const { language, traces } = synthesized(name);
    results.push(measure(`${name} (hinted)`, traces, language));
  }
  const { traces } = synthesized('java');
  results.push(measure('java (detected)', traces, undefined));
  // Worst case for the per-file caches: every trace from a directory never seen before.
  const dir = /\((\/[^)]*)\/orders\.js:/.exec(node[0]!)![1]!;
  const unique = Array.from({ length: 60_000 }, (_, i) => node[i % POOL]!.split(dir).join(`/srv/build-${i}/app`));
  results.push(measure('node (every path new)', unique, 'nodejs'));
  const slowest = Math.min(...results);
  console.log(`slowest: ${Math.round(slowest).toLocaleString('en-US')} exceptions/s (goal: 20,000 per core)`);
  return slowest;
}

if (require.main === module) benchErrors();
