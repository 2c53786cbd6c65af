/** The configured tagAttributes of spans or logs: their order and escaped tag names. */
import { tagNames } from './context';

export interface TagAttributes {
  /** Attribute key → position in `keys`. */
  index: ReadonlyMap<string, number>;
  /** Escaped tag names, in config order. */
  keys: readonly string[];
}

export function tagAttributes(configured: readonly string[], columns: ReadonlySet<string>): TagAttributes {
  const unique = [...new Set(configured)];
  const names = tagNames(columns);
  return { index: new Map(unique.map((key, i) => [key, i])), keys: unique.map((key) => names.get(key)) };
}
