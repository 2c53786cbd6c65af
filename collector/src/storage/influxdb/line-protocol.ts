/**
 * InfluxDB 1.x line-protocol escaping and value formatting, written for speed (the
 * exporter's hot path) and for what influxd 1.6.7 actually accepts, measured here.
 *
 * Not a point builder: callers concatenate the escaped pieces themselves so repeated
 * fragments (a resource's tags and fields) are escaped once and reused.
 */

/** InfluxDB's string field limit: longer values are truncated to this many UTF-8 bytes. */
export const MAX_STRING_FIELD_BYTES = 64 * 1024 - 1;

const NEEDS_KEY_ESCAPE = /[,= \\\n]/;
const NEEDS_MEASUREMENT_ESCAPE = /[, \\\n#]/;
const NEEDS_STRING_ESCAPE = /["\\]/;

/**
 * Escapes a tag key, tag value or field key.
 *
 * influxd 1.x reads `\` + any byte as a pair while scanning but unescapes only `\,`,
 * `\=` and `\ `, so a backslash is literal unless it precedes one of those, and a value
 * ending in a backslash cannot be written at all ("invalid tag format"). Hence:
 * - a run of n backslashes directly before `,`, `=` or space is stored exactly when n is
 *   even and as n + 1 backslashes when n is odd (the only representable neighbours);
 * - trailing backslashes are removed;
 * - a newline (which would end the line) becomes the two characters `\n`.
 * Callers omit tags whose escaped value is empty (influxd rejects empty tag values).
 */
export function escapeKey(text: string): string {
  if (!NEEDS_KEY_ESCAPE.test(text)) return text;
  return escapeWith(text, isKeySpecial);
}

/**
 * Escapes a measurement name: commas and spaces, with the same backslash and newline
 * rules as {@link escapeKey}. A leading `#` would turn the line into a comment that
 * influxd silently skips, so such names get a leading `_`; an empty name becomes `_`.
 */
export function escapeMeasurement(name: string): string {
  if (name === '') return '_';
  if (!NEEDS_MEASUREMENT_ESCAPE.test(name)) return name;
  const escaped = escapeWith(name, isMeasurementSpecial);
  if (escaped === '') return '_';
  return escaped.charCodeAt(0) === 0x23 /* # */ ? '_' + escaped : escaped;
}

function isKeySpecial(code: number): boolean {
  return code === 0x2c || code === 0x3d || code === 0x20;
}

function isMeasurementSpecial(code: number): boolean {
  return code === 0x2c || code === 0x20;
}

function escapeWith(text: string, isSpecial: (code: number) => boolean): string {
  let out = '';
  let backslashes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c) {
      backslashes++;
      continue;
    }
    if (isSpecial(code)) {
      // An odd number of backslashes is needed to escape the separator; influxd then
      // removes exactly one, so store an even run (rounded up) followed by the byte.
      const even = backslashes + (backslashes & 1);
      out += '\\'.repeat(even + 1) + text[i];
    } else if (code === 0x0a) {
      out += '\\'.repeat(backslashes) + '\\n';
    } else {
      out += backslashes > 0 ? '\\'.repeat(backslashes) + text[i] : text[i];
    }
    backslashes = 0;
  }
  // Trailing backslashes are dropped: influxd rejects every encoding of them.
  return out;
}

/**
 * Encodes a string field value including its quotes. Backslashes and double quotes
 * round-trip exactly; newlines need no escape inside quotes. Values longer than
 * {@link MAX_STRING_FIELD_BYTES} UTF-8 bytes are cut on a character boundary and
 * `onTruncate` is called (the caller counts it).
 */
export function encodeStringField(value: string, onTruncate?: () => void): string {
  let text = value;
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the byte count.
  if (text.length * 3 > MAX_STRING_FIELD_BYTES && Buffer.byteLength(text, 'utf8') > MAX_STRING_FIELD_BYTES) {
    text = truncateUtf8(text, MAX_STRING_FIELD_BYTES);
    onTruncate?.();
  }
  if (!NEEDS_STRING_ESCAPE.test(text)) return '"' + text + '"';
  return '"' + text.replace(/["\\]/g, '\\$&') + '"';
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + width > maxBytes) break;
    bytes += width;
    i += code >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, i);
}

/**
 * Encodes a float field value, or returns undefined for NaN and ±Infinity, which
 * influxd rejects (the caller skips the field and counts it). JavaScript's number
 * text (`1e+21`, `5e-324`) is valid line protocol; integers stay floats without `i`.
 */
export function encodeFloat(value: number): string | undefined {
  return Number.isFinite(value) ? String(value) : undefined;
}

/**
 * Encodes an integer field (`123i`). Only for fields that are integers by schema; never
 * emits the unsigned `u` suffix, which influxd 1.6 rejects.
 */
export function encodeInt(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString() + 'i';
  if (Number.isSafeInteger(value)) return String(value) + 'i';
  if (!Number.isFinite(value)) return '0i';
  // Beyond 2^53 String() would give exponent notation, which is not an integer literal.
  const clamped = Math.max(-9223372036854775808, Math.min(9223372036854774784, Math.trunc(value)));
  return BigInt(clamped).toString() + 'i';
}
