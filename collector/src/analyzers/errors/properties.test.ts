/** Property tests: whatever arrives as exception.stacktrace/message, nothing throws. */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, normalizeFilePath, normalizeMessage, parseStackTrace } from './index';
import type { ParsedStack } from './index';

const LANGUAGES = [undefined, 'nodejs', 'webjs', 'python', 'java', 'go', 'dotnet', 'ruby', 'php', 'cpp', ''];
const FIXTURES = join(__dirname, 'testdata', 'fixtures');
const realTraces: string[] = readdirSync(FIXTURES).flatMap((f) => {
  const j = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as { cases?: { trace: string }[]; trace?: string };
  return j.cases !== undefined ? j.cases.map((c) => c.trace) : [j.trace!];
});

function wellFormed(stack: ParsedStack): void {
  expect(stack.chain.length).toBeGreaterThan(0);
  for (const exc of stack.chain) {
    expect(typeof exc.type).toBe('string');
    for (const f of exc.frames) {
      expect(typeof f.function).toBe('string');
      expect(typeof f.file).toBe('string');
      expect(typeof f.inApp).toBe('boolean');
      if (f.line !== undefined) expect(Number.isSafeInteger(f.line)).toBe(true);
    }
  }
}

// Lines that look like frames of every dialect, to reach deep into each parser.
const frameish = fc.constantFrom(
  '    at ', 'at ', '\tat ', '  File "', '", line ', ', in ', 'goroutine 1 [running]:', '\t/x.go:', ' +0x1f',
  '@', ':', '(', ')', '[', ']', '#0 ', '{main}', 'Stack trace:', ' in ', ':line ', 'from ', ".rb:3:in `", "'",
  'Caused by: ', '\t... 3 more', 'Suppressed: ', ' ---> ', '--- End of inner exception stack trace ---',
  'Traceback (most recent call last):', 'The above exception was the direct cause of the following exception:',
  '[Previous line repeated 999999999 more times]', 'panic: ', 'node:internal/x', 'node_modules/', '\n', ' ',
);
const trace = fc.array(fc.oneof(frameish, fc.string(), fc.nat().map(String)), { maxLength: 60 }).map((parts) => parts.join(''));

describe('parseStackTrace', () => {
  it('never throws on arbitrary text and returns a well-formed stack', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), trace), fc.constantFrom(...LANGUAGES), (text, language) => {
        const stack = parseStackTrace(text, { language });
        wellFormed(stack);
        expect(stack.raw).toBe(text);
        const r = fingerprint({ type: stack.chain[0]!.type, message: stack.chain[0]!.message, stack });
        expect(r.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on real traces cut or spliced anywhere', () => {
    fc.assert(
      fc.property(fc.constantFrom(...realTraces), fc.nat(), fc.nat(), fc.string(), fc.constantFrom(...LANGUAGES), (text, a, b, junk, language) => {
        const i = a % (text.length + 1);
        const j = b % (text.length + 1);
        const mangled = text.slice(0, Math.min(i, j)) + junk + text.slice(Math.max(i, j));
        wellFormed(parseStackTrace(mangled, { language }));
      }),
      { numRuns: 1000 },
    );
  });

  it('stays linear on hostile input (no regex backtracking blow-up) in every parser', () => {
    const n = 50_000;
    const hostile = [
      '\n'.repeat(4 * n) + 'x',
      `Error: ${'a'.repeat(6 * n)}`,
      '    at '.repeat(n),
      `${'('.repeat(2 * n)}${')'.repeat(2 * n)}`,
      `at ${'('.repeat(n)}`,
      `\tat a${' ('.repeat(n)})`,
      `x${' in a:'.repeat(n)}y`,
      `   at ${'a('.repeat(n)}`,
      `   at a() in ${'x:'.repeat(n)}`,
      'a:1'.repeat(n),
      `goroutine 1 [running]:\nmain.f()\n\t${'a:'.repeat(n)}`,
      `  File "${'", line 1'.repeat(n)}`,
      `    at ${'a ('.repeat(n)}${')'.repeat(n)}`,
      `a@${':1'.repeat(n)}x`,
      `${'A:'.repeat(n)} x`,
    ];
    for (const text of hostile) {
      for (const language of LANGUAGES) {
        const started = performance.now();
        parseStackTrace(text, { language });
        // Generous for a loaded CI box; a quadratic case takes seconds here.
        expect({ text: text.slice(0, 20), language, slow: performance.now() - started > 400 }).toEqual({ text: text.slice(0, 20), language, slow: false });
      }
    }
  });
});

describe('normalizeMessage / normalizeFilePath', () => {
  it('never throw and are idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const m = normalizeMessage(s);
        expect(normalizeMessage(m)).toBe(m);
        expect(typeof normalizeFilePath(s)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fingerprint', () => {
  it('never throws on odd inputs', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.dictionary(fc.string(), fc.anything()), (type, message, attributes) => {
        const r = fingerprint({ type: type as string, message: message as string, attributes });
        expect(r.version).toBe('v1');
      }),
      { numRuns: 500 },
    );
  });
});
