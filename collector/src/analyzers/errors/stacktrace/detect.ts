/**
 * Picks the stack-trace dialect: from `telemetry.sdk.language` when given, otherwise from
 * tell-tale lines in the text. Detection only looks at shapes, never at file names, so an
 * unfamiliar app still lands in the right parser.
 */
import type { Runtime } from '../types';

/** `telemetry.sdk.language` values (OTel semantic conventions) → runtime; webjs is refined. */
const BY_LANGUAGE: Record<string, Runtime> = {
  nodejs: 'node',
  webjs: 'chrome',
  python: 'python',
  java: 'java',
  go: 'go',
  dotnet: 'dotnet',
  ruby: 'ruby',
  php: 'php',
};

// Each pattern is tested against one line (already stripped of leading blanks), so cost
// stays linear in the text and the first decisive line settles the dialect.
const PYTHON_LINE = /^(?:Traceback \(most recent call last\):|File ".*", line \d+)/;
const GO_LINE = /^goroutine \d+ \[.*\]:\s*$/;
const DOTNET_LINE = /^at [^\s(]+ ?\([^()]*\)(?: \[0x[0-9a-f]+\])? in .+:(?:line )?\d+\s*$|^--- End of (?:inner exception )?stack trace/;
const DOTNET_NO_FILE_LINE = /^at [^\s()]+ ?\(([^()]*)\)\s*$/;
const DOTNET_PARAMETER = /^[\w.`<>[\],&*]+ \w+$/;
const JAVA_LINE = /^at [\w$./@-]+\((?:[^()]*\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)\s*$/;
const PHP_OTEL_LINE = /^at [^\s(]+\([^()]*\.php(?::\d+)?\)\s*$/;
const PHP_LINE = /^#\d+ (?:.+\(\d+\)|\[internal function\]): |^#\d+ \{main\}$/;
const RUBY_LINE = /^(?:from )?\S.*\.rb:\d+:in [`']/;
const V8_LOCATION_END = /:\d+(?::\d+)?\)?\s*$|\((?:<anonymous>|native|index \d+)\)\s*$/;
/** A browser URL anywhere in a V8 trace makes it Chrome rather than Node. */
const V8_URL = /\((?:https?|blob|chrome-extension|webpack|data):|\bat (?:https?|blob):/;
const AT_SIGN_LINE = /^[^\s@]*@.*:\d+(?::\d+)?\s*$/;
const SAFARI_ONLY_LINE = /^(?:global|module|eval) code@|^\[native code\]$|@\[native code\]$/;
/** Lines looked at: any real trace shows its dialect within its first frames. */
const MAX_LINES_EXAMINED = 200;
/** Longer lines are never frames; skipping them keeps every test below cheap. */
export const MAX_FRAME_LINE_CHARS = 4096;

function isDotnetWithoutFile(line: string): boolean {
  const m = DOTNET_NO_FILE_LINE.exec(line);
  if (m === null) return false;
  return m[1] === '' || m[1]!.split(', ').every((p) => DOTNET_PARAMETER.test(p));
}

function classifyAtLine(line: string): Runtime | undefined {
  if (JAVA_LINE.test(line)) return 'java';
  if (PHP_OTEL_LINE.test(line)) return 'php';
  if (DOTNET_LINE.test(line)) return 'dotnet';
  if (V8_LOCATION_END.test(line)) return 'node';
  if (isDotnetWithoutFile(line)) return 'dotnet';
  return undefined;
}

/** Detects the dialect from the text alone; 'unknown' when nothing matches. */
export function detectFromText(text: string): Runtime {
  let weak: Runtime | undefined; // "@" frames: Firefox unless a Safari-only line follows
  let start = 0;
  for (let n = 0; n < MAX_LINES_EXAMINED && start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = end - start > MAX_FRAME_LINE_CHARS ? '' : text.slice(start, end).trimStart();
    start = end + 1;
    if (line === '') continue;
    const c = line.charCodeAt(0);
    let found: Runtime | undefined;
    if (c === 84 /* T */ || c === 70 /* F */) found = PYTHON_LINE.test(line) ? 'python' : undefined;
    if (found === undefined && c === 103 /* g */ && GO_LINE.test(line)) found = 'go';
    if (found === undefined && c === 35 /* # */ && PHP_LINE.test(line)) found = 'php';
    if (found === undefined && line.startsWith('at ')) found = classifyAtLine(line);
    if (found === undefined && c === 45 /* - */ && DOTNET_LINE.test(line)) found = 'dotnet';
    if (found === undefined && line.includes('.rb:') && RUBY_LINE.test(line)) found = 'ruby';
    if (found === undefined && line.includes('@')) {
      if (SAFARI_ONLY_LINE.test(line)) found = 'safari';
      else if (weak === undefined && AT_SIGN_LINE.test(line)) weak = 'firefox';
    } else if (found === undefined && line === '[native code]') found = 'safari';
    if (found === 'node') return V8_URL.test(text) ? 'chrome' : 'node';
    if (found !== undefined) return found;
  }
  return weak ?? 'unknown';
}

function browserFlavour(text: string): Runtime {
  const detected = detectFromText(text);
  return detected === 'firefox' || detected === 'safari' ? detected : 'chrome';
}

/** The runtime for a text given an optional `telemetry.sdk.language`. */
export function detectRuntime(text: string, language?: string): Runtime {
  const hinted = language !== undefined ? BY_LANGUAGE[language.trim().toLowerCase()] : undefined;
  if (hinted === 'chrome') return browserFlavour(text);
  return hinted ?? detectFromText(text);
}
