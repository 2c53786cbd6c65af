import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_SKIP_FUNCTIONS,
  FINGERPRINT_HEX_CHARS,
  FINGERPRINT_VERSION,
  fingerprint,
  normalizeFilePath,
  normalizeFunctionName,
  parseStackTrace,
} from './index';
import type { Frame, ParsedStack } from './index';

function nodeStack(frames: string[], header = 'Error: boom'): ParsedStack {
  return parseStackTrace([header, ...frames.map((f) => `    at ${f}`)].join('\n'), { language: 'nodejs' });
}

const fp = (stack: ParsedStack, type = 'Error', message = 'boom'): string => fingerprint({ type, message, stack }).fingerprint;

describe('fingerprint', () => {
  describe('.fingerprint', () => {
    it('is a versioned truncated sha256', () => {
      const result = fingerprint({ type: 'Error', message: 'x' });
      expect(result.version).toBe(FINGERPRINT_VERSION);
      expect(result.fingerprint).toMatch(new RegExp(`^[0-9a-f]{${FINGERPRINT_HEX_CHARS}}$`));
    });

    it('separates the same error thrown from two call sites', () => {
      const a = nodeStack(['lookup (/app/src/users.js:3:9)', 'profile (/app/src/routes.js:10:3)']);
      const b = nodeStack(['lookup (/app/src/users.js:3:9)', 'checkout (/app/src/routes.js:20:3)']);
      expect(fp(a)).not.toBe(fp(b));
    });

    it('ignores message ids when the stack is strong', () => {
      const s = nodeStack(['lookup (/app/src/users.js:3:9)']);
      expect(fp(s, 'NotFound', 'user 1 not found')).toBe(fp(s, 'NotFound', 'user 2 not found'));
      expect(fp(s, 'NotFound', 'user 1 not found')).not.toBe(fp(s, 'Forbidden', 'user 1 not found'));
    });

    it('uses the normalized message when no frame is in-app', () => {
      const weak = nodeStack(['Socket.emit (node:events:519:28)', 'x (/app/node_modules/pg/lib/client.js:1:1)']);
      expect(fp(weak, 'Error', 'timeout after 3000ms to 10.0.0.1:5432')).toBe(fp(weak, 'Error', 'timeout after 500ms to 10.0.0.7:5432'));
      expect(fp(weak, 'Error', 'timeout after 3000ms')).not.toBe(fp(weak, 'Error', 'connection refused'));
      expect(fingerprint({ type: 'E', message: 'id 1' }).fingerprint).toBe(fingerprint({ type: 'E', message: 'id 99' }).fingerprint);
    });

    it('ignores lines, columns, path prefixes, hosts and build hashes', () => {
      const a = nodeStack(['T (https://cdn-a.example.com/assets/index-BxK3sd9a.js:1:2144)', 'main (https://cdn-a.example.com/assets/app.3f9a1c0d.js:3:10)']);
      const b = nodeStack(['T (https://cdn-b.example.net/v2/assets/index-Q9zz81Lm.js:1:999)', 'main (https://cdn-b.example.net/v2/assets/app.77e0b2aa.js:9:1)']);
      expect(fp(a)).toBe(fp(b));
    });

    it('collapses recursion, so recursion depth does not split a group', () => {
      const shallow = nodeStack(['walk (/app/src/tree.js:5:9)', 'walk (/app/src/tree.js:6:3)', 'main (/app/src/index.js:1:1)']);
      const deep = nodeStack([...Array(12).fill('walk (/app/src/tree.js:6:3)'), 'main (/app/src/index.js:1:1)']);
      expect(fp(shallow)).toBe(fp(deep));
    });

    it('skips error constructors and reporting helpers at the innermost end', () => {
      const direct = nodeStack(['place (/app/src/orders.js:9:3)', 'main (/app/src/index.js:1:1)']);
      const viaHelpers = nodeStack([
        'new ValidationError (/app/src/errors.js:3:5)',
        'captureException (/app/src/telemetry.js:10:5)',
        'place (/app/src/orders.js:12:3)',
        'main (/app/src/index.js:1:1)',
      ]);
      expect(fp(viaHelpers)).toBe(fp(direct));
      expect(fingerprint({ type: 'Error', message: 'boom', stack: viaHelpers }).culprit).toBe('orders.js in place');
    });

    it('takes a configurable helper list', () => {
      const a = nodeStack(['fail (/app/src/assert.js:3:5)', 'place (/app/src/orders.js:12:3)']);
      const b = nodeStack(['place (/app/src/orders.js:12:3)']);
      expect(fp(a)).not.toBe(fp(b));
      const options = { skipFunctions: [...DEFAULT_SKIP_FUNCTIONS, 'fail'] };
      expect(fingerprint({ type: 'Error', message: '', stack: a }, options).fingerprint).toBe(fingerprint({ type: 'Error', message: '', stack: b }, options).fingerprint);
    });

    it('keys on the innermost frameCount in-app frames only', () => {
      const a = nodeStack(['a (/app/src/x.js:1:1)', 'b (/app/src/x.js:2:1)', 'c (/app/src/x.js:3:1)']);
      const b = nodeStack(['a (/app/src/x.js:1:1)', 'b (/app/src/x.js:2:1)', 'other (/app/src/y.js:3:1)']);
      expect(fp(a)).not.toBe(fp(b));
      const two = { frameCount: 2 };
      expect(fingerprint({ type: 'E', message: '', stack: a }, two).fingerprint).toBe(fingerprint({ type: 'E', message: '', stack: b }, two).fingerprint);
    });

    it('applies user include/exclude patterns to in-app', () => {
      const s = nodeStack(['retry (/app/node_modules/@acme/db/retry.js:1:1)', 'save (/app/src/repo.js:2:1)']);
      expect(fingerprint({ type: 'E', message: '', stack: s }).culprit).toBe('repo.js in save');
      expect(fingerprint({ type: 'E', message: '', stack: s }, { include: ['node_modules/@acme/'] }).culprit).toBe('@acme/db/retry.js in retry');
      expect(fingerprint({ type: 'E', message: '', stack: s }, { exclude: [/repo\.js$/] }).culprit).toBe('@acme/db/retry.js in retry');
    });

    it('lets hermes.fingerprint override the computed value', () => {
      const a = nodeStack(['a (/app/src/x.js:1:1)']);
      const b = nodeStack(['b (/app/src/y.js:1:1)']);
      const ra = fingerprint({ type: 'E', message: 'one', stack: a, attributes: { 'hermes.fingerprint': 'payments-timeout' } });
      const rb = fingerprint({ type: 'F', message: 'two', stack: b, attributes: { 'hermes.fingerprint': 'payments-timeout' } });
      expect(ra.fingerprint).toBe(rb.fingerprint);
      expect(ra.fingerprint).not.toBe(fingerprint({ type: 'E', message: 'one', stack: a }).fingerprint);
      expect(ra.title).toBe('E: one');
    });

    it('groups a Java lambda, a Go closure and a .NET closure independent of their generated numbers', () => {
      const j1 = parseStackTrace('java.lang.IllegalStateException: x\n\tat com.acme.App.lambda$main$0(App.java:10)\n\tat com.acme.App$$Lambda$14/0x0000000800c03000.run(Unknown Source)');
      const j2 = parseStackTrace('java.lang.IllegalStateException: x\n\tat com.acme.App.lambda$main$3(App.java:12)\n\tat com.acme.App$$Lambda$27/0x0000000800d1a000.run(Unknown Source)');
      expect(fp(j1, 'java.lang.IllegalStateException')).toBe(fp(j2, 'java.lang.IllegalStateException'));
      expect(normalizeFunctionName('main.handler.func1.2')).toBe(normalizeFunctionName('main.handler.func3'));
      expect(normalizeFunctionName('<Main>b__0_0')).toBe(normalizeFunctionName('<Main>b__4_1'));
      expect(normalizeFunctionName('block (2 levels) in foo')).toBe('block in foo');
      expect(normalizeFunctionName('{closure:/app/src/a.php:12}')).toBe('{closure}');
    });
  });

  describe('.title and .culprit', () => {
    it('titles with the type and the normalized message, culprit the innermost in-app frame', () => {
      const s = nodeStack(['x (/app/node_modules/lib/i.js:1:1)', 'lookup (/home/ci/build-77/src/users/repo.js:3:9)'], 'NotFound: user 42 not found');
      const r = fingerprint({ type: '', message: '', stack: s });
      expect(r.title).toBe('NotFound: user <num> not found');
      expect(r.culprit).toBe('users/repo.js in lookup');
    });
  });
});

