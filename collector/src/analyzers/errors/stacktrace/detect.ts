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

const PYTHON = /^[ \t]*(?:Traceback \(most recent call last\):|File ".*", line \d+)/m;
const GO = /^goroutine \d+ \[.*\]:[ \t]*$/m;
const DOTNET = /^[ \t]*at [^\s(]+ ?\([^()\n]*\)(?: \[0x[0-9a-f]+\])? in .+:(?:line )?\d+[ \t]*$|^[ \t]*--- End of (?:inner exception )?stack trace/m;
const DOTNET_NO_FILE = /^[ \t]*at [\w.`<>$|+[\],]+ ?\((?:[\w.`<>[\],&*]+ \w+(?:, )?)*\)[ \t]*$/m;
const JAVA = /^[ \t]*at [\w$./@-]+\((?:[^()\n]*\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)[ \t]*$/m;
const PHP = /^#\d+ (?:.+\(\d+\)|\[internal function\]): |^#\d+ \{main\}$|^[ \t]*at \S+\(.*\.php(?::\d+)?\)[ \t]*$/m;
const RUBY = /^[ \t]*(?:from )?.+\.rb:\d+:in [`']/m;
const V8 = /^[ \t]*at (?:.+ \()?.*:\d+(?::\d+)?\)?[ \t]*$|^[ \t]*at .+ \((?:<anonymous>|native|index \d+)\)[ \t]*$/m;
const AT_SIGN = /^[^\s@]*@.*:\d+(?::\d+)?[ \t]*$/m;
const SAFARI_ONLY = /^(?:global|module|eval) code@|^\[native code\]$|@\[native code\]$/m;
const URL_FRAME = /\((?:https?|blob|chrome-extension|webpack|data):|^[ \t]*at (?:https?|blob):/m;

function browserFlavour(text: string): Runtime {
  if (V8.test(text)) return 'chrome';
  if (SAFARI_ONLY.test(text)) return 'safari';
  if (AT_SIGN.test(text)) return 'firefox';
  return 'chrome';
}

/** Detects the dialect from the text alone; 'unknown' when nothing matches. */
export function detectFromText(text: string): Runtime {
  if (PYTHON.test(text)) return 'python';
  if (GO.test(text)) return 'go';
  if (JAVA.test(text)) return 'java';
  if (PHP.test(text)) return 'php';
  if (DOTNET.test(text)) return 'dotnet';
  if (RUBY.test(text)) return 'ruby';
  if (V8.test(text)) return URL_FRAME.test(text) ? 'chrome' : 'node';
  if (DOTNET_NO_FILE.test(text)) return 'dotnet';
  if (SAFARI_ONLY.test(text)) return 'safari';
  if (AT_SIGN.test(text)) return 'firefox';
  return 'unknown';
}

/** The runtime for a text given an optional `telemetry.sdk.language`. */
export function detectRuntime(text: string, language?: string): Runtime {
  const hinted = language !== undefined ? BY_LANGUAGE[language.trim().toLowerCase()] : undefined;
  if (hinted === 'chrome') return browserFlavour(text);
  return hinted ?? detectFromText(text);
}
