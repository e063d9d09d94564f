import { AppError } from '../lib/errors.js';
import { guardedWrite, type Guard, type Write } from './guarded-write.js';
import type { Keys } from './keys.js';
import type { Hall, Person, Unit } from './records.js';
import type { RedisClient } from './redis.js';

export type Collection = 'units' | 'halls' | 'people';

/** The directory as one request read it: what checks and scope rules decide on. */
export interface DirectoryView {
  readonly units: ReadonlyMap<string, Unit>;
  readonly halls: ReadonlyMap<string, Hall>;
  readonly people: ReadonlyMap<string, Person>;
}

interface Snapshot extends DirectoryView {
  readonly raw: Record<Collection, ReadonlyMap<string, string>>;
  readonly versions: Record<Collection, number>;
}

/** Units, halls, people and their versions in one MULTI, so they are consistent with each other. */
export async function readSnapshot(redis: RedisClient, keys: Keys): Promise<Snapshot> {
  const [units, halls, people, versions] = (await redis
    .multi()
    .hGetAll(keys.units())
    .hGetAll(keys.halls())
    .hGetAll(keys.people())
    .hGetAll(keys.directoryVersions())
    .exec()) as unknown as Record<string, string>[];
  const raw = { units: toMap(units), halls: toMap(halls), people: toMap(people) };
  const parse = <T>(m: Map<string, string>) => new Map([...m].map(([id, json]) => [id, JSON.parse(json) as T]));
  const v = versions ?? {};
  return {
    raw,
    units: parse<Unit>(raw.units),
    halls: parse<Hall>(raw.halls),
    people: parse<Person>(raw.people),
    versions: { units: Number(v.units ?? 0), halls: Number(v.halls ?? 0), people: Number(v.people ?? 0) },
  };
}

function toMap(record: Record<string, string> | undefined): Map<string, string> {
  return new Map(Object.entries(record ?? {}));
}

/**
 * One attempt at a directory change: the facts it relied on (guards) and what it writes.
 * Writing a record raises its collection's version, so a change that depends on "nothing
 * refers to X" can guard the whole collection.
 */
export class DirectoryTx {
  readonly guards: Guard[] = [];
  readonly writes: Write[] = [];
  readonly #touched = new Set<Collection>();

  constructor(
    readonly view: Snapshot,
    private readonly keys: Keys,
  ) {}

  /** The record is still exactly as read (or still absent). */
  unchanged(collection: Collection, id: string): this {
    const raw = this.view.raw[collection].get(id);
    const key = this.keys[collection]();
    this.guards.push(raw === undefined ? { kind: 'absent', key, field: id } : { kind: 'equals', key, field: id, value: raw });
    return this;
  }

  /** The unit and every ancestor are as read: scope and tree shape decided on them hold. */
  unchangedPath(unitId: string): this {
    const seen = new Set<string>();
    for (let id: string | null = unitId; id !== null && !seen.has(id); ) {
      seen.add(id);
      this.unchanged('units', id);
      id = this.view.units.get(id)?.parentId ?? null;
    }
    return this;
  }

  /** No record of the collection was written since it was read. */
  collectionUnchanged(collection: Collection): this {
    this.guards.push({ kind: 'counter', key: this.keys.directoryVersions(), field: collection, value: this.view.versions[collection] });
    return this;
  }

  /** A hash field (e.g. a username) is still free. */
  fieldAbsent(key: string, field: string): this {
    this.guards.push({ kind: 'absent', key, field });
    return this;
  }
  fieldEquals(key: string, field: string, value: string): this {
    this.guards.push({ kind: 'equals', key, field, value });
    return this;
  }
  /** A set or sorted set (bookings, a person's meetings) is still empty. */
  keyEmpty(key: string): this {
    this.guards.push({ kind: 'empty', key });
    return this;
  }

  put(collection: Collection, record: { id: string }): this {
    this.#touched.add(collection);
    this.writes.push({ op: 'hset', key: this.keys[collection](), field: record.id, value: JSON.stringify(record) });
    return this;
  }
  remove(collection: Collection, id: string): this {
    this.#touched.add(collection);
    this.writes.push({ op: 'hdel', key: this.keys[collection](), field: id });
    return this;
  }
  hset(key: string, field: string, value: string): this {
    this.writes.push({ op: 'hset', key, field, value });
    return this;
  }
  hdel(key: string, field: string): this {
    this.writes.push({ op: 'hdel', key, field });
    return this;
  }

  /** Writes with the version bumps. */
  allWrites(): Write[] {
    return [...this.writes, ...[...this.#touched].map((c): Write => ({ op: 'hincr', key: this.keys.directoryVersions(), field: c }))];
  }
}

const ATTEMPTS = 8;

/**
 * Reads, lets `plan` decide (it throws AppError to refuse), commits if nothing it relied on
 * changed meanwhile, and otherwise decides again on fresh data. A refusal writes nothing.
 */
export async function transact<T>(redis: RedisClient, keys: Keys, plan: (tx: DirectoryTx) => T | Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const tx = new DirectoryTx(await readSnapshot(redis, keys), keys);
    const result = await plan(tx);
    if (await guardedWrite(redis, tx.guards, tx.allWrites())) return result;
  }
  throw new AppError('CONFLICT', 'The directory kept changing while this was saved: try again');
}
