/**
 * ES module support. OpenTelemetry patches CommonJS modules by hooking `require`; ES modules can
 * only be patched through a loader hook (import-in-the-middle, shipped as
 * `@opentelemetry/instrumentation/hook.mjs`) registered with `module.register` BEFORE the app's
 * modules are imported. `@hermes/sdk/register` does that; this module also detects an ESM app that
 * started without it, where auto-instrumentation would silently capture nothing.
 */
import { createRequire, register } from 'node:module';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findAppPackage } from './resource';

const HOOK_FLAG = Symbol.for('hermes.sdk.esmHookRegistered');

type FlaggedGlobal = typeof globalThis & { [HOOK_FLAG]?: boolean };

/**
 * Registers the OpenTelemetry ESM loader hook (once per process). The hook is resolved from
 * `@opentelemetry/sdk-node`'s own dependencies so it pairs with the instrumentation package the
 * SDK actually uses, wherever npm placed it.
 */
export function registerEsmHook(): void {
  const flagged = globalThis as FlaggedGlobal;
  if (flagged[HOOK_FLAG]) return;
  const fromSdkNode = createRequire(require.resolve('@opentelemetry/sdk-node'));
  const hook = fromSdkNode.resolve('@opentelemetry/instrumentation/hook.mjs');
  register(pathToFileURL(hook).href);
  flagged[HOOK_FLAG] = true;
}

/** True when a loader hook that lets OpenTelemetry patch ES modules is in place. */
export function esmHookActive(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if ((globalThis as FlaggedGlobal)[HOOK_FLAG]) return true;
  // Hooks registered by other means: --loader/--experimental-loader/--import of the OTel hook or our register.
  const flags = [...execArgv, ...nodeOptions.split(/\s+/)].join(' ');
  return /import-in-the-middle|@opentelemetry\/instrumentation\/hook\.mjs|@hermes\/sdk\/register/.test(flags);
}

/**
 * Whether the process's entry point is an ES module: `.mjs`/`.mts`, or `.js`/extensionless under
 * a package.json with `"type": "module"`. Decided from `process.argv[1]` rather than
 * `require.main`, which is also undefined while `--import` preloads run for a CommonJS app.
 */
export function isEsmEntry(entry: string | undefined = process.argv[1]): boolean {
  if (!entry) return false;
  const ext = extname(entry);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  return findAppPackage(dirname(entry))?.type === 'module';
}

export const ESM_WARNING =
  '[hermes] This app is an ES module but the OpenTelemetry ESM loader hook is not registered, so ' +
  'auto-instrumentation (http, express, pg, ...) will capture NOTHING for imported modules. ' +
  'Start it with: node --import @hermes/sdk/register app.mjs (and drop the startHermes() call), ' +
  'or register the hook yourself before importing the app.';

/** Prints `ESM_WARNING` once if the app is ESM and no hook is in place; returns whether it warned. */
export function warnIfEsmWithoutHook(warn: (message: string) => void = console.warn): boolean {
  if (!isEsmEntry() || esmHookActive()) return false;
  warn(ESM_WARNING);
  return true;
}
