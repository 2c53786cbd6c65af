/**
 * The one place the SDK reads environment variables. Every read goes through an `EnvReader`, so
 * the rules hold everywhere: a blank value is unset; an invalid value produces one warning naming
 * the variable and what was expected, and the caller's default applies.
 */

export type Env = Readonly<Record<string, string | undefined>>;
export type Warn = (message: string) => void;

export interface EnvReader {
  string(name: string): string | undefined;
  boolean(name: string): boolean | undefined;
  /** A whole number, at least `min`. */
  integer(name: string, min: number): number | undefined;
  /** Comma-separated, trimmed, blanks dropped. */
  list(name: string): string[] | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  /** An absolute http(s) URL, returned without a trailing slash. */
  url(name: string): string | undefined;
  /** W3C-baggage-like `k1=v1,k2=v2` with percent-encoded values (OTEL_RESOURCE_ATTRIBUTES, *_HEADERS). */
  keyValues(name: string): Record<string, string> | undefined;
}

export function envReader(env: Env, warn: Warn): EnvReader {
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const invalid = (name: string, value: string, expected: string): undefined => {
    warn(`${name}=${JSON.stringify(value)} is invalid (expected ${expected}); using the default`);
    return undefined;
  };
  return {
    string: raw,
    boolean(name) {
      const value = raw(name);
      if (value === undefined) return undefined;
      const lower = value.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return invalid(name, value, 'true or false');
    },
    integer(name, min) {
      const value = raw(name);
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) return invalid(name, value, `an integer >= ${min}`);
      return n;
    },
    list(name) {
      const value = raw(name);
      if (value === undefined) return undefined;
      return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    },
    oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      return invalid(name, value, `one of ${allowed.join(', ')}`);
    },
    url(name) {
      const value = raw(name);
      if (value === undefined) return undefined;
      return normalizeUrl(value) ?? invalid(name, value, 'an absolute http(s) URL');
    },
    keyValues(name) {
      const value = raw(name);
      if (value === undefined) return undefined;
      const parsed = parseKeyValues(value);
      return parsed ?? invalid(name, value, 'comma-separated key=value pairs');
    },
  };
}

/** An absolute http(s) URL without trailing slashes, or undefined if `value` is not one. */
export function normalizeUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** Parses `k1=v1,k2=v2` (values percent-decoded); undefined if any pair is malformed. */
export function parseKeyValues(value: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const key = pair.slice(0, eq).trim();
    let decoded: string;
    try {
      decoded = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
    if (key === '') return undefined;
    out[key] = decoded;
  }
  return out;
}
