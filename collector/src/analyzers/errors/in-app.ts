/**
 * Decides whether a frame is the application's own code ("in-app") or a library/runtime
 * frame. Defaults cover every supported runtime; users add include/exclude patterns.
 */
import { boundedMemo } from './memo';
import type { FramePattern, InAppOptions, RawFrame, Runtime } from './types';

/** Files of dependencies, standard libraries and runtimes, whatever the runtime. */
const LIBRARY_FILES: readonly RegExp[] = [
  /(?:^|[\\/])node_modules[\\/]/,
  /^node:/, // node:internal/..., node:fs
  /^internal[\\/]/, // Node < 16 internals
  /^(?:<anonymous>|native|index \d+|\[native code\]|<frozen .*>|<internal:.*>)$/, // "index 0": Promise.all
  /[\\/](?:site|dist)-packages[\\/]/,
  /[\\/]lib[\\/]python\d+(?:\.\d+)?[\\/]/, // the Python standard library
  /(?:^|[\\/])vendor[\\/]/, // Composer, Go and Bundler vendoring
  /[\\/]gems[\\/]/,
  /[\\/]lib[\\/]ruby[\\/]/, // the Ruby standard library
  /[\\/]pkg[\\/]mod[\\/]/, // the Go module cache
  /(?:^|\/)(?:usr\/lib\/go[^/]*|usr\/local\/go|usr\/share\/go[^/]*|goroot[^/]*)\/src\//i, // GOROOT
  /^(?:chrome|moz|safari(?:-web)?)-extension:/,
];

const LIBRARY_FILE = new RegExp(LIBRARY_FILES.map((re) => `(?:${re.source})`).join('|'), 'i');

/** Qualifying names (Java/.NET classes, Go packages) of runtime code. */
const LIBRARY_MODULES: Partial<Record<Runtime, RegExp>> = {
  java: /^(?:java|javax|jdk|sun|com\.sun)\./,
  dotnet: /^(?:System|Microsoft|Mono)(?:\.|$)/,
  go: /^runtime(?:\/|$)/,
  php: /^$/, // never matches a real class; PHP internals are told by their missing file
};

/** Runtimes whose frames without a file are native/internal rather than app code. */
const FILELESS_IS_LIBRARY: ReadonlySet<Runtime> = new Set(['node', 'chrome', 'firefox', 'safari', 'php', 'python', 'ruby']);

export function matchesPattern(pattern: FramePattern, value: string): boolean {
  return typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);
}

function matchesAny(patterns: readonly FramePattern[] | undefined, frame: RawFrame): boolean {
  if (patterns === undefined || patterns.length === 0) return false;
  for (const p of patterns) {
    if (matchesPattern(p, frame.file) || (frame.module !== undefined && matchesPattern(p, frame.module))) return true;
  }
  return false;
}

/** Files repeat across exceptions far more than they vary: remember the verdicts. */
const isLibraryFile = boundedMemo((file: string): boolean => LIBRARY_FILE.test(file));

/** The built-in rule alone (no user patterns). */
export function isDefaultInApp(frame: RawFrame, runtime: Runtime): boolean {
  if (frame.file === '') {
    if (FILELESS_IS_LIBRARY.has(runtime)) return false;
  } else if (isLibraryFile(frame.file)) {
    return false;
  }
  const moduleRule = LIBRARY_MODULES[runtime];
  if (moduleRule !== undefined && frame.module !== undefined && frame.module !== '' && moduleRule.test(frame.module)) return false;
  return true;
}

/** In-app with user patterns applied: exclude beats include beats the defaults. */
export function isInApp(frame: RawFrame, runtime: Runtime, options?: InAppOptions): boolean {
  if (options !== undefined) {
    if (matchesAny(options.exclude, frame)) return false;
    if (matchesAny(options.include, frame)) return true;
  }
  return isDefaultInApp(frame, runtime);
}
