import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStackTrace } from './parse';
import { FARO_MINIFIED_STACK as MINIFIED_STACK, THROWER_SOURCE_MAP as MAP } from './testdata/faro-stack';
import { SourceMapStore, candidateKeys, sourceFileKey, type ResolvedFrame } from './sourcemaps';

let dir: string;
let store: SourceMapStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-sourcemaps-'));
  store = new SourceMapStore({ dir, maxCachedMaps: 4, listingTtlMs: 60_000, maxMapBytes: 1 << 20 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sourceFileKey', () => {
  it('drops scheme, host, query and leading slashes', () => {
    expect(sourceFileKey('http://127.0.0.1:8090/dist/thrower.min.js?v=3#x')).toBe('dist/thrower.min.js');
    expect(sourceFileKey('/dist/a.js')).toBe('dist/a.js');
    expect(candidateKeys('https://cdn/a/b/c.js')).toEqual(['a/b/c.js', 'b/c.js', 'c.js']);
  });
});

describe('SourceMapStore', () => {
  describe('.resolveStack', () => {
    it('resolves the Faro capture\'s minified frames to the original file, line, column and function', async () => {
      await store.save('hermes-faro-capture', '1.0.0', 'thrower.min.js', MAP);
      const stack = parseStackTrace(MINIFIED_STACK, { language: 'webjs' });
      expect(stack.chain[0]!.frames[0]).toMatchObject({ function: 'T', file: 'http://127.0.0.1:8090/dist/thrower.min.js', line: 1, column: 541 });
      const resolved = await store.resolveStack('hermes-faro-capture', '1.0.0', stack);
      const [inner, outer, app] = resolved.chain[0]!.frames as ResolvedFrame[];
      // The map (no sourcesContent): 1:541 → line 10 col 8 (0-based); 1:489 → line 6 with name throwDeeper.
      expect(inner).toMatchObject({ function: 'throwDeeper', file: '../src/thrower.js', line: 10, column: 9, inApp: true });
      expect(inner!.minified).toEqual({ function: 'T', file: 'http://127.0.0.1:8090/dist/thrower.min.js', line: 1, column: 541 });
      // Its caller is in app.js (no map): the mangled name is not kept, it would change per build.
      expect(outer).toMatchObject({ function: '', file: '../src/thrower.js', line: 6, column: 3 });
      expect(app).toEqual(stack.chain[0]!.frames[2]);
    });

    it('matches a map uploaded under the full URL, and not another release or app', async () => {
      await store.save('web', '2.0.0', 'http://127.0.0.1:8090/dist/thrower.min.js', MAP);
      const stack = parseStackTrace(MINIFIED_STACK, { language: 'webjs' });
      expect((await store.resolveStack('web', '2.0.0', stack)).chain[0]!.frames[0]!.line).toBe(10);
      expect(await store.resolveStack('web', '2.0.1', stack)).toBe(stack);
      expect(await store.resolveStack('other', '2.0.0', stack)).toBe(stack);
    });

    it('leaves non-JavaScript runtimes alone', async () => {
      await store.save('web', '1', 'a.py', MAP);
      const stack = parseStackTrace('Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nValueError: x', {});
      expect(await store.resolveStack('web', '1', stack)).toBe(stack);
    });
  });

  describe('.save', () => {
    it('keeps every name inside its folder, whatever the input', async () => {
      await store.save('../../etc', '../..', '../../../passwd', MAP);
      const apps = readdirSync(dir);
      expect(apps).toEqual(['..%2F..%2Fetc']);
      expect(readdirSync(join(dir, apps[0]!))).toEqual(['..%2F..']);
      await expect(store.save('..', '1', 'a.js', MAP)).rejects.toMatchObject({ code: 'HERMES_ERR_BAD_REQUEST' });
      await expect(store.save('a', '.', 'a.js', MAP)).rejects.toMatchObject({ code: 'HERMES_ERR_BAD_REQUEST' });
    });

    it('refuses bodies that are not source maps', async () => {
      await expect(store.save('a', '1', 'a.js', '{')).rejects.toMatchObject({ code: 'HERMES_ERR_BAD_REQUEST' });
      await expect(store.save('a', '1', 'a.js', '{"version":2}')).rejects.toMatchObject({ code: 'HERMES_ERR_BAD_REQUEST' });
    });
  });
});
