/**
 * Go stacks: panic output ("panic: msg" + "goroutine N [running]:" + frame pairs),
 * `debug.Stack()` / `runtime.Stack` text (what the Go OTel SDK records with
 * WithStackTrace, possibly cut at its buffer size) and full goroutine dumps, of which the
 * first goroutine (the panicking or calling one) is kept. Each frame is a symbol line
 * "pkg.(*T).fn(args)" followed by "\t/path/file.go:12 +0x1d".
 */
import type { RawException, RawFrame } from '../types';
import { openingParenOfTrailingGroup, splitLines, toPositiveInt, unparsed } from './util';

const GOROUTINE = /^goroutine \d+ \[.*\]:\s*$/;
const LOCATION = /^\s+(.*?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=.*)?\s*$/;

/** Splits "github.com/a/b/pkg.(*T).fn" into package path and the rest. */
export function splitGoSymbol(symbol: string): { module: string; function: string } {
  const slash = symbol.lastIndexOf('/');
  const dot = symbol.indexOf('.', slash + 1);
  if (dot < 0) return { module: '', function: symbol };
  return { module: symbol.slice(0, dot), function: symbol.slice(dot + 1) };
}

export function parseGo(text: string): RawException[] {
  const lines = splitLines(text);
  let message = '';
  let type = '';
  let i = 0;
  for (; i < lines.length && !GOROUTINE.test(lines[i]!); i++) {
    const panic = /^panic: (.*?)(?: \[recovered\])?$/.exec(lines[i]!);
    if (panic !== null && type === '') {
      type = 'panic';
      message = panic[1]!;
    } else if (type === '' && lines[i]!.trim() !== '' && message === '') {
      // A log line or error text recorded before the stack (e.g. "fatal error: ...").
      const fatal = /^fatal error: (.*)$/.exec(lines[i]!);
      if (fatal !== null) {
        type = 'fatal error';
        message = fatal[1]!;
      }
    }
  }
  if (i >= lines.length) return unparsed(text);
  const frames: RawFrame[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') break; // end of the first goroutine
    if (/^\s/.test(line)) continue; // a location without its symbol line
    const next = lines[i + 1];
    const location = next !== undefined ? LOCATION.exec(next) : null;
    if (line.startsWith('created by ')) {
      i++;
      continue; // where the goroutine was started, not part of its call stack
    }
    const open = openingParenOfTrailingGroup(line);
    const symbol = open > 0 ? line.slice(0, open) : line.trim();
    const frame: RawFrame = { ...splitGoSymbol(symbol), file: '' };
    if (frame.module === '') delete frame.module;
    if (location !== null) {
      frame.file = location[1]!;
      frame.line = toPositiveInt(location[2]);
      i++;
    }
    frames.push(frame);
  }
  return [{ type, message, frames }];
}
