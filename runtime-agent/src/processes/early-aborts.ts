/**
 * Aborts that came before their plan existed. A client that stopped waiting for a prepare (its
 * deadline passed) aborts the plan by the id it chose; the agent may still be preparing it, or
 * not have started. The id is kept here for as long as a plan would live, and the prepare that
 * finishes with it drops its plan instead of staging it. Bounded: the oldest ids go first.
 */
export class EarlyAborts {
  readonly #ids = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly max = 1000,
  ) {}

  add(id: string): void {
    this.#prune();
    this.#ids.delete(id);
    this.#ids.set(id, Date.now() + this.ttlMs);
    while (this.#ids.size > this.max) this.#ids.delete(this.#ids.keys().next().value!);
  }

  /** Whether `id` was aborted before its prepare finished (forgotten once asked). */
  take(id: string): boolean {
    this.#prune();
    return this.#ids.delete(id);
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, expires] of this.#ids) {
      if (expires > now) break; // insertion order is expiry order
      this.#ids.delete(id);
    }
  }
}
