/**
 * The user-facing settings of error grouping (zod, validated once at start-up) and their
 * conversion to {@link InAppOptions}. Patterns are plain substrings, or regular
 * expressions written "/source/flags".
 */
import { z } from 'zod';
import { DEFAULT_FRAME_COUNT, DEFAULT_SKIP_FUNCTIONS } from './fingerprint';
import type { FramePattern, InAppOptions } from './types';

const REGEX_LITERAL = /^\/(.+)\/([dgimsuy]*)$/s;

const pattern = z
  .string()
  .min(1)
  .refine(
    (value) => {
      const m = REGEX_LITERAL.exec(value);
      if (m === null) return true;
      try {
        new RegExp(m[1]!, m[2]);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected a substring or a valid "/regex/flags"' },
  );

export const errorGroupingConfigSchema = z
  .object({
    /** Files/modules that are the app's own code although a default rule says library. */
    inAppInclude: z.array(pattern).default([]).describe('Files/modules that are the app\'s own code although a default rule says library.'),
    /** Files/modules that are not the app's own code. Wins over inAppInclude. */
    inAppExclude: z.array(pattern).default([]).describe('Files/modules that are not the app\'s own code. Wins over inAppInclude.'),
    /** Extra error-constructor / reporting-helper function names to skip (added to the defaults). */
    skipFunctions: z.array(pattern).default([]).describe('Extra error-constructor / reporting-helper function names to skip (added to the defaults).'),
    /** Innermost in-app frames that form the fingerprint. */
    frameCount: z.number().int().min(1).max(50).default(DEFAULT_FRAME_COUNT).describe('Innermost in-app frames that form the fingerprint.'),
  })
  .strict();

export type ErrorGroupingConfig = z.infer<typeof errorGroupingConfigSchema>;

function toPattern(value: string): FramePattern {
  const m = REGEX_LITERAL.exec(value);
  return m === null ? value : new RegExp(m[1]!, m[2]!.replace(/[gy]/g, '')); // g/y would make .test stateful
}

/** Builds the options `parseStackTrace` and `fingerprint` take; call once, reuse the result. */
export function toInAppOptions(config: ErrorGroupingConfig): InAppOptions {
  return Object.freeze({
    include: Object.freeze(config.inAppInclude.map(toPattern)),
    exclude: Object.freeze(config.inAppExclude.map(toPattern)),
    skipFunctions: Object.freeze([...DEFAULT_SKIP_FUNCTIONS, ...config.skipFunctions.map(toPattern)]),
    frameCount: config.frameCount,
  });
}
