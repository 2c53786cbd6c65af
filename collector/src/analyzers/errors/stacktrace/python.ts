/**
 * Python tracebacks as `traceback.format_exception` prints them (what the OTel Python SDK
 * records): "Traceback (most recent call last):", "  File "f", line N, in fn" frames
 * outermost first, then "module.Type: message". Chained exceptions are printed cause
 * first, joined by "The above exception was the direct cause..." (cause) or "During
 * handling of the above exception..." (context).
 */
import type { RawException, RawFrame } from '../types';
import { splitLines, splitTypeAndMessage, toPositiveInt, unparsed } from './util';

const FRAME = /^\s*File "(.*)", line (\d+)(?:, in (.*))?$/;
const CAUSE = 'The above exception was the direct cause of the following exception:';
const CONTEXT = 'During handling of the above exception, another exception occurred:';

interface Block {
  frames: RawFrame[];
  headerLines: string[];
  /** How the block printed before this one relates to this one. */
  previousIs?: 'cause' | 'context';
}

export function parsePython(text: string): RawException[] {
  const blocks: Block[] = [];
  let current: Block = { frames: [], headerLines: [] };
  let pendingRelation: Block['previousIs'];
  const close = (): void => {
    if (current.frames.length > 0 || current.headerLines.length > 0) blocks.push(current);
  };
  for (const rawLine of splitLines(text)) {
    // Exception groups draw their sub-tracebacks inside "| " margins and "+---" rules.
    if (/^\s*\+[-+]/.test(rawLine)) continue;
    const line = rawLine.replace(/^(?:\s*[|+] ?)+(?=\s*(?:File |Traceback|Exception Group|\S))/, '');
    const trimmed = line.trim();
    if (trimmed === CAUSE || trimmed === CONTEXT) {
      close();
      pendingRelation = trimmed === CAUSE ? 'cause' : 'context';
      current = { frames: [], headerLines: [], previousIs: pendingRelation };
      continue;
    }
    if (/^(Exception Group )?Traceback \(most recent call last\):$/.test(trimmed)) {
      if (current.headerLines.length > 0) {
        close();
        current = { frames: [], headerLines: [] };
      }
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame !== null) {
      current.frames.push({ function: frame[3] ?? '', file: frame[1]!, line: toPositiveInt(frame[2]) });
      continue;
    }
    // Python prints a run of identical frames once: restore the count so lines stay true.
    const repeated = /^\[Previous line repeated (\d+) more times?\]$/.exec(trimmed);
    const last = current.frames[current.frames.length - 1];
    if (repeated !== null && last !== undefined) {
      for (let n = Math.min(Number(repeated[1]), 1000); n > 0; n--) current.frames.push({ ...last });
      continue;
    }
    if (trimmed === '') continue;
    // Indented lines after a frame are its source line and 3.11's ^^^ markers.
    if (/^\s/.test(line) && current.headerLines.length === 0) continue;
    current.headerLines.push(line);
  }
  close();
  if (blocks.length === 0 || blocks.every((b) => b.frames.length === 0 && !looksLikeHeader(b))) return unparsed(text);
  // Printed cause-first; the chain wants the raised (last printed) exception first.
  const chain: RawException[] = [];
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    const header = splitTypeAndMessage(block.headerLines.join('\n'));
    const relation = blocks[i + 1]?.previousIs;
    chain.push({
      type: header.type,
      message: header.message,
      frames: block.frames.reverse(),
      ...(relation !== undefined ? { relation } : {}),
    });
  }
  return chain;
}

function looksLikeHeader(block: Block): boolean {
  return block.headerLines.length > 0 && splitTypeAndMessage(block.headerLines[0]!).type !== '';
}
