import { join } from 'node:path';
import { ESM_WARNING, esmHookActive, isEsmEntry } from './esm';
import { REPO_ROOT, runNode, spansIn, useSinkForChildApps } from '../test/support';

const ESM_APP = join(REPO_ROOT, 'sdk', 'testdata', 'esm-app', 'app.js');
const CJS_APP = join(REPO_ROOT, 'sdk', 'testdata', 'cjs-app', 'app.js');

describe('isEsmEntry', () => {
  it('follows the extension, then the nearest package.json "type"', () => {
    expect(isEsmEntry('/srv/app.mjs')).toBe(true);
    expect(isEsmEntry('/srv/app.cjs')).toBe(false);
    expect(isEsmEntry(ESM_APP)).toBe(true); // .js under "type": "module"
    expect(isEsmEntry(CJS_APP)).toBe(false);
    expect(isEsmEntry(undefined)).toBe(false); // REPL / -e
  });
});

describe('esmHookActive', () => {
  it('recognises the hook passed on the command line or in NODE_OPTIONS', () => {
    expect(esmHookActive([], '')).toBe(false);
    expect(esmHookActive(['--import', '@hermes/sdk/register'], '')).toBe(true);
    expect(esmHookActive([], '--experimental-loader=@opentelemetry/instrumentation/hook.mjs')).toBe(true);
  });
});

describe('ESM apps (child processes, built SDK)', () => {
  const sink = useSinkForChildApps();

  const env = () => ({ HERMES_ENDPOINT: sink().url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });

  it('warns loudly, once, when an ESM app starts Hermes without the loader hook, and express goes unseen', async () => {
    const result = await runNode([ESM_APP], { ...env(), SELF_START: '1' });
    expect(result.code).toBe(0);
    expect(result.stderr.split(ESM_WARNING).length - 1).toBe(1);
    expect(result.stderr).toContain('node --import @hermes/sdk/register');
    const spans = spansIn(sink().received);
    expect(spans.length).toBeGreaterThan(0); // telemetry flowed (the http builtin is patched)...
    expect(spans.filter((s) => s.attributes['express.type'])).toEqual([]); // ...but express, imported first, was missed
  });

  it('does not warn with --import @hermes/sdk/register, and express is instrumented', async () => {
    const result = await runNode(['--import', '@hermes/sdk/register', ESM_APP], env());
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(ESM_WARNING);
    const spans = spansIn(sink().received);
    expect(spans.some((s) => s.attributes['express.type'] === 'request_handler')).toBe(true);
    expect(spans.find((s) => s.kind === 2)?.resource['service.name']).toBe('esm-demo-app');
  });

  it('does not warn for a CommonJS app', async () => {
    const result = await runNode([CJS_APP], env());
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain(ESM_WARNING);
  });
});
