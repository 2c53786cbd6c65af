/**
 * Grouping: the fingerprint that makes occurrences of one bug one issue. Keyed on the
 * exception type and the innermost in-app frames (module or project-relative file, plus a
 * function name with generated parts removed) — never on line/column numbers. When no
 * in-app frame is left the normalized message joins the key.
 */
import { createHash } from 'node:crypto';
import { isInApp } from './in-app';
import { boundedMemo } from './memo';
import { normalizeMessage } from './normalize';
import { normalizeFilePath } from './paths';
import type { Frame, InAppOptions, ParsedStack, Runtime } from './types';

/** Part of every hash input: bump when keys change so old and new groups never collide. */
export const FINGERPRINT_VERSION = 'v1';
/** Hex characters of sha256 kept (128 bits). */
export const FINGERPRINT_HEX_CHARS = 32;
export const DEFAULT_FRAME_COUNT = 5;
/** The attribute that replaces the computed fingerprint. */
export const FINGERPRINT_ATTRIBUTE = 'hermes.fingerprint';
const MAX_TITLE_CHARS = 256;

/**
 * Error constructors and error-reporting helpers, matched against "module.function" (or
 * the function alone). A run of matching frames at the innermost end is not the bug's
 * place, so grouping skips it.
 */
export const DEFAULT_SKIP_FUNCTIONS: readonly RegExp[] = [
  /^new \w*(?:Error|Exception)$/,
  /(?:^|\.)captureStackTrace$/,
  /(?:Exception|Error|Throwable)\.(?:<init>|\.ctor|__init__|initialize)$/,
  /(?:^|[.#:])(?:captureException|captureMessage|captureError|captureEvent|recordException|reportError|reportException|notifyError|logException|logError|pushError|RecordError|recordStackTrace)$/,
  /^(?:errors\.New|fmt\.Errorf|runtime\/debug\.Stack|runtime\.Stack)$/,
];

export interface FingerprintInput {
  type: string;
  message: string;
  stack?: ParsedStack;
  attributes?: Record<string, unknown>;
}

export interface FingerprintResult {
  /** Hex sha256 prefix ({@link FINGERPRINT_HEX_CHARS} chars). */
  fingerprint: string;
  version: string;
  /** Innermost in-app frame, "file in function"; '' without frames. */
  culprit: string;
  /** "Type: normalized message". */
  title: string;
}

/** Removes compiler-generated parts of function/class names (lambdas, closures, state machines). */
export const normalizeFunctionName: (name: string) => string = boundedMemo((name) => computeNormalizedFunctionName(name));

function computeNormalizedFunctionName(name: string): string {
  if (name === '' || name === '?' || name === '<anonymous>' || name === 'anonymous') return '<anon>';
  return (
    name
      // Java hidden lambda classes "$$Lambda$14/0x0000000800c03000", "$$Lambda/0x..."
      .replace(/\$\$Lambda(?:\$\d+)?(?:\/0x[0-9a-f]+)?/g, '$$$$Lambda')
      // Java "lambda$main$0", anonymous classes "Main$1", "access$000"
      .replace(/\$\d+(?=$|[$./])/g, '')
      // .NET "<Main>b__0_0", "<>c__DisplayClass3_0", "<Run>d__5"; Mono "<Main>m__A"
      .replace(/(>[A-Za-z]?__(?:DisplayClass)?)[0-9A-F]+(?:_\d+)*/g, '$1')
      // Go closures "handler.func1.2", "main.gowrap1"
      .replace(/\.(func|gowrap|deferwrap)\d+/g, '.$1')
      .replace(/\.\d+(?=\.|$)/g, '')
      // Ruby "block (2 levels) in foo"
      .replace(/^block \(\d+ levels\) in /, 'block in ')
      // PHP 8.4 "{closure:/p/f.php:12}"
      .replace(/\{closure:[^}]*\}/g, '{closure}')
      // Firefox "outer/<", "outer/inner<", generators "gen*"
      .replace(/(?:\/<)+$|\*$/g, '')
  );
}

function frameKey(frame: Frame): string {
  const place = frame.module !== undefined && frame.module !== '' ? normalizeFunctionName(frame.module) : normalizeFilePath(frame.file);
  return `${place}|${normalizeFunctionName(frame.function)}`;
}

function qualifiedName(frame: Frame): string {
  return frame.module !== undefined && frame.module !== '' ? `${frame.module}.${frame.function}` : frame.function;
}

function isSkipped(frame: Frame, patterns: readonly (string | RegExp)[]): boolean {
  const qualified = qualifiedName(frame);
  for (const p of patterns) {
    if (typeof p === 'string' ? frame.function === p || qualified === p : p.test(qualified) || p.test(frame.function)) return true;
  }
  return false;
}

/** The exception whose frames group the chain: the outermost one that has frames. */
function groupingFrames(stack: ParsedStack | undefined): Frame[] {
  if (stack === undefined) return [];
  for (const exc of stack.chain) if (exc.frames.length > 0) return exc.frames;
  return [];
}

/**
 * A Go stack taken in a deferred recover (debug.Stack in recovery middleware) shows the
 * handler and runtime's panic() above the code that panicked: start below panic().
 */
function afterGoPanic(frames: Frame[]): number {
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if ((f.function === 'panic' && (f.module ?? '') === '') || (f.module === 'runtime' && f.function === 'gopanic')) return i + 1;
  }
  return 0;
}

