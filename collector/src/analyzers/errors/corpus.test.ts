/**
 * The real-runtime corpus (testdata/fixtures, made by testdata/generate.sh): every trace
 * was printed by a real runtime, and the expectations (frames, chain, groups) come from
 * the same runtime's own reflection and from the programs' call structure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SKIP_FUNCTIONS, fingerprint, parseStackTrace } from './index';
import type { Frame, ParsedStack, Runtime } from './index';

interface ExpectedFrame {
  function: string;
  file: string;
  line?: number | null;
  module?: string;
}
interface ExpectedLink {
  type: string;
  message: string;
  relation?: string;
  frames: ExpectedFrame[];
}
interface Case {
  group: string;
  type: string;
  message: string;
  chain: ExpectedLink[];
  trace: string;
}
interface CasesFixture {
  runtime: Runtime;
  version: string;
  cases: Case[];
}
interface CrashFixture {
  runtime: Runtime;
  expect: { group: string; type: string; function: string };
  trace: string;
}

const FIXTURES = join(__dirname, 'testdata', 'fixtures');
/** telemetry.sdk.language each runtime's OTel SDK reports. */
const LANGUAGE: Record<string, string> = {
  node: 'nodejs', chrome: 'webjs', python: 'python', java: 'java', go: 'go', ruby: 'ruby', php: 'php', dotnet: 'dotnet',
};

const caseFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json') && !f.endsWith('-crash.json'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as CasesFixture);
const crashFixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('-crash.json'))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as CrashFixture);

function qualified(frame: Frame): string {
  return frame.module !== undefined && frame.module !== '' ? `${frame.module}.${frame.function}` : frame.function;
}

/** A frame of the program's own sources (the files under testdata/programs, or its classes). */
function isProgramFrame(e: ExpectedFrame): boolean {
  if (e.file.includes('/testdata/programs/') || e.file.startsWith('http://127.0.0.1:')) return true;
  return e.module !== undefined && /^(?:Main|Program)(?:$|[$+.])/.test(e.module);
}

function typeMatches(parsed: string, expected: string): boolean {
  return parsed === expected || parsed.endsWith(`.${expected}`);
}

function fingerprintOf(c: Case, stack: ParsedStack): string {
  return fingerprint({ type: c.type, message: c.message, stack }).fingerprint;
}

