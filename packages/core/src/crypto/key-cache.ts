import { DEFAULT_CACHE_MAX_AGE_MS, DEFAULT_CACHE_MAX_ENTRIES } from './constants';
import { needs } from './needs';

export interface KeyCacheOptions {
  /** How long an unwrapped key may be reused; 0 turns the cache off. @default 5 minutes */
  readonly maxAgeMs?: number;
  /** @default 1000 */
  readonly maxEntries?: number;
  /** Zero every entry when the process exits. @default true */
  readonly clearOnExit?: boolean;
  /** @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly key: Buffer;
  readonly expiresAt: number;
}

/**
 * A per-process LRU cache of plaintext key material, with a maximum age.
 * Evicted, expired and cleared buffers are zeroed. Concurrent misses for the
 * same id share one load (one KMS call). Callers get a copy for the span of
 * one callback, zeroed after it, so an eviction never pulls a key out from
 * under a request in flight.
 *
 * Hand-written: lru-cache would do the LRU part, but not the zeroing and the
 * single-flight loads under one lock-free structure, which are the point.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Buffer>>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  public constructor(options: KeyCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_CACHE_MAX_AGE_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
    needs(Number.isFinite(this.maxAgeMs) && this.maxAgeMs >= 0, 'maxAgeMs must be 0 or more');
    needs(Number.isInteger(this.maxEntries) && this.maxEntries >= 1, 'maxEntries must be a positive integer');
    if (options.clearOnExit ?? true) {
      const clear = () => this.clear();
      process.once('exit', clear);
    }
  }

  public get size(): number {
    return this.entries.size;
  }

  public get enabled(): boolean {
    return this.maxAgeMs > 0;
  }

  /**
   * Runs `use` with a copy of the key for `id`, loading it with `load` on a
   * miss. The copy is zeroed when `use` settles.
   */
  public async withKey<T>(
    id: string,
    load: () => Promise<Uint8Array>,
    use: (key: Buffer) => Promise<T> | T,
  ): Promise<T> {
    // Off (max age 0): every use loads its own key, so every use is one KMS call.
    const copy = this.enabled ? Buffer.from(await this.get(id, load)) : Buffer.from(await load());
    try {
      return await use(copy);
    } finally {
      copy.fill(0);
    }
  }

  /** Puts freshly generated material in the cache (the caller keeps its own buffer). */
  public put(id: string, key: Uint8Array): void {
    if (!this.enabled) return;
    this.store(id, Buffer.from(key));
  }

  public clear(): void {
    for (const entry of this.entries.values()) entry.key.fill(0);
    this.entries.clear();
  }

  private async get(id: string, load: () => Promise<Uint8Array>): Promise<Buffer> {
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      if (hit.expiresAt > this.now()) {
        this.entries.delete(id);
        this.entries.set(id, hit);
        return hit.key;
      }
      this.evict(id);
    }
    const pending = this.loading.get(id);
    if (pending !== undefined) return pending;
    const promise = (async () => {
      const loaded = Buffer.from(await load());
      this.store(id, loaded);
      return loaded;
    })();
    this.loading.set(id, promise);
    try {
      return await promise;
    } finally {
      this.loading.delete(id);
    }
  }

  private store(id: string, key: Buffer): void {
    this.evict(id);
    this.entries.set(id, { key, expiresAt: this.now() + this.maxAgeMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest);
    }
  }

  private evict(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    entry.key.fill(0);
    this.entries.delete(id);
  }
}
