/** AnyValue as plain JSON data or as text: how every stage that stores or shows a value reads it. */
import type { AnyValue, KeyValue } from './telemetry';

/** An AnyValue as plain JSON data: bytes as base64, kvlists as objects. */
export function anyValueToJson(value: AnyValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(anyValueToJson);
  const out: Record<string, unknown> = {};
  for (const kv of value.kvlist) out[kv.key] = anyValueToJson(kv.value);
  return out;
}

/** An AnyValue as text: strings as-is, scalars by String(), bytes as base64, the rest as JSON; null as ''. */
export function anyValueToText(value: AnyValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  const json = anyValueToJson(value);
  return typeof json === 'string' ? json : JSON.stringify(json);
}

export function attributesToJson(attributes: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of attributes) out[kv.key] = anyValueToJson(kv.value);
  return out;
}

export function findAttribute(attributes: KeyValue[], key: string): AnyValue | undefined {
  for (const kv of attributes) if (kv.key === key) return kv.value;
  return undefined;
}
