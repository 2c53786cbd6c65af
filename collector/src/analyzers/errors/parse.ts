/** Entry point of parsing: picks the runtime parser, classifies frames, never throws. */
import { isInApp } from './in-app';
import { parseChrome } from './stacktrace/browser-chrome';
import { detectFromText, detectRuntime } from './stacktrace/detect';
import { parseDotnet } from './stacktrace/dotnet';
import { parseFirefox } from './stacktrace/firefox';
import { parseGo } from './stacktrace/go';
import { parseJava } from './stacktrace/java';
import { parseNode } from './stacktrace/node';
import { parsePhp } from './stacktrace/php';
import { parsePython } from './stacktrace/python';
import { parseRuby } from './stacktrace/ruby';
import { parseSafari } from './stacktrace/safari';
import { unparsed } from './stacktrace/util';
import type { InAppOptions, ParsedStack, RawException, Runtime } from './types';

/** Texts longer than this are cut before parsing: no real trace needs more, and it bounds CPU. */
export const MAX_STACK_CHARS = 256 * 1024;

const PARSERS: Record<Exclude<Runtime, 'unknown'>, (text: string) => RawException[]> = {
  node: parseNode,
  chrome: parseChrome,
  firefox: parseFirefox,
  safari: parseSafari,
  python: parsePython,
  java: parseJava,
  go: parseGo,
  dotnet: parseDotnet,
  ruby: parseRuby,
  php: parsePhp,
};

function hasFrames(chain: RawException[]): boolean {
  return chain.some((e) => e.frames.length > 0);
}

function run(runtime: Runtime, text: string): RawException[] {
  return runtime === 'unknown' ? unparsed(text) : PARSERS[runtime](text);
}

/**
 * Parses `exception.stacktrace` text. `hint.language` is the resource's
 * `telemetry.sdk.language`; when the hinted parser finds no frames the text decides (an SDK
 * may forward another runtime's trace). Unknown formats yield one frameless exception and
 * the raw text, which still groups by type and normalized message.
 */
export function parseStackTrace(text: string, hint?: { language?: string }, options?: InAppOptions): ParsedStack {
  const raw = typeof text === 'string' ? text : '';
  const input = raw.length > MAX_STACK_CHARS ? raw.slice(0, MAX_STACK_CHARS) : raw;
  let runtime = detectRuntime(input, hint?.language);
  let chain = run(runtime, input);
  if (!hasFrames(chain) && runtime !== 'unknown') {
    const detected = detectFromText(input);
    if (detected === 'unknown') runtime = 'unknown';
    else if (detected !== runtime) {
      const retry = run(detected, input);
      if (hasFrames(retry)) {
        runtime = detected;
        chain = retry;
      }
    }
  }
  return {
    runtime,
    raw,
    chain: chain.map((e) => ({
      ...e,
      frames: e.frames.map((f) => ({ ...f, inApp: isInApp(f, runtime, options) })),
    })),
  };
}
