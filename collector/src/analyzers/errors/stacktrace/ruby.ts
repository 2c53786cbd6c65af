/**
 * Ruby: `full_message` / uncaught-exception output ("/p/app.rb:12:in `fn': msg
 * (RuntimeError)" then "\tfrom /p/app.rb:20:in `caller'" lines, innermost first; causes
 * follow as further such blocks) and bare `backtrace.join("\n")` lines. Ruby 3.4 quotes
 * as 'Klass#fn' instead of `fn'.
 */
import type { RawException, RawFrame } from '../types';
import { splitLines, toPositiveInt, unparsed } from './util';

const LOCATION = /^(\s*from\s+|\s*)(.+?):(\d+)(?::in [`'](.*?)')?(.*)$/;

function headerOf(rest: string): { type: string; message: string } {
  // ": message (Type)" possibly spanning lines; "unhandled exception" when no message.
  const m = /^:\s?([\s\S]*?)\s*\(([A-Z][\w:]*)\)\s*$/.exec(rest);
  if (m !== null) return { type: m[2]!, message: m[1]! };
  return { type: '', message: rest.replace(/^:\s?/, '').trim() };
}

export function parseRuby(text: string): RawException[] {
  const chain: RawException[] = [];
  let current: RawException | undefined;
  let headerTail: string[] | undefined;
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    const m = LOCATION.exec(line);
    const isFrame = m !== null && m[4] !== undefined || (m !== null && m[5] === '' && /\.rb$|\(\w+\)$/.test(m[2]!));
    if (!isFrame || m === null) {
      // Continuation of a multi-line message, ending in "(Type)".
      if (headerTail !== undefined && current !== undefined) {
        headerTail.push(line);
        const h = headerOf(headerTail.join('\n'));
        if (h.type !== '') {
          current.type = h.type;
          current.message = h.message;
          headerTail = undefined;
        }
      }
      continue;
    }
    const frame: RawFrame = { function: m[4] ?? '', file: m[2]!, line: toPositiveInt(m[3]) };
    const isFrom = m[1]!.includes('from');
    const rest = m[5]!;
    if (!isFrom && (current === undefined || rest !== '')) {
      // A block's first line: the raise site, followed by ": message (Type)".
      const h = headerOf(rest);
      current = { type: h.type, message: h.message, frames: [frame] };
      if (chain.length > 0) current.relation = 'cause';
      chain.push(current);
      headerTail = h.type === '' && rest !== '' ? [rest] : undefined;
      continue;
    }
    headerTail = undefined;
    if (current === undefined) {
      current = { type: '', message: '', frames: [] };
      chain.push(current);
    }
    current.frames.push(frame);
  }
  return chain.length === 0 ? unparsed(text) : chain;
}
