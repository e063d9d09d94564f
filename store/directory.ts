import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import type { Hall, Person, Unit } from './records.js';

/**
 * Units, halls and people: small collections (a province has ~1,000 units and halls and a
 * few thousand people), each one Redis hash of JSON records, read whole when a tree is needed.
 */
export class DirectoryStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  listUnits(): Promise<Unit[]> {
    return this.all<Unit>(this.keys.units());
  }
  getUnit(id: string): Promise<Unit | undefined> {
    return this.one<Unit>(this.keys.units(), id);
  }
  listHalls(): Promise<Hall[]> {
    return this.all<Hall>(this.keys.halls());
  }
  getHall(id: string): Promise<Hall | undefined> {
    return this.one<Hall>(this.keys.halls(), id);
  }
  getHalls(ids: readonly string[]): Promise<(Hall | undefined)[]> {
    return this.many<Hall>(this.keys.halls(), ids);
  }
  listPeople(): Promise<Person[]> {
    return this.all<Person>(this.keys.people());
  }
  getPerson(id: string): Promise<Person | undefined> {
    return this.one<Person>(this.keys.people(), id);
  }
  getPeople(ids: readonly string[]): Promise<(Person | undefined)[]> {
    return this.many<Person>(this.keys.people(), ids);
  }
  async personIdByUsername(username: string): Promise<string | undefined> {
    return (await this.redis.hGet(this.keys.usernames(), username.toLowerCase())) ?? undefined;
  }
  async passwordHash(personId: string): Promise<string | undefined> {
    return (await this.redis.hGet(this.keys.credentials(), personId)) ?? undefined;
  }

  async setPasswordHash(personId: string, hash: string): Promise<void> {
    await this.redis.hSet(this.keys.credentials(), personId, hash);
  }

  /**
   * Writes records as they are, in one transaction, without reference checks: for the demo
   * seed and test fixtures. The API's writes go through the checked methods.
   */
  async importRecords(records: { units?: Unit[]; halls?: Hall[]; people?: Person[]; passwordHashes?: Record<string, string> }): Promise<void> {
    const multi = this.redis.multi();
    for (const u of records.units ?? []) multi.hSet(this.keys.units(), u.id, JSON.stringify(u));
    for (const h of records.halls ?? []) multi.hSet(this.keys.halls(), h.id, JSON.stringify(h));
    for (const p of records.people ?? []) {
      multi.hSet(this.keys.people(), p.id, JSON.stringify(p));
      if (p.username) multi.hSet(this.keys.usernames(), p.username, p.id);
    }
    for (const [personId, hash] of Object.entries(records.passwordHashes ?? {})) multi.hSet(this.keys.credentials(), personId, hash);
    await multi.exec();
  }

  private async all<T>(key: string): Promise<T[]> {
    const values = await this.redis.hVals(key);
    return values.map((v) => JSON.parse(v) as T);
  }
  private async one<T>(key: string, id: string): Promise<T | undefined> {
    const value = await this.redis.hGet(key, id);
    return value == null ? undefined : (JSON.parse(value) as T);
  }
  private async many<T>(key: string, ids: readonly string[]): Promise<(T | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await this.redis.hmGet(key, [...ids]);
    return values.map((v) => (v == null ? undefined : (JSON.parse(v) as T)));
  }
}

export interface BootstrapInput {
  unit: Unit;
  admin: Person;
  passwordHash: string;
}

/**
 * First start: a root unit (only when there is no unit at all) and the admin account, unless
 * one was made before. Returns false when the install was already set up.
 */
export async function bootstrapDirectory(redis: RedisClient, keys: Keys, input: BootstrapInput): Promise<boolean> {
  const username = input.admin.username as string;
  // SET NX on the marker makes this safe when several processes start together.
  const first = await redis.set(keys.bootstrapped(), new Date().toISOString(), { condition: 'NX' });
  if (first === null) return false;
  const units = (await redis.hVals(keys.units())).map((v) => JSON.parse(v) as Unit);
  const existing = await redis.hGet(keys.usernames(), username);
  const multi = redis.multi();
  const root = units.find((u) => u.parentId === null);
  const unitId = root?.id ?? input.unit.id;
  if (!root) multi.hSet(keys.units(), input.unit.id, JSON.stringify(input.unit));
  if (existing == null) {
    multi.hSet(keys.people(), input.admin.id, JSON.stringify({ ...input.admin, unitId }));
    multi.hSet(keys.usernames(), username, input.admin.id);
    multi.hSet(keys.credentials(), input.admin.id, input.passwordHash);
  }
  await multi.exec();
  return existing == null;
}
