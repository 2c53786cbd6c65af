/** Chrome/Chromium/Edge `err.stack` (V8 format with URLs). */
import type { RawException } from '../types';
import { parseV8 } from './v8';

export function parseChrome(text: string): RawException[] {
  return parseV8(text);
}