interface Selection {
  keys: string[];
  culprit: string;
}

/** Walks frames innermost first, skipping helpers and collapsing recursion, up to `count` keys. */
function select(frames: Frame[], count: number): Selection {
  const keys: string[] = [];
  let culprit = '';
  for (const frame of frames) {
    const key = frameKey(frame);
    if (keys[keys.length - 1] === key) continue;
    if (keys.length === 0) culprit = `${normalizeFilePath(frame.file) || frame.module || '?'} in ${frame.function || '<anonymous>'}`;
    keys.push(key);
    if (keys.length >= count) break;
  }
  return { keys, culprit };
}

function titleOf(type: string, message: string): string {
  const msg = normalizeMessage(message);
  const title = type !== '' && msg !== '' ? `${type}: ${msg}` : type || msg || '<unknown error>';
  return title.length > MAX_TITLE_CHARS ? title.slice(0, MAX_TITLE_CHARS) : title;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, FINGERPRINT_HEX_CHARS);
}

/**
 * Computes the group of an exception. Pure and cheap (one sha256); safe on any input.
 * `options` re-classifies frames with the user's include/exclude patterns.
 */
export function fingerprint(exc: FingerprintInput, options?: InAppOptions): FingerprintResult {
  const outer = exc.stack?.chain[0];
  const type = (typeof exc.type === 'string' && exc.type !== '' ? exc.type : outer?.type) ?? '';
  const message = (typeof exc.message === 'string' && exc.message !== '' ? exc.message : outer?.message) ?? '';
  const runtime: Runtime = exc.stack?.runtime ?? 'unknown';
  const reclassify = options !== undefined && ((options.include?.length ?? 0) > 0 || (options.exclude?.length ?? 0) > 0);
  const all = groupingFrames(exc.stack).map((f) => (reclassify ? { ...f, inApp: isInApp(f, runtime, options) } : f));

  const skip = options?.skipFunctions ?? DEFAULT_SKIP_FUNCTIONS;
  let start = runtime === 'go' ? afterGoPanic(all) : 0;
  while (start < all.length && isSkipped(all[start]!, skip)) start++;
  const frames = all.slice(start);
  const inApp = frames.filter((f) => f.inApp);
  const count = Math.max(1, options?.frameCount ?? DEFAULT_FRAME_COUNT);
  const weak = inApp.length === 0;
  const { keys, culprit } = select(weak ? frames : inApp, count);
  const title = titleOf(type, message);

  const override = exc.attributes?.[FINGERPRINT_ATTRIBUTE];
  if ((typeof override === 'string' && override.trim() !== '') || typeof override === 'number') {
    return { fingerprint: hash([FINGERPRINT_VERSION, 'override', String(override).trim()]), version: FINGERPRINT_VERSION, culprit, title };
  }
  // One line per part keeps the hash input unambiguous.
  const parts = [FINGERPRINT_VERSION, type.replace(/[\r\n]+/g, ' '), ...keys];
  if (weak) parts.push(`message:${normalizeMessage(message)}`);
  return { fingerprint: hash(parts), version: FINGERPRINT_VERSION, culprit, title };
}

