// A small time-based cache, the kind apps write before they reach for Redis.
export class TtlCache<V> {
  #entries = new Map<string, { value: V; expires: number }>();
  hits = 0;

  constructor(private readonly ttlMs: number) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry || entry.expires < Date.now()) return undefined;
    this.hits++;
    return entry.value;
  }

  set(key: string, value: V): void {
    this.#entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.#entries.clear();
  }
}
