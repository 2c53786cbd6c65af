/**
 * JVM `printStackTrace` output (Java, Kotlin, Scala): a "Type: message" header, "\tat
 * pkg.Class.method(File.java:12)" frames innermost first, "Caused by:" causes, tab-indented
 * "Suppressed:" blocks and "... N more" (frames shared with the enclosing trace, which are
 * restored here so every exception carries its full stack).
 */
import type { RawException, RawFrame } from '../types';
import { splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

const FRAME = /^\s*at\s+([^\s(]+)\s*\((.*)\)\s*$/;
const MORE = /^\s*\.\.\.\s*(\d+)\s+(?:more|common frames omitted)\s*$/;
const NESTED = /^(\t*|\s*)(Caused by|Suppressed):\s*(.*)$/;
/** "java.base/", "app//", "mod@1.0/" before the class name (JDK 9+ module/class-loader). */
const MODULE_PREFIX = /^(?:[\w.-]*(?:@[\w.-]+)?\/){1,2}(?=[\w$])/;

interface Entry {
  exception: RawException;
  depth: number;
}

export function parseJavaFrameLine(line: string): RawFrame | null {
  const m = FRAME.exec(line);
  if (m === null) return null;
  const symbol = m[1]!.replace(MODULE_PREFIX, '');
  const dot = symbol.lastIndexOf('.');
  const module = dot > 0 ? symbol.slice(0, dot) : '';
  const fn = dot > 0 ? symbol.slice(dot + 1) : symbol;
  const loc = /^(.*?):(\d+)$/.exec(m[2]!);
  const file = loc !== null ? loc[1]! : /^(Native Method|Unknown Source)$/.test(m[2]!) ? '' : m[2]!;
  const frame: RawFrame = { function: fn, file, line: loc !== null ? toPositiveInt(loc[2]) : undefined };
  if (module !== '') frame.module = module;
  return frame;
}

function tabs(line: string): number {
  const m = /^\t*/.exec(line);
  return m === null ? 0 : m[0].length;
}

function enclosingOf(entries: Entry[], index: number): Entry | undefined {
  const entry = entries[index]!;
  const wanted = entry.exception.relation === 'suppressed' ? entry.depth - 1 : entry.depth;
  for (let i = index - 1; i >= 0; i--) if (entries[i]!.depth === wanted) return entries[i];
  return undefined;
}

export function parseJava(text: string): RawException[] {
  const entries: Entry[] = [];
  let sawFrame = false;
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    const frame = parseJavaFrameLine(line);
    const current = entries[entries.length - 1];
    if (frame !== null) {
      sawFrame = true;
      if (current === undefined) entries.push({ exception: { type: '', message: '', frames: [frame] }, depth: 0 });
      else current.exception.frames.push(frame);
      continue;
    }
    const more = MORE.exec(line);
    if (more !== null && current !== undefined) {
      const enclosing = enclosingOf(entries, entries.length - 1);
      const n = Number(more[1]);
      if (enclosing !== undefined && n > 0) current.exception.frames.push(...enclosing.exception.frames.slice(-n));
      continue;
    }
    const nested = NESTED.exec(line);
    if (nested !== null) {
      const relation = nested[2] === 'Caused by' ? 'cause' : 'suppressed';
      const depth = tabs(line) + (relation === 'suppressed' && !line.startsWith('\t') ? 1 : 0);
      entries.push({ exception: { ...splitTypeAndMessage(nested[3]!), frames: [], relation }, depth });
      continue;
    }
    if (current === undefined || (current.exception.frames.length === 0 && !sawFrame)) {
      const header = line.replace(/^Exception in thread ".*?"\s+/, '');
      if (current === undefined) entries.push({ exception: { ...splitTypeAndMessage(header), frames: [] }, depth: 0 });
      else current.exception.message += `\n${line}`;
      continue;
    }
    if (current.exception.frames.length === 0) current.exception.message += `\n${line}`;
  }
  if (!sawFrame && entries.length <= 1 && (entries[0]?.exception.type ?? '') === '') return unparsed(text);
  return entries.map((e) => e.exception);
}
