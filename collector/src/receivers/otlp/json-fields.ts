/**
 * Typed field readers for OTLP/JSON objects: camelCase-or-snake_case lookup, proto3 defaults
 * for absent or null fields, the number/string spellings real senders use, enum names, and
 * errors that name the JSON path and what was expected.
 */
import { isHexBytes } from './hex';
import { malformed } from './protobuf-reader';

export type JsonObject = Record<string, unknown>;

// ---- field access: camelCase first, then snake_case ----

const snakeCache = new Map<string, string>();

function snakeCase(camel: string): string {
  let snake = snakeCache.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCache.set(camel, snake);
  }
  return snake;
}

export function get(o: JsonObject, camelKey: string): unknown {
  const v = o[camelKey];
  return v !== undefined ? v : o[snakeCase(camelKey)];
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export function wrongType(path: string, expected: string, v: unknown): Error {
  return malformed(`${path}: expected ${expected}, got ${describe(v)}`);
}

// ---- typed readers; absent (undefined or null) means the proto3 default ----

export function object(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(path, 'an object', v);
  return v as JsonObject;
}

export function list<T>(o: JsonObject, key: string, path: string, read: (item: JsonObject, path: string) => T): T[] {
  const v = get(o, key);
  const listPath = join(path, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongType(listPath, 'an array', v);
  const out: T[] = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) {
    const itemPath = `${listPath}[${i}]`;
    out[i] = read(object(v[i], itemPath) ?? {}, itemPath);
  }
  return out;
}

export function numbers(o: JsonObject, key: string, path: string, read: (v: unknown, path: string) => number): number[] {
  const v = get(o, key);
  const listPath = join(path, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw wrongType(listPath, 'an array', v);
  return v.map((item, i) => read(item, `${listPath}[${i}]`));
}

export function string(o: JsonObject, key: string, path: string): string {
  const v = get(o, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw wrongType(join(path, key), 'a string', v);
  return v;
}

export function boolean(o: JsonObject, key: string, path: string): boolean {
  const v = get(o, key);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw wrongType(join(path, key), 'a boolean', v);
  return v;
}

const INTEGER_STRING = /^-?\d+$/;

/** A 32- or 64-bit integer as a number: a JSON number or a decimal string. */
export function integerValue(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER_STRING.test(v)) return Number(v);
  throw wrongType(path, 'an integer', v);
}

export function integer(o: JsonObject, key: string, path: string): number {
  const v = get(o, key);
  return v === undefined || v === null ? 0 : integerValue(v, join(path, key));
}

export function unsignedValue(v: unknown, path: string): number {
  const n = integerValue(v, path);
  if (n < 0) throw wrongType(path, 'an unsigned integer', v);
  return n;
}

export function unsigned(o: JsonObject, key: string, path: string): number {
  const v = get(o, key);
  return v === undefined || v === null ? 0 : unsignedValue(v, join(path, key));
}

const UNSIGNED_STRING = /^\d+$/;

/** A fixed64 timestamp in nanoseconds: a decimal string (exact) or a JSON number. */
export function nanos(o: JsonObject, key: string, path: string): bigint {
  const v = get(o, key);
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'string' && UNSIGNED_STRING.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  throw wrongType(join(path, key), 'nanoseconds as an unsigned integer', v);
}

const SPECIAL_DOUBLES = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

export function doubleValue(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL_DOUBLES.get(v);
    if (special !== undefined) return special;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(n)) return n;
  }
  throw wrongType(path, 'a number', v);
}

export function optionalDouble(o: JsonObject, key: string, path: string): number | undefined {
  const v = get(o, key);
  return v === undefined || v === null ? undefined : doubleValue(v, join(path, key));
}

export function double(o: JsonObject, key: string, path: string): number {
  return optionalDouble(o, key, path) ?? 0;
}

/** An enum as its number or its proto name (e.g. "SPAN_KIND_SERVER"). */
export function enumeration(o: JsonObject, key: string, path: string, names: Readonly<Record<string, number>>): number {
  const v = get(o, key);
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v];
  throw wrongType(join(path, key), `an enum number or one of ${Object.keys(names).slice(0, 3).join(', ')}…`, v);
}

/** A trace/span id: hex in OTLP/JSON. Wrong lengths are left to validation; non-hex fails here. */
export function id(o: JsonObject, key: string, path: string, bytes: number): string {
  const v = get(o, key);
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || !isHexBytes(v)) throw wrongType(join(path, key), `${bytes * 2} hex characters`, v);
  return v.toLowerCase();
}

function enumNames(prefix: string, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name, i) => [`${prefix}${name}`, i]));
}

export const SPAN_KIND_NAMES = enumNames('SPAN_KIND_', ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
export const STATUS_CODE_NAMES = enumNames('STATUS_CODE_', ['UNSET', 'OK', 'ERROR']);
export const TEMPORALITY_NAMES = enumNames('AGGREGATION_TEMPORALITY_', ['UNSPECIFIED', 'DELTA', 'CUMULATIVE']);
export const SEVERITY_NAMES = enumNames('SEVERITY_NUMBER_', [
  'UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) => [level, `${level}2`, `${level}3`, `${level}4`]),
]);
