/** Error analysis: stack-trace parsing and grouping (pure core), the `errors` processor, issues from InfluxDB, source maps and the API. */
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
export { extractExceptions, exceptionResource } from './extract';
export type { ExceptionReport, ExceptionResource } from './extract';
export {
  ErrorsProcessor,
  errorsProcessorFactory,
  errorsProcessorConfigSchema,
  ERROR_OCCURRENCES_MEASUREMENT,
  ERROR_RESOLUTIONS_MEASUREMENT,
} from './processor';
export type { ErrorsProcessorConfig } from './processor';
export { SourceMapStore, sourceFileKey, candidateKeys } from './sourcemaps';
export type { ResolvedFrame, SavedSourceMap, SourceMapStoreOptions } from './sourcemaps';
export { IssueService, FINGERPRINT_PATTERN } from './issues';
export type { IssueDetail, IssueFilter, IssueServiceOptions, IssueStatus, IssueSummary, Occurrence, ReleaseStats } from './issues';
export { createErrorsRouter, listQuerySchema, sourceMapQuerySchema } from './api';
export type { ErrorsRouterOptions } from './api';
