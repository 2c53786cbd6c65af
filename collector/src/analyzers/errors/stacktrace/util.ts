/** Small text helpers shared by the runtime parsers (no runtime-specific knowledge here). */
import type { RawException } from '../types';

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.includes('\r')) for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  return lines;
}

/** Parses a decimal line/column number; undefined for absent or nonsense values. */
export function toPositiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Splits "Type: message" (the header line most runtimes print). A header that does not
 * start with something shaped like a type name is all message.
 */
export function splitTypeAndMessage(header: string): { type: string; message: string } {
  const match = /^([A-Za-z_$][\w$.:\\/<>`'-]*)(?::(?:\s|$)([\s\S]*))?$/.exec(header.trim());
  if (match === null) return { type: '', message: header.trim() };
  const type = match[1]!;
  // "foo: bar baz" is a type; "foo bar" (no colon, has spaces) was rejected by the regex.
  if (match[2] === undefined && type.includes(':')) return { type: '', message: header.trim() };
  return { type, message: (match[2] ?? '').trim() };
}

/** The chain every parser falls back to when nothing in the text is recognised. */
export function unparsed(text: string): RawException[] {
  return [{ type: '', message: text.trim().split(/\r?\n/, 1)[0] ?? '', frames: [] }];
}

/**
 * Finds the '(' matching a string's final ')', so "f (eval at g (a.js:1:2), b:1:1)" splits
 * at the right place. Returns -1 when the text does not end with a balanced group.
 */
export function openingParenOfTrailingGroup(text: string): number {
  if (!text.endsWith(')')) return -1;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 41 /* ) */) depth++;
    else if (c === 40 /* ( */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
