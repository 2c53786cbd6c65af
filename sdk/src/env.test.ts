import fc from 'fast-check';
import { envReader, normalizeUrl, parseKeyValues } from './env';

function reader(env: Record<string, string>) {
  const warnings: string[] = [];
  return { read: envReader(env, (m) => warnings.push(m)), warnings };
}

describe('envReader', () => {
  describe('.string', () => {
    it('treats blank as unset and trims', () => {
      const { read } = reader({ A: '   ', B: '  x ' });
      expect(read.string('A')).toBeUndefined();
      expect(read.string('B')).toBe('x');
      expect(read.string('MISSING')).toBeUndefined();
    });
  });

  describe('.boolean / .integer / .oneOf / .url', () => {
    it('parses valid values silently', () => {
      const { read, warnings } = reader({ B: 'TRUE', I: '250', E: 'grpc', U: 'http://h:1/base/' });
      expect(read.boolean('B')).toBe(true);
      expect(read.integer('I', 1)).toBe(250);
      expect(read.oneOf('E', ['grpc', 'http/json'])).toBe('grpc');
      expect(read.url('U')).toBe('http://h:1/base');
      expect(warnings).toEqual([]);
    });

    it('returns undefined (the caller default) and warns once, naming the variable, for invalid values', () => {
      const { read, warnings } = reader({ B: 'yes', I: '2.5', J: '0', E: 'udp', U: 'ftp://x' });
      expect([read.boolean('B'), read.integer('I', 1), read.integer('J', 1), read.oneOf('E', ['grpc']), read.url('U')]).toEqual([
        undefined, undefined, undefined, undefined, undefined,
      ]);
      expect(warnings).toHaveLength(5);
      expect(warnings[0]).toMatch(/^B="yes" is invalid \(expected true or false\)/);
      expect(warnings[3]).toContain('one of grpc');
    });
  });

  describe('.list', () => {
    it('splits on commas, trims and drops blanks', () => {
      expect(reader({ L: ' fs, dns ,,net ' }).read.list('L')).toEqual(['fs', 'dns', 'net']);
      expect(reader({ L: ' ' }).read.list('L')).toBeUndefined();
    });
  });

  describe('.keyValues', () => {
    it('parses OTEL_RESOURCE_ATTRIBUTES-style pairs with percent-decoded values, and warns on a malformed one', () => {
      const { read, warnings } = reader({ R: 'service.name=shop, team=a%2Cb', BAD: 'novalue' });
      expect(read.keyValues('R')).toEqual({ 'service.name': 'shop', team: 'a,b' });
      expect(read.keyValues('BAD')).toBeUndefined();
      expect(warnings).toHaveLength(1);
    });
  });
});

describe('parseKeyValues', () => {
  it('round-trips any keys and values encoded the way the spec says', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9._]{0,20}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string()), (pairs) => {
        const text = Object.entries(pairs).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
        expect(parseKeyValues(text)).toEqual(pairs); // encoded whitespace is data, not padding
      }),
    );
  });
});

describe('normalizeUrl', () => {
  it('accepts absolute http(s) URLs only, without trailing slashes', () => {
    expect(normalizeUrl('https://hermes.example/')).toBe('https://hermes.example');
    expect(normalizeUrl('127.0.0.1:4318')).toBeUndefined();
    expect(normalizeUrl('not a url')).toBeUndefined();
  });
});
