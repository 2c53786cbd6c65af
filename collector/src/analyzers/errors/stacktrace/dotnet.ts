/**
 * .NET `Exception.ToString()` (CoreCLR "at Ns.C.M(String s) in /p/F.cs:line 12" and Mono
 * "at Ns.C.M (System.String s) [0x00001] in /p/F.cs:12"). Inner exceptions appear in the
 * header as "Outer: msg ---> Inner: msg"; their frames come first, each block closed by
 * "--- End of inner exception stack trace ---", the outer exception's frames last.
 */
import type { RawException, RawFrame } from '../types';
import { splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

const FRAME = /^\s*at ([^()]+?)\s*\(([^()]*)\)(?:\s*\[0x[0-9a-f]+\])?(?: in (.+?):(?:line )?(\d+))?\s*$/;
const END_OF_INNER = /^\s*--- End of inner exception stack trace ---\s*$/;

export function parseDotnetFrameLine(line: string): RawFrame | null {
  const m = FRAME.exec(line);
  if (m === null) return null;
  const symbol = m[1]!;
  // The method is after the last '.' that is not inside a generic argument list.
  let depth = 0;
  let split = -1;
  for (let i = symbol.length - 1; i >= 0; i--) {
    const c = symbol[i];
    if (c === ']' || c === '>') depth++;
    else if (c === '[' || c === '<') depth--;
    else if (c === '.' && depth === 0) {
      split = i;
      break;
    }
  }
  const file = m[3] === undefined || m[3].startsWith('<') ? '' : m[3];
  const frame: RawFrame = { function: split > 0 ? symbol.slice(split + 1) : symbol, file };
  if (split > 0) frame.module = symbol.slice(0, split);
  if (m[4] !== undefined && file !== '') frame.line = toPositiveInt(m[4]);
  return frame;
}

export function parseDotnet(text: string): RawException[] {
  const headerLines: string[] = [];
  const blocks: RawFrame[][] = [[]];
  let sawFrame = false;
  for (const line of splitLines(text)) {
    // Mono prints an unhandled exception twice; the second copy adds nothing.
    if (sawFrame && line.startsWith('[ERROR] FATAL UNHANDLED EXCEPTION')) break;
    if (END_OF_INNER.test(line)) {
      blocks.push([]);
      continue;
    }
    const frame = parseDotnetFrameLine(line);
    if (frame !== null) {
      sawFrame = true;
      blocks[blocks.length - 1]!.push(frame);
    } else if (!sawFrame && line.trim() !== '' && !/^Unhandled [Ee]xception[.:]?\s*$/.test(line.trim())) {
      headerLines.push(line.replace(/^Unhandled [Ee]xception\.\s*/, ''));
    }
  }
  if (!sawFrame && headerLines.length === 0) return unparsed(text);
  const headers = headerLines
    .join('\n')
    .split(/\s*--->\s*/)
    .map((h) => splitTypeAndMessage(h));
  // headers: outer first; blocks: innermost exception's frames first.
  const chain: RawException[] = headers.map((h, index) => ({
    type: h.type,
    message: h.message,
    frames: blocks[blocks.length - 1 - index] ?? [],
    ...(index > 0 ? { relation: 'cause' as const } : {}),
  }));
  return chain;
}
