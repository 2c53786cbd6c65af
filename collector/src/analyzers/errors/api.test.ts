import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../api';
import { silentLogger } from '../../pipeline/logger';
import { SelfMetrics } from '../../pipeline/self-metrics';
import { createErrorsRouter, type ErrorsRouterOptions } from './api';
import { TAKEN } from '../../pipeline/component';
import { InfluxQueryClient } from '../../storage/influxdb';
import { IssueService } from './issues';
import { SourceMapStore } from './sourcemaps';
import { THROWER_SOURCE_MAP } from './testdata/faro-stack';

let dir: string;
const servers: Server[] = [];

/** The router on a real socket, with InfluxDB pointed at a closed port (these routes must not need it, or must say 503). */
async function serve(options: Partial<ErrorsRouterOptions>): Promise<string> {
  const client = new InfluxQueryClient({ url: 'http://127.0.0.1:9', database: 'none', retentionPolicy: 'hermes', requestTimeoutMs: 2_000 });
  const router = createErrorsRouter({
    issues: new IssueService({ client, writer: { consume: async () => TAKEN } }),
    maxSourceMapBytes: 1024,
    logger: silentLogger,
    ...options,
  });
  const server = createServer(createApiApp({ metrics: new SelfMetrics(), logger: silentLogger, routes: [{ router, endpoints: [] }] }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-errors-api-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

describe('createErrorsRouter', () => {
  describe('POST /api/sourcemaps', () => {
    it('stores a map (201) and refuses one over the size limit (413)', async () => {
      const base = await serve({ sourceMaps: new SourceMapStore({ dir, maxCachedMaps: 1, listingTtlMs: 0, maxMapBytes: 1024 }) });
      const ok = await fetch(`${base}/api/sourcemaps?app=web&release=1&file=dist/a.min.js`, { method: 'POST', body: THROWER_SOURCE_MAP });
      expect(ok.status).toBe(201);
      expect(await ok.json()).toEqual({ app: 'web', release: '1', file: 'dist/a.min.js', bytes: Buffer.byteLength(THROWER_SOURCE_MAP) });
      const big = await fetch(`${base}/api/sourcemaps?app=web&release=1&file=b.js`, { method: 'POST', body: 'x'.repeat(2048) });
      expect(big.status).toBe(413);
      expect(await big.json()).toMatchObject({ code: 'HERMES_ERR_BODY_TOO_LARGE' });
    });

    it('answers 400 without app, release or file, and 404 when source maps are disabled', async () => {
      const base = await serve({ sourceMaps: new SourceMapStore({ dir, maxCachedMaps: 1, listingTtlMs: 0, maxMapBytes: 1024 }) });
      const missing = await fetch(`${base}/api/sourcemaps?app=web&file=a.js`, { method: 'POST', body: THROWER_SOURCE_MAP });
      expect([missing.status, ((await missing.json()) as { message: string }).message]).toEqual([400, expect.stringContaining('release')]);
      const disabled = await serve({});
      expect((await fetch(`${disabled}/api/sourcemaps?app=web&release=1&file=a.js`, { method: 'POST', body: THROWER_SOURCE_MAP })).status).toBe(404);
    });
  });

  describe('GET /api/errors', () => {
    it('answers 503 with Retry-After when InfluxDB cannot be reached', async () => {
      const base = await serve({});
      const res = await fetch(`${base}/api/errors`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    });

    it('refuses a repeated parameter', async () => {
      const base = await serve({});
      const res = await fetch(`${base}/api/errors?status=resolved&status=regressed`);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'HERMES_ERR_BAD_REQUEST']);
    });
  });
});
