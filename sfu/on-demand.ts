/**
 * Things opened when first needed and closed when the last user is done: a producer piped to another
 * router (sfu/pipes.ts) or carried across a link to another node (sfu/cascade/links.ts) for as long
 * as some consumer depends on it.
 */

/** A user of an entry: the entry stays open until the user closes. */
export interface Trackable {
  readonly closed: boolean;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
}

interface Entry<V> {
  ready: Promise<V>;
  value?: V;
  readonly users: Set<Trackable>;
  /** Uses in flight: the entry stays while any is. */
  pending: number;
  /** Kept whatever its users (until it closes by itself or everything closes). */
  pinned: boolean;
  closed: boolean;
}

export class OnDemand<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #closed = false;

  /** `shut` closes a value no longer needed. */
  constructor(private readonly shut: (value: V, key: string) => void) {}

  get size(): number {
    return this.#entries.size;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The open value of `key`, if it is ready. */
  value(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Runs `consume` once `key` is open (by `open`, unless it is already); the user it returns keeps it open until the user closes. */
  async use<T extends Trackable>(key: string, open: () => Promise<V>, consume: (value: V) => Promise<T | undefined>): Promise<T | undefined> {
    const entry = this.#entry(key, open);
    entry.pending++;
    try {
      const user = await consume(await entry.ready);
      if (user && !user.closed && !entry.closed) {
        entry.users.add(user);
        user.observer.once('close', () => {
          entry.users.delete(user);
          this.#closeIfUnused(key, entry);
        });
      }
      return user;
    } finally {
      entry.pending--;
      this.#closeIfUnused(key, entry);
    }
  }

  /** Opens `key` for good (until it closes by itself). */
  pin(key: string, open: () => Promise<V>): Promise<V> {
    const entry = this.#entry(key, open);
    entry.pinned = true;
    return entry.ready;
  }

  /** The value closed by itself (its producer went, its link broke): forget it without closing it again. */
  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.closed = true;
    this.#entries.delete(key);
  }

  /** Closes the entries whose key matches. */
  closeWhere(match: (key: string) => boolean): void {
    for (const [key, entry] of [...this.#entries]) if (match(key)) this.#shut(key, entry);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [key, entry] of [...this.#entries]) this.#shut(key, entry);
  }

  #entry(key: string, open: () => Promise<V>): Entry<V> {
    if (this.#closed) throw new Error('closed');
    const existing = this.#entries.get(key);
    if (existing) return existing;
    const entry: Entry<V> = { ready: Promise.resolve(undefined as V), users: new Set(), pending: 0, pinned: false, closed: false };
    entry.ready = open().then(
      (value) => {
        entry.value = value;
        if (entry.closed) this.shut(value, key);
        return value;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        entry.closed = true;
        throw error;
      },
    );
    // A failure reaches whoever awaits it; nobody may be left holding an unhandled rejection.
    entry.ready.catch(() => {});
    this.#entries.set(key, entry);
    return entry;
  }

  #closeIfUnused(key: string, entry: Entry<V>): void {
    if (entry.closed || entry.pinned || entry.pending > 0 || entry.users.size > 0) return;
    this.#shut(key, entry);
  }

  #shut(key: string, entry: Entry<V>): void {
    if (entry.closed) return;
    entry.closed = true;
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    if (entry.value !== undefined) this.shut(entry.value, key);
  }
}
