/** Error analysis core: stack-trace parsing for every supported runtime and grouping. */
export { parseStackTrace, MAX_STACK_CHARS } from './parse';
export {
  fingerprint,
  normalizeFunctionName,
  DEFAULT_SKIP_FUNCTIONS,
  DEFAULT_FRAME_COUNT,
  FINGERPRINT_ATTRIBUTE,
  FINGERPRINT_HEX_CHARS,
  FINGERPRINT_VERSION,
} from './fingerprint';
export type { FingerprintInput, FingerprintResult } from './fingerprint';
export { normalizeMessage } from './normalize';
export { normalizeFilePath } from './paths';
export { isInApp } from './in-app';
export { detectRuntime } from './stacktrace/detect';
export type { Frame, FramePattern, InAppOptions, ParsedException, ParsedStack, Runtime } from './types';
export { errorGroupingConfigSchema, toInAppOptions } from './config';
export type { ErrorGroupingConfig } from './config';
