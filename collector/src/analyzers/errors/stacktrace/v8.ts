/**
 * The V8 `err.stack` dialect shared by Node and Chrome: a "Type: message" header, then
 * "    at fn (file:line:col)" lines, innermost first.
 */
import type { RawException, RawFrame } from '../types';
import { openingParenOfTrailingGroup, splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

const FRAME_LINE = /^\s*at\s+/;

export function isV8FrameLine(line: string): boolean {
  return FRAME_LINE.test(line);
}

function isDigits(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function parseLocation(location: string): Pick<RawFrame, 'file' | 'line' | 'column'> {
  let loc = location;
  if (loc.startsWith('eval at ')) {
    // "eval at fn (file:1:2), <anonymous>:3:4": the code that called eval is the useful place.
    const inner = /\(([^()]*:\d+:\d+)\)/.exec(loc);
    if (inner !== null) loc = inner[1]!;
  }
  // "file:line:col" or "file:line"; the file itself may contain ':' (URLs, node:fs).
  const last = loc.lastIndexOf(':');
  if (last < 0 || !isDigits(loc, last + 1, loc.length)) return { file: loc };
  const prev = loc.lastIndexOf(':', last - 1);
  if (prev >= 0 && isDigits(loc, prev + 1, last)) {
    return { file: loc.slice(0, prev), line: toPositiveInt(loc.slice(prev + 1, last)), column: toPositiveInt(loc.slice(last + 1)) };
  }
  return { file: loc.slice(0, last), line: toPositiveInt(loc.slice(last + 1)) };
}

export function parseV8FrameLine(line: string): RawFrame {
  const body = line.replace(FRAME_LINE, '').trim();
  const open = openingParenOfTrailingGroup(body);
  let fn = '';
  let location = body;
  if (open > 0) {
    fn = body.slice(0, open).trim();
    location = body.slice(open + 1, -1);
  }
  if (fn.startsWith('async ')) fn = fn.slice(6);
  fn = fn.replace(/ \[as [^\]]*\]$/, '');
  return { function: fn, ...parseLocation(location) };
}

export function parseV8(text: string): RawException[] {
  const lines = splitLines(text);
  const headerLines: string[] = [];
  const frames: RawFrame[] = [];
  for (const line of lines) {
    if (isV8FrameLine(line)) frames.push(parseV8FrameLine(line));
    else if (frames.length === 0) headerLines.push(line);
    // Text after the frames (util.inspect's "{ code: ... }") is not part of the stack.
  }
  if (frames.length === 0 && headerLines.join('').trim() === '') return unparsed(text);
  // Node's uncaught-exception output puts "file:line", the source line and a caret above
  // the stack, separated by a blank line: the header is the last paragraph.
  let end = headerLines.length;
  while (end > 0 && headerLines[end - 1]!.trim() === '') end--;
  let lastBlank = end - 1;
  while (lastBlank >= 0 && headerLines[lastBlank]!.trim() !== '') lastBlank--;
  const header = headerLines.slice(lastBlank + 1, end).join('\n').trim().replace(/^Uncaught\s+/, '');
  const { type, message } = splitTypeAndMessage(header);
  // Node appends an error code to the name: "TypeError [ERR_INVALID_ARG_TYPE]: ...".
  const coded = /^(\w+) \[[\w-]+\]:\s?([\s\S]*)$/.exec(header);
  if (coded !== null) return [{ type: coded[1]!, message: coded[2]!.trim(), frames }];
  return [{ type, message, frames }];
}
