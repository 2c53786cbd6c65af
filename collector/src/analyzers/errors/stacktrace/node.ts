/** Node.js `err.stack` (V8 format, file paths, `node:internal` frames, `async` frames). */
import type { RawException } from '../types';
import { parseV8 } from './v8';

export function parseNode(text: string): RawException[] {
  return parseV8(text);
}
