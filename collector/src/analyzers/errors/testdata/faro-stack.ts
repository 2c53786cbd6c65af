/**
 * The Faro capture's pushed error (testdata/faro/, real SDK in headless Chromium, frames of the
 * minified `thrower.min.js`) printed the way Chrome prints `error.stack`, which is what OTel
 * browser SDKs record as `exception.stacktrace`. Test input for source-map resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface FaroFrame {
  filename: string;
  function: string;
  lineno: number;
  colno: number;
}

const capture = JSON.parse(readFileSync(join(__dirname, 'faro', 'real-sdk-02-logs-exceptions-measurements-events.json'), 'utf8')) as {
  exceptions: { type: string; value: string; stacktrace: { frames: FaroFrame[] } }[];
};
const pushed = capture.exceptions[0]!;

export const FARO_MINIFIED_STACK = [
  `${pushed.type}: ${pushed.value}`,
  // Faro prints anonymous functions as '?'; Chrome prints them without a name or parentheses.
  ...pushed.stacktrace.frames.map((f) =>
    f.function === '?' ? `    at ${f.filename}:${f.lineno}:${f.colno}` : `    at ${f.function} (${f.filename}:${f.lineno}:${f.colno})`,
  ),
].join('\n');

/** The source map of thrower.min.js shipped with the capture (no sourcesContent). */
export const THROWER_SOURCE_MAP = readFileSync('/work/shared/fixtures/faro/real-sdk-thrower.min.js.map', 'utf8');
