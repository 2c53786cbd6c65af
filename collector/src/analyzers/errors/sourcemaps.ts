/**
 * Uploaded source maps: stored on disk per app + release + file, and used to turn minified
 * JavaScript frames back into original file, line, column and function before grouping.
 * Never fetches anything from the network: only maps uploaded through the API are used.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { HermesError } from '../../pipeline/errors';
import { isInApp } from './in-app';
import type { Frame, InAppOptions, ParsedException, ParsedStack, Runtime } from './types';

export interface SourceMapStoreOptions {
  /** Root folder (the collector's `<dataDir>/sourcemaps`). */
  dir: string;
  /** Parsed maps kept in memory (least recently used evicted). */
  maxCachedMaps: number;
  /** How long a folder listing (which files have maps) is trusted before re-reading it. */
  listingTtlMs: number;
  /** Maps larger than this on disk are ignored (uploads are limited by the API first). */
  maxMapBytes: number;
}

/** A frame after source-map resolution keeps what the runtime printed. */
export interface ResolvedFrame extends Frame {
  minified?: { function: string; file: string; line?: number; column?: number };
}

export interface SavedSourceMap {
  app: string;
  release: string;
  /** The file key frames are matched on (URL path without scheme, host, query). */
  file: string;
  bytes: number;
}

/** Runtimes whose frames may point into minified JavaScript. */
const JS_RUNTIMES: ReadonlySet<Runtime> = new Set(['chrome', 'firefox', 'safari', 'node']);
const MAX_NAME_CHARS = 128;
const MAX_FILE_KEY_CHARS = 200;

/**
 * The key a script is known by: its URL's path without scheme, host, query, fragment or
 * leading slashes. `http://cdn/app/dist/main.min.js?v=3` → `app/dist/main.min.js`.
 */