describe('normalizeFilePath', () => {
  it.each([
    ['/srv/app/node_modules/pg-pool/index.js', 'pg-pool/index.js'],
    ['/usr/lib/python3/dist-packages/requests/api.py', 'requests/api.py'],
    ['/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py', 'json/decoder.py'],
    ['/usr/local/bundle/gems/rack-2.2.3/lib/rack/builder.rb', 'rack/lib/rack/builder.rb'],
    ['/root/go/pkg/mod/github.com/lib/pq@v1.10.9/conn.go', 'github.com/lib/pq/conn.go'],
    ['/usr/lib/go-1.19/src/net/http/server.go', 'net/http/server.go'],
    ['/var/www/app/vendor/laravel/framework/src/Arr.php', 'laravel/framework/src/Arr.php'],
    ['/home/deploy/releases/20261130/src/orders/place.ts', 'orders/place.ts'],
    ['/opt/app-v123/handlers/user.py', 'handlers/user.py'],
    ['C:\\build\\agent\\src\\Shop\\Order.cs', 'Shop/Order.cs'],
    ['https://cdn.example.com/static/js/main.3f9a1c.js?v=2#x', 'js/main.js'],
    ['https://cdn.example.com/static/js/2.a1b2c3d4.chunk.js', 'js/chunk.js'],
    ['webpack:///./src/components/Cart.tsx', 'components/Cart.tsx'],
    ['https://example.com/_next/static/a1b2c3d4e5f6/pages/index-BxK3sd9a.js', 'pages/index.js'],
    ['Main.java', 'Main.java'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFilePath(input)).toBe(expected);
  });
});

