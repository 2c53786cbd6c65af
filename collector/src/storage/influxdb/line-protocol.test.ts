import fc from 'fast-check';
import {
  MAX_STRING_FIELD_BYTES,
  encodeFloat,
  encodeInt,
  encodeStringField,
  escapeKey,
  escapeMeasurement,
  truncateUtf8,
} from './line-protocol';

/** influxd 1.x's reading of a tag value/key: `\` pairs with the next byte; only `\,` `\=` `\ ` lose the backslash. */
function influxReadKey(escaped: string): string {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i];
    if (c === '\\' && i + 1 < escaped.length) {
      const next = escaped[i + 1];
      out += next === ',' || next === '=' || next === ' ' ? next : c + next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** The separators a line-protocol scanner would see in an escaped key: unpaired `,`, `=`, space, newline. */
function unescapedSeparators(escaped: string): number {
  let count = 0;
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '\\') i++;
    else if (',= \n'.includes(escaped[i])) count++;
  }
  return count;
}

describe('line protocol', () => {
  describe('escapeKey', () => {
    it('escapes commas, equals signs and spaces so they round-trip', () => {
      const value = 'a b,c=d';
      expect(escapeKey(value)).toBe('a\\ b\\,c\\=d');
      expect(influxReadKey(escapeKey(value))).toBe(value);
    });

    it('keeps backslashes that precede ordinary characters as they are', () => {
      expect(escapeKey('C:\\dir\\file')).toBe('C:\\dir\\file');
    });

    it('stores an odd backslash run before a separator with one more backslash', () => {
      expect(influxReadKey(escapeKey('a\\,b'))).toBe('a\\\\,b');
      expect(influxReadKey(escapeKey('a\\\\,b'))).toBe('a\\\\,b');
    });

    it('drops trailing backslashes, which influxd cannot read', () => {
      expect(escapeKey('dir\\')).toBe('dir');
      expect(escapeKey('\\\\')).toBe('');
    });

    it('turns a newline into the two characters \\n', () => {
      expect(escapeKey('a\nb')).toBe('a\\nb');
    });

    it('never leaves a separator unescaped nor ends in a backslash', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('a', '\\', ',', '=', ' ', '\n', '"', 'é') }), (text) => {
          const escaped = escapeKey(text);
          expect(unescapedSeparators(escaped)).toBe(0);
          expect(escaped.endsWith('\\')).toBe(false);
        }),
      );
    });

    it('round-trips exactly every value without backslashes', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('a', ',', '=', ' ', '"', 'é', '\t') }), (text) => {
          expect(influxReadKey(escapeKey(text))).toBe(text);
        }),
      );
    });
  });

  describe('escapeMeasurement', () => {
    it('escapes commas and spaces but not equals signs', () => {
      expect(escapeMeasurement('http server,x=1')).toBe('http\\ server\\,x=1');
    });

    it('prefixes a leading # so the line is not read as a comment', () => {
      expect(escapeMeasurement('#metric')).toBe('_#metric');
    });

    it('names an empty measurement _', () => {
      expect(escapeMeasurement('')).toBe('_');
    });
  });

  describe('encodeStringField', () => {
    it('round-trips quotes, backslashes and newlines', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '"', '\n', ',', ' ', '=') }), (text) => {
          const encoded = encodeStringField(text);
          expect(encoded.startsWith('"') && encoded.endsWith('"')).toBe(true);
          expect(encoded.slice(1, -1).replace(/\\(["\\])/g, '$1')).toBe(text);
        }),
      );
    });

    it('truncates values over 64 KiB of UTF-8 on a character boundary and reports it', () => {
      const onTruncate = jest.fn();
      const value = '€'.repeat(30_000); // 90,000 bytes
      const encoded = encodeStringField(value, onTruncate);
      const inner = encoded.slice(1, -1);
      expect(onTruncate).toHaveBeenCalledTimes(1);
      expect(Buffer.byteLength(inner)).toBeLessThanOrEqual(MAX_STRING_FIELD_BYTES);
      expect(Buffer.byteLength(inner)).toBeGreaterThan(MAX_STRING_FIELD_BYTES - 3);
      expect(value.startsWith(inner)).toBe(true);
    });

    it('leaves values at the limit alone', () => {
      const onTruncate = jest.fn();
      expect(encodeStringField('a'.repeat(MAX_STRING_FIELD_BYTES), onTruncate).length).toBe(MAX_STRING_FIELD_BYTES + 2);
      expect(onTruncate).not.toHaveBeenCalled();
    });
  });

  describe('truncateUtf8', () => {
    it('never splits a surrogate pair', () => {
      expect(truncateUtf8('a😀', 4)).toBe('a');
      expect(truncateUtf8('a😀', 5)).toBe('a😀');
    });
  });

  describe('encodeFloat', () => {
    it('refuses NaN and infinities', () => {
      expect(encodeFloat(NaN)).toBeUndefined();
      expect(encodeFloat(Infinity)).toBeUndefined();
      expect(encodeFloat(-Infinity)).toBeUndefined();
    });

    it('writes integers without the i suffix so they stay floats', () => {
      expect(encodeFloat(3)).toBe('3');
    });
  });

  describe('encodeInt', () => {
    it('writes integer literals, never exponent notation nor the u suffix', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true }), (value) => {
          expect(encodeInt(value)).toMatch(/^-?\d+i$/);
        }),
      );
      expect(encodeInt(12n)).toBe('12i');
    });
  });
});