export function sourceFileKey(file: string): string {
  return file
    .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    .replace(/[?#].*$/s, '')
    .replace(/^\/+/, '');
}

/** Keys to try for a frame's file, most specific first: `a/b/c.js`, `b/c.js`, `c.js`. */
export function candidateKeys(file: string): string[] {
  const key = sourceFileKey(file);
  if (key === '' || key.length > MAX_FILE_KEY_CHARS) return [];
  const keys = [key];
  for (let i = key.indexOf('/'); i !== -1; i = key.indexOf('/', i + 1)) {
    if (i + 1 < key.length) keys.push(key.slice(i + 1));
  }
  return keys;
}

/** One path segment for any text: encodeURIComponent leaves no `/`, and dot-only names are refused. */
function segment(what: string, value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  if (value === '' || value.length > max || /^\.+$/.test(value) || /[\u0000-\u001f]/.test(value)) {
    throw new HermesError('HERMES_ERR_BAD_REQUEST', `${what}: expected 1 to ${max} characters, not only dots, no control characters`);
  }
  return encodeURIComponent(value);
}

export class SourceMapStore {
  private readonly root: string;
  private readonly listings = new Map<string, { names: Set<string>; expiresAt: number }>();
  private readonly maps = new Map<string, Promise<TraceMap | undefined>>();

  constructor(private readonly options: SourceMapStoreOptions) {
    this.root = resolve(options.dir);
  }

  private folder(app: string, release: string): string {
    const folder = join(this.root, segment('app', app, MAX_NAME_CHARS), segment('release', release, MAX_NAME_CHARS));
    // Defence in depth: the encoding above already makes escaping the root impossible.
    const rel = relative(this.root, folder);
    if (isAbsolute(rel) || rel.split(sep).some((part) => part === '..' || part === '')) throw new HermesError('HERMES_ERR_BAD_REQUEST', 'path escapes the source map folder');
    return folder;
  }

  /**
   * Validates and stores one map (atomically: a reader never sees half a file). Throws
   * HERMES_ERR_BAD_REQUEST for bad names or a body that is not a source map v3.
   */
  async save(app: string, release: string, file: string, body: string): Promise<SavedSourceMap> {
    const key = sourceFileKey(file);
    const name = segment('file', key, MAX_FILE_KEY_CHARS) + '.map';
    const folder = this.folder(app, release);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new HermesError('HERMES_ERR_BAD_REQUEST', `the body is not JSON: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || (parsed as { version?: unknown }).version !== 3) {
      throw new HermesError('HERMES_ERR_BAD_REQUEST', 'expected a source map object with "version": 3');
    }
    try {
      new TraceMap(parsed as ConstructorParameters<typeof TraceMap>[0]);
    } catch (err) {
      throw new HermesError('HERMES_ERR_BAD_REQUEST', `invalid source map: ${(err as Error).message}`);
    }
    await mkdir(folder, { recursive: true });
    const path = join(folder, name);
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    this.listings.delete(`${app}\0${release}`);
    this.maps.delete(path);
    return { app, release, file: key, bytes: Buffer.byteLength(body) };
  }

  /** The map file names of one app + release (cached for listingTtlMs; missing folder = none). */
  private async names(app: string, release: string): Promise<{ folder: string; names: Set<string> } | undefined> {
    let folder: string;
    try {
      folder = this.folder(app, release);
    } catch {
      return undefined; // a service name no upload could have used
    }
    const cacheKey = `${app}\0${release}`;
    const now = Date.now();
    const cached = this.listings.get(cacheKey);
    if (cached !== undefined && cached.expiresAt > now) return { folder, names: cached.names };
    let names: Set<string>;
    try {
      names = new Set((await readdir(folder)).filter((n) => n.endsWith('.map')));
    } catch {
      names = new Set();
    }
    if (this.listings.size > 10_000) this.listings.clear();
    this.listings.set(cacheKey, { names, expiresAt: now + this.options.listingTtlMs });
    return { folder, names };
  }

  private load(path: string): Promise<TraceMap | undefined> {
    let map = this.maps.get(path);
    if (map !== undefined) {
      // Re-insert: Map iteration order is the LRU order.
      this.maps.delete(path);
      this.maps.set(path, map);
      return map;
    }
    map = (async () => {
      try {
        if ((await stat(path)).size > this.options.maxMapBytes) return undefined;
        return new TraceMap(await readFile(path, 'utf8'));
      } catch {
        return undefined;
      }
    })();
    this.maps.set(path, map);
    while (this.maps.size > this.options.maxCachedMaps) this.maps.delete(this.maps.keys().next().value!);
    return map;
  }

  /**
   * The stack with minified frames of `app`@`release` resolved through uploaded maps; the
   * same object when no frame has a map. Never throws: an unreadable map leaves frames as they are.
   */
  async resolveStack(app: string, release: string, stack: ParsedStack, options?: InAppOptions): Promise<ParsedStack> {
    if (!JS_RUNTIMES.has(stack.runtime) || release === '') return stack;
    const listing = await this.names(app, release);
    if (listing === undefined || listing.names.size === 0) return stack;
    const mapsByFile = new Map<string, TraceMap | undefined>();
    for (const exc of stack.chain) {
      for (const frame of exc.frames) {
        if (frame.line === undefined || mapsByFile.has(frame.file)) continue;
        const name = candidateKeys(frame.file)
          .map((key) => encodeURIComponent(key) + '.map')
          .find((n) => listing.names.has(n));
        mapsByFile.set(frame.file, name === undefined ? undefined : await this.load(join(listing.folder, name)));
      }
    }
    if (![...mapsByFile.values()].some((m) => m !== undefined)) return stack;
    return { ...stack, chain: stack.chain.map((exc) => resolveException(exc, mapsByFile, stack.runtime, options)) };
  }
}

function resolveException(exc: ParsedException, maps: Map<string, TraceMap | undefined>, runtime: Runtime, options?: InAppOptions): ParsedException {
  const positions = exc.frames.map((frame) => {
    const map = maps.get(frame.file);
    if (map === undefined || frame.line === undefined) return undefined;
    // Stack columns are 1-based; source maps count from 0.
    const pos = originalPositionFor(map, { line: frame.line, column: Math.max(0, (frame.column ?? 1) - 1) });
    return pos.source === null ? undefined : { source: pos.source, line: pos.line, column: pos.column, name: pos.name, map };
  });
  const frames = exc.frames.map((frame, i): ResolvedFrame => {
    const pos = positions[i];
    if (pos === undefined) return frame;
    // A frame's position is inside its function, at a call or throw; the original name of the
    // function is the name token at the *caller's* call site (the next frame out). Without a
    // mapped caller, the printed name is kept only if it is an original identifier of the map
    // (an unminified build); a mangled name would change with every build and split groups.
    const callerName = positions[i + 1]?.name;
    const printed = frame.function.slice(frame.function.lastIndexOf('.') + 1);
    const fn = callerName ?? (pos.map.names.includes(printed) ? frame.function : '');
    const resolved: ResolvedFrame = {
      function: fn,
      file: pos.source,
      line: pos.line,
      column: pos.column + 1,
      inApp: false,
      minified: { function: frame.function, file: frame.file, line: frame.line, column: frame.column },
    };
    if (frame.module !== undefined) resolved.module = frame.module;
    resolved.inApp = isInApp(resolved, runtime, options);
    return resolved;
  });
  return { ...exc, frames };
}
