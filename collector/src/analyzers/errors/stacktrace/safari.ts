/**
 * Safari (JavaScriptCore) `err.stack`: "fn@url:line:col" lines like Firefox, with
 * "global code@", "module code@", "eval code@" and "[native code]" frames.
 */
import type { RawException } from '../types';
import { parseAtSignStack } from './firefox';

export function parseSafari(text: string): RawException[] {
  return parseAtSignStack(text);
}
