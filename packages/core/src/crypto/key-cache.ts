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

/** A load in flight: the waiters copy the loaded bytes, the last one out zeroes them. */
interface Pending {
  readonly promise: Promise<Buffer>;
  waiters: number;
}

/**
 * A per-process LRU cache of plaintext key material, with a maximum age.
 * Evicted, expired and cleared buffers are zeroed. Concurrent misses for the
 * same id share one load (one KMS call).
 *
 * Ownership: the cache owns the buffers it stores and zeroes them when they
 * leave it; every caller gets its own copy, made synchronously at the moment
 * the entry is read (never after an `await`, when an eviction may already
 * have zeroed the entry), and zeroed when its callback settles. A shared
 * load's bytes belong to the load: each waiter copies them, the last one
 * zeroes them; the cache stores a copy of its own.
 *
 * Hand-written: lru-cache would do the LRU part, but not the zeroing and the
 * single-flight loads under one lock-free structure, which are the point.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Pending>();
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
   * Runs `use` with a private copy of the key for `id`, loading it with
   * `load` on a miss. The copy is zeroed when `use` settles. `load` hands
   * over its buffer: the cache copies it and zeroes it.
   */
  public async withKey<T>(
    id: string,
    load: () => Promise<Uint8Array>,
    use: (key: Buffer) => Promise<T> | T,
  ): Promise<T> {
    // Off (max age 0): every use loads its own key, so every use is one KMS call.
    const copy = this.enabled ? await this.acquire(id, load) : takeOver(await load());
    try {
      return await use(copy);
    } finally {
      copy.fill(0);
    }
  }

  /** Puts freshly generated material in the cache (the caller keeps, and zeroes, its own buffer). */
  public put(id: string, key: Uint8Array): void {
    if (!this.enabled) return;
    this.store(id, Buffer.from(key));
  }

  public clear(): void {
    for (const entry of this.entries.values()) entry.key.fill(0);
    this.entries.clear();
  }

  /** A copy the caller owns: of a young entry, or of a (possibly shared) fresh load. */
  private async acquire(id: string, load: () => Promise<Uint8Array>): Promise<Buffer> {
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      if (hit.expiresAt > this.now()) {
        this.entries.delete(id);
        this.entries.set(id, hit);
        return Buffer.from(hit.key);
      }
      this.evict(id);
    }
    let pending = this.loading.get(id);
    if (pending === undefined) {
      const promise = load().then((raw) => {
        const loaded = takeOver(raw);
        this.store(id, Buffer.from(loaded));
        return loaded;
      });
      const started: Pending = { promise, waiters: 0 };
      pending = started;
      this.loading.set(id, started);
      // Whatever happens, the next miss after this load settles starts a new one.
      promise.then(
        () => this.loading.get(id) === started && this.loading.delete(id),
        () => this.loading.get(id) === started && this.loading.delete(id),
      );
    }
    pending.waiters += 1;
    let shared: Buffer | undefined;
    try {
      shared = await pending.promise;
      return Buffer.from(shared);
    } finally {
      pending.waiters -= 1;
      if (pending.waiters === 0 && shared !== undefined) shared.fill(0);
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

/** Copies key material into a buffer of our own and zeroes the original (a KMS response's plaintext). */
export function takeOver(raw: Uint8Array): Buffer {
  const own = Buffer.from(raw);
  raw.fill(0);
  return own;
}
