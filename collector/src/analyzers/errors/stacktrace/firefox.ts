/**
 * Firefox (SpiderMonkey) `err.stack`: "fn@url:line:col" lines with no header; nested
 * anonymous functions print as "outer/<", generators as "fn*", eval as "url line N > eval".
 */
import type { RawException, RawFrame } from '../types';
import { splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

/** "fn@location" as Firefox and Safari print it; null when the line is not a frame. */
export function parseAtSignFrameLine(line: string): RawFrame | null {
  const trimmed = line.trim();
  const at = trimmed.indexOf('@');
  if (at < 0) return trimmed === '[native code]' ? { function: '', file: '[native code]' } : null;
  const fn = trimmed.slice(0, at);
  if (/\s/.test(fn) && !/^(global|eval|module) code$/.test(fn) && !fn.includes(' line ')) return null;
  let location = trimmed.slice(at + 1);
  const evalOrigin = /^(.*?) line (\d+) > (?:eval|Function)/.exec(location);
  if (evalOrigin !== null) return { function: fn, file: evalOrigin[1]!, line: toPositiveInt(evalOrigin[2]) };
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  if (m === null) {
    if (location === '[native code]') return { function: fn, file: location };
    if (location === '' || /\s/.test(location)) return location === '' ? { function: fn, file: '' } : null;
    return { function: fn, file: location };
  }
  location = m[1]!;
  return { function: fn, file: location, line: toPositiveInt(m[2]), column: toPositiveInt(m[3]) };
}

/** Frames in "fn@location" lines; lines before the first frame are a header if present. */
export function parseAtSignStack(text: string): RawException[] {
  const headerLines: string[] = [];
  const frames: RawFrame[] = [];
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    const frame = parseAtSignFrameLine(line);
    if (frame !== null) frames.push(frame);
    else if (frames.length === 0) headerLines.push(line);
  }
  if (frames.length === 0) return unparsed(text);
  const header = headerLines.join('\n').trim();
  return [{ ...splitTypeAndMessage(header), frames }];
}

export function parseFirefox(text: string): RawException[] {
  return parseAtSignStack(text);
}
