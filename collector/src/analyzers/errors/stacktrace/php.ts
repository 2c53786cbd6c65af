/**
 * PHP: `(string) $exception` / uncaught fatal error output ("Type: msg in /p/f.php:5",
 * "Stack trace:", "#0 /p/f.php(10): fn('a')", ..., "#N {main}"; previous exceptions are
 * printed first and the later ones introduced by "Next "). PHP's "#i file(line): fn()"
 * line says where fn was *called*, so frames are shifted to pair each function with the
 * place inside it. The Java-like format of the OTel PHP SDK is read by the JVM parser.
 */
import type { RawException, RawFrame } from '../types';
import { parseJava } from './java';
import { splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

const HEADER_PREFIX = /^(?:PHP )?(?:(?:Fatal error|Warning):\s+)?(?:Uncaught\s+|Next\s+)?/;
const HEADER_PLACE = /^(\S.*?)(?::(\d+)| on line (\d+))$/;

/** "Type: message in /p/f.php:12": the place follows the last " in " (messages may contain one). */
function parseHeader(line: string): { header: string; file: string; line?: number } | null {
  const at = line.lastIndexOf(' in ');
  if (at < 0) return null;
  const place = HEADER_PLACE.exec(line.slice(at + 4));
  if (place === null) return null;
  return { header: line.slice(0, at).replace(HEADER_PREFIX, ''), file: place[1]!, line: toPositiveInt(place[2] ?? place[3]) };
}
const TRACE_LINE = /^#\d+\s+(?:(.+?)\((\d+)\)|\[internal function\]|\{main\})(?::\s*(.*))?$/;

interface Block {
  header: string;
  throwFile: string;
  throwLine?: number;
  calls: { file: string; line?: number; callee: string }[];
}

function splitCallee(callee: string): Pick<RawFrame, 'function' | 'module'> {
  const name = callee.replace(/\(.*\)$/s, '');
  const m = /^(.*?)(->|::)(.*)$/.exec(name);
  if (m === null) return { function: name };
  return { module: m[1]!, function: m[3]! };
}

function toException(block: Block): RawException {
  // calls[i] = "fn_i was called at file_i:line_i"; the code running inside fn_0 threw.
  const frames: RawFrame[] = [];
  let file = block.throwFile;
  let line = block.throwLine;
  for (const call of block.calls) {
    frames.push({ ...splitCallee(call.callee), file, line });
    file = call.file;
    line = call.line;
  }
  frames.push({ function: '{main}', file, line });
  return { ...splitTypeAndMessage(block.header), frames };
}

export function parsePhp(text: string): RawException[] {
  if (/^[ \t]*at[ \t]+[^\s(]+\([^()\n]*\.php(?::\d+)?\)[ \t]*$/m.test(text)) return parseJava(text);
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of splitLines(text)) {
    const trace = TRACE_LINE.exec(line);
    if (trace !== null && current !== undefined) {
      if (line.includes('{main}')) continue;
      current.calls.push({ file: trace[1] ?? '', line: toPositiveInt(trace[2]), callee: trace[3] ?? '' });
      continue;
    }
    const header = /^\s+thrown in /.test(line) ? null : parseHeader(line);
    if (header !== null) {
      current = { header: header.header, throwFile: header.file, throwLine: header.line, calls: [] };
      blocks.push(current);
    }
  }
  if (blocks.length === 0) return unparsed(text);
  return blocks.reverse().map((b, i) => ({ ...toException(b), ...(i > 0 ? { relation: 'cause' as const } : {}) }));
}
