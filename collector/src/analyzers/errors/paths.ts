/**
 * Turns a frame's file (absolute path, URL, bundle name) into a key that is the same on
 * every host and every deploy. The rule, in order:
 *  1. drop URL scheme and host, query and fragment, Windows drive letters; "\" → "/";
 *  2. library code: keep what follows the last node_modules/, site-packages/,
 *     dist-packages/, vendor/, gems/, pkg/mod/, lib/pythonX.Y/, lib/ruby/X.Y.Z/ or a GOROOT's
 *     src/, without version suffixes ("rack-2.2.3" → "rack", "@v1.2.3" dropped);
 *  3. app code: keep what follows the last "src/" directory; without one, keep the last
 *     two segments (parent directory and file name) — deeper prefixes differ per host;
 *  4. build hashes go: whole-hash segments ("3f9a1c0d/"), hash parts of file names
 *     ("main.3f9a1c.js", "index-BxK3sd9a.js", "2.a1b2c3.chunk.js" → "main.js",
 *     "index.js", "chunk.js").
 */

import { boundedMemo } from './memo';

const LIBRARY_MARKERS: readonly RegExp[] = [
  /^.*\/node_modules\//,
  /^.*\/(?:site|dist)-packages\//,
  /^.*\/lib\/python\d+(?:\.\d+)?\//,
  /^.*\/lib\/ruby\/(?:gems\/)?\d+(?:\.\d+)*\/(?:gems\/)?/,
  /^.*\/gems\//,
  /^.*\/pkg\/mod\//,
  /^.*\/vendor\//,
  /^.*\/(?:usr\/lib\/go[^/]*|usr\/local\/go|usr\/share\/go[^/]*|goroot[^/]*)\/src\//i,
];

const HEX_HASH = /^(?=[^/]*\d)[0-9a-f]{6,}$/i;
const MIXED_HASH = /^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9_]{8,}$/;
const DIGITS = /^\d+$/;

function isHash(part: string): boolean {
  return HEX_HASH.test(part) || MIXED_HASH.test(part);
}

function stripHashes(segment: string, isFileName: boolean): string {
  if (!isFileName) return isHash(segment) ? '' : segment;
  const parts = segment.split('.');
  const ext = parts.length > 1 ? parts.pop()! : undefined;
  let kept = parts.filter((p, i) => !(isHash(p) || (DIGITS.test(p) && (i > 0 || parts.length > 1))));
  if (kept.length === 0) kept = parts.slice(0, 1);
  // "index-BxK3sd9a" (Vite/Rollup) and "main-3f9a1c0d" put the hash after a dash.
  kept = kept.map((p) => {
    const dash = p.lastIndexOf('-');
    return dash > 0 && isHash(p.slice(dash + 1)) ? p.slice(0, dash) : p;
  });
  return ext !== undefined ? [...kept, ext].join('.') : kept.join('.');
}

function computeNormalizedPath(file: string): string {
  let path = file
    .replace(/^[a-z][\w+.-]*:\/\/[^/]*/i, '')
    .replace(/[?#].*$/, '')
    .replace(/\\/g, '/')
    .replace(/^\/?[a-z]:\//i, '/')
    .replace(/\/\.(?=\/)/g, '')
    .replace(/^\.\//, '');
  let library = false;
  for (const marker of LIBRARY_MARKERS) {
    const stripped = ('/' + path).replace(marker, '');
    if (stripped !== '/' + path) {
      path = stripped.replace(/^([^/]+?)-\d+(?:\.\d+)+[^/]*\//, '$1/').replace(/@v[^/]+/g, '');
      library = true;
      break;
    }
  }
  if (!library) {
    const src = path.lastIndexOf('src/');
    if (src >= 0 && (src === 0 || path[src - 1] === '/')) path = path.slice(src + 4);
    else {
      const segments = path.split('/').filter((s) => s !== '');
      path = segments.slice(-2).join('/');
    }
  }
  const segments = path.split('/');
  return segments
    .map((s, i) => stripHashes(s, i === segments.length - 1))
    .filter((s) => s !== '')
    .join('/');
}

/** The host- and deploy-independent form of a frame's file (see the rule above). */
export const normalizeFilePath: (file: string) => string = boundedMemo((file) => (typeof file === 'string' && file !== '' ? computeNormalizedPath(file) : ''));
