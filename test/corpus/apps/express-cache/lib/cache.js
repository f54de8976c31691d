const { LRUCache } = require('lru-cache');

// The app's cache: what it holds is state, filled as requests come.
const cache = new LRUCache({ max: 500, ttl: 10 * 60 * 1000 });
const counts = { hits: 0, misses: 0 };

/** The value under `key`, loaded with `load()` and kept when it is not cached yet. */
async function cached(key, load) {
  const hit = cache.get(key);
  if (hit !== undefined) {
    counts.hits++;
    return { value: hit, cached: true };
  }
  counts.misses++;
  const value = await load();
  if (value !== undefined) cache.set(key, value);
  return { value, cached: false };
}

function invalidate(key) {
  cache.delete(key);
}

function cacheStats() {
  return { size: cache.size, max: cache.max, keys: [...cache.keys()], hits: counts.hits, misses: counts.misses };
}

module.exports = { cached, invalidate, cacheStats };
