interface Entry<V> {
  value: V;
  expiresAt: number;
}

/**
 * A map bounded in count and age: at most `maxEntries` entries (setting one more evicts the
 * least recently used), and an entry older than `ttlMs` (counted from its last `set`, not from
 * reads) is never returned. Written here rather than taken from lru-cache, which is only a
 * transitive dependency of the tooling at a version we do not pin.
 *
 * A JavaScript Map iterates in insertion order, so re-inserting an entry on every read keeps the
 * least recently used first. Expired entries are dropped when read, and from the least recently
 * used end on every write; memory is bounded by the count either way. No locking is needed: no
 * method awaits, so each runs whole on Node's one thread.
 */
export class LruTtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer: ${maxEntries}`);
    }
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive: ${ttlMs}`);
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    this.dropExpiredFromOldest();
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  private dropExpiredFromOldest(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
