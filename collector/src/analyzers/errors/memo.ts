/**
 * Bounded memoization for per-frame string work. A service throws from the same few
 * hundred files and functions over and over, so caching their normalized forms keeps
 * ingest cheap; the bound (cleared wholesale when full) keeps memory flat under churn.
 */
export function boundedMemo<V>(compute: (key: string) => V, maxEntries = 20_000): (key: string) => V {
  let cache = new Map<string, V>();
  return (key: string): V => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= maxEntries) cache = new Map();
      cache.set(key, value);
    }
    return value;
  };
}
