import { errorGroupingConfigSchema, fingerprint, parseStackTrace, toInAppOptions } from './index';

describe('errorGroupingConfigSchema', () => {
  describe('.parse', () => {
    it('fills defaults and rejects unknown keys and bad regexes with the key path', () => {
      expect(errorGroupingConfigSchema.parse({})).toEqual({ inAppInclude: [], inAppExclude: [], skipFunctions: [], frameCount: 5 });
      expect(() => errorGroupingConfigSchema.parse({ frameCount: 0 })).toThrow(/frameCount/);
      expect(() => errorGroupingConfigSchema.parse({ inAppExclude: ['/(unclosed/'] })).toThrow(/inAppExclude/);
      expect(() => errorGroupingConfigSchema.parse({ inApp: [] })).toThrow();
    });
  });
});

describe('toInAppOptions', () => {
  it('turns "/re/flags" into regexes and substrings into substrings, extending the helper list', () => {
    const options = toInAppOptions(errorGroupingConfigSchema.parse({
      inAppInclude: ['node_modules/@acme/'],
      inAppExclude: ['/generated\\.js$/i'],
      skipFunctions: ['assertOk'],
    }));
    const stack = parseStackTrace([
      'Error: x',
      '    at assertOk (/app/src/assert.js:1:1)',
      '    at Generated.run (/app/src/GENERATED.JS:1:1)',
      '    at retry (/app/node_modules/@acme/db/retry.js:1:1)',
      '    at save (/app/src/repo.js:2:1)',
    ].join('\n'), { language: 'nodejs' }, options);
    expect(stack.chain[0]!.frames.map((f) => f.inApp)).toEqual([true, false, true, true]);
    expect(fingerprint({ type: 'Error', message: 'x', stack }, options).culprit).toBe('@acme/db/retry.js in retry');
  });
});