function shiftLines(trace: string): string {
  return trace.replace(/(\.\w+:|line |\.\w+\()(\d+)/g, (_m, p: string, n: string) => `${p}${Number(n) + 7}`);
}

function moveHost(trace: string): string {
  return trace
    .replace(/\/work\/main\//g, '/srv/deploy/releases/2026-12-01T10-00/')
    .replace(/http:\/\/127\.0\.0\.1:\d+\//g, 'https://cdn.example.com/v2/');
}

it('has a corpus from at least the node, python and java runtimes', () => {
  const runtimes = caseFixtures.map((f) => f.runtime);
  expect(runtimes).toEqual(expect.arrayContaining(['node', 'python', 'java']));
});

describe.each(caseFixtures.map((f) => [f.runtime, f] as const))('corpus %s', (runtime, fixture) => {
  const language = LANGUAGE[runtime];
  const parsed = fixture.cases.map((c) => parseStackTrace(c.trace, { language }));

  it('detects the runtime from the text alone', () => {
    for (const c of fixture.cases) expect(parseStackTrace(c.trace).runtime).toBe(runtime);
  });

  it('reads the chain the runtime reports: types, messages, relations', () => {
    fixture.cases.forEach((c, i) => {
      const chain = parsed[i]!.chain;
      expect(chain).toHaveLength(c.chain.length);
      c.chain.forEach((link, j) => {
        // Go stacks carry no exception header: type and message live in other attributes.
        if (runtime === 'go') return;
        expect(typeMatches(chain[j]!.type, link.type)).toBe(true);
        expect(chain[j]!.message).toBe(link.message.trim());
        if (link.relation !== undefined) expect(chain[j]!.relation).toBe(link.relation);
      });
    });
  });

  it('reads every frame the runtime reports: file, line, function, in-app', () => {
    let compared = 0;
    fixture.cases.forEach((c, i) => {
      c.chain.forEach((link, j) => {
        const got = parsed[i]!.chain[j]!.frames;
        // Go's traceback hides runtime helpers that runtime.Callers lists (goPanicIndex...).
        const want = runtime === 'go' ? link.frames.filter((f) => !f.function.startsWith('runtime.') || f.function === 'runtime.gopanic') : link.frames;
        if (want.length === 0) return;
        // Align on the first frame the runtime reported (Go's text adds runtime/debug.Stack
        // above it; V8's JSON.parse frame has no file in the CallSite API).
        const start = got.findIndex((f) => f.file === want[0]!.file && f.line === (want[0]!.line ?? undefined));
        expect(start).toBeGreaterThanOrEqual(0);
        expect(start).toBeLessThanOrEqual(1);
        // A stack cut by the Go SDK's 2048-byte buffer ends in a partial frame.
        const truncated = runtime === 'go' && c.trace.length === 2048;
        const n = Math.min(want.length, got.length - start) - (truncated ? 1 : 0);
        expect(n).toBeGreaterThan(0);
        for (let k = 0; k < n; k++) {
          const g = got[start + k]!;
          const w = want[k]!;
          // V8's CallSite API has no file name for native frames, which print "(<anonymous>)".
          const file = w.file === '' && g.file === '<anonymous>' ? '' : g.file;
          expect({ k, file, line: g.line }).toEqual({ k, file: w.file, line: w.line ?? undefined });
          if (w.function !== '' && !(runtime === 'go' && w.function.startsWith('runtime.'))) {
            expect(qualified(g)).toContain(w.function);
          }
          expect({ k, file: w.file, fn: w.function, inApp: g.inApp }).toEqual({ k, file: w.file, fn: w.function, inApp: isProgramFrame(w) });
          compared++;
        }
      });
    });
    expect(compared).toBeGreaterThan(fixture.cases.length * 3);
  });

  it('groups by call site: same site with other ids is one group, another site another group', () => {
    const byGroup = new Map<string, Set<string>>();
    fixture.cases.forEach((c, i) => {
      const fp = fingerprintOf(c, parsed[i]!);
      if (!byGroup.has(c.group)) byGroup.set(c.group, new Set());
      byGroup.get(c.group)!.add(fp);
    });
    expect(byGroup.size).toBeGreaterThanOrEqual(5);
    const all = new Set<string>();
    for (const [group, fps] of byGroup) {
      expect({ group, fingerprints: fps.size }).toEqual({ group, fingerprints: 1 });
      all.add([...fps][0]!);
    }
    expect(all.size).toBe(byGroup.size);
  });

  it('keeps fingerprints when line numbers shift and the code runs from another path or host', () => {
    fixture.cases.forEach((c, i) => {
      const moved = parseStackTrace(moveHost(shiftLines(c.trace)), { language });
      expect(moved.chain[0]!.frames.map((f) => f.line)).not.toEqual(parsed[i]!.chain[0]!.frames.map((f) => f.line));
      expect(fingerprintOf(c, moved)).toBe(fingerprintOf(c, parsed[i]!));
    });
  });

  it('names as culprit the innermost program frame the runtime reports', () => {
    // The JS scenario throws through its own helper fail(): configured as a reporting helper.
    const options = { skipFunctions: [...DEFAULT_SKIP_FUNCTIONS, 'fail'] };
    fixture.cases.forEach((c, i) => {
      const reported = c.chain.find((l) => l.frames.length > 0)!.frames;
      // A recovered Go panic lists the recovering handler and runtime.gopanic first.
      const panicAt = reported.findIndex((f) => f.function === 'runtime.gopanic');
      const own = reported.slice(panicAt + 1).find((f) => isProgramFrame(f) && f.function !== 'fail')!;
      const { culprit } = fingerprint({ type: c.type, message: c.message, stack: parsed[i]! }, options);
      const culpritFunction = culprit.slice(culprit.indexOf(' in ') + 4);
      expect(own.function.endsWith(culpritFunction) || culpritFunction.endsWith(own.function)).toBe(true);
      expect(culprit).not.toMatch(/^\//); // never an absolute path
    });
  });
});

describe.each(crashFixtures.map((f) => [f.runtime, f] as const))('uncaught crash output %s', (runtime, fixture) => {
  it('is detected, typed and has the throwing function among its in-app frames', () => {
    const stack = parseStackTrace(fixture.trace);
    expect(stack.runtime).toBe(runtime);
    expect(typeMatches(stack.chain[0]!.type, fixture.expect.type)).toBe(true);
    const inApp = stack.chain[0]!.frames.filter((f) => f.inApp).map(qualified);
    expect(inApp.some((name) => name.includes(fixture.expect.function))).toBe(true);
  });
});