describe('Faro captures (real Chromium frames, already structured by the Faro SDK)', () => {
  interface FaroFrame { filename: string; function?: string; lineno?: number; colno?: number }
  interface FaroException { type: string; value: string; stacktrace?: { frames: FaroFrame[] } }
  const capture = JSON.parse(readFileSync(join(__dirname, 'testdata', 'faro', 'real-sdk-02-logs-exceptions-measurements-events.json'), 'utf8')) as { exceptions: FaroException[] };
  const toStack = (e: FaroException, host: string): ParsedStack => ({
    runtime: 'chrome',
    raw: '',
    chain: [{
      type: e.type,
      message: e.value,
      frames: (e.stacktrace?.frames ?? []).map((f): Frame => ({
        function: f.function ?? '', file: f.filename.replace('http://127.0.0.1:8090', host), line: f.lineno, column: f.colno, inApp: true,
      })),
    }],
  });

  it('fingerprints SDK frames without re-parsing, stable across origins', () => {
    const withFrames = capture.exceptions.filter((e) => (e.stacktrace?.frames.length ?? 0) > 1);
    expect(withFrames.length).toBeGreaterThan(0);
    for (const e of withFrames) {
      const here = fingerprint({ type: e.type, message: e.value, stack: toStack(e, 'http://127.0.0.1:8090') });
      const there = fingerprint({ type: e.type, message: e.value, stack: toStack(e, 'https://shop.example.com') });
      expect(there.fingerprint).toBe(here.fingerprint);
      expect(here.culprit).toBe(`dist/thrower.min.js in ${e.stacktrace!.frames[0]!.function}`);
    }
  });
});

