import { AppError } from '../lib/errors.js';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import type { Hall, Meeting, Person, Unit } from './records.js';
import { readSnapshot, transact, type DirectoryTx, type DirectoryView } from './directory-tx.js';
import { UnitTree } from '../scheduler/unit-tree.js';

export type { DirectoryView } from './directory-tx.js';

/** A referencing record as a 409 names it. */
export interface Ref {
  id: string;
  name: string;
}
/** What still refers to a record: per kind, how many and the first few. */
export type References = Partial<Record<'units' | 'halls' | 'people' | 'meetings', { count: number; items: Ref[] }>>;
const REFS_SHOWN = 20;

export interface UnitInput {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
}
export type UnitChanges = Partial<Omit<UnitInput, 'id'>>;

export interface HallInput {
  id: string;
  name: string;
  unitId: string;
  operatorId: string | null;
  location?: string | undefined;
}
export type HallChanges = Partial<Omit<HallInput, 'id' | 'location'>> & { location?: string | null };

export interface PersonInput {
  id: string;
  name: string;
  unitId: string;
  title?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  /** Lower case; with `roles`, the account. */
  username?: string | undefined;
  roles: Person['roles'];
}
export interface PersonChanges {
  name?: string;
  unitId?: string;
  title?: string | null;
  email?: string | null;
  phone?: string | null;
  /** null removes the account (username, password and roles). */
  username?: string | null;
  roles?: Person['roles'];
}

/**
 * Scope rules of the caller, run on the same data the change is decided on (and again on
 * every retry); they throw AppError (403) to refuse. `before` is undefined for a creation,
 * `after` for a deletion.
 */
export type Authorize<T> = (view: DirectoryView, before: T | undefined, after: T | undefined) => void;

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
  async importRecords(records: {
    units?: Unit[];
    halls?: Hall[];
    people?: Person[];
    passwordHashes?: Record<string, string>;
    /** Usernames to free first (e.g. an imported person's previous one). */
    dropUsernames?: string[];
  }): Promise<void> {
    const multi = this.redis.multi();
    for (const username of records.dropUsernames ?? []) multi.hDel(this.keys.usernames(), username);
    for (const u of records.units ?? []) multi.hSet(this.keys.units(), u.id, JSON.stringify(u));
    for (const h of records.halls ?? []) multi.hSet(this.keys.halls(), h.id, JSON.stringify(h));
    for (const p of records.people ?? []) {
      multi.hSet(this.keys.people(), p.id, JSON.stringify(p));
      if (p.username) multi.hSet(this.keys.usernames(), p.username, p.id);
    }
    for (const [personId, hash] of Object.entries(records.passwordHashes ?? {})) multi.hSet(this.keys.credentials(), personId, hash);
    // Checked writes decided on the old collections must start over.
    for (const c of ['units', 'halls', 'people'] as const) multi.hIncrBy(this.keys.directoryVersions(), c, 1);
    await multi.exec();
  }

  // ── Checked writes ────────────────────────────────────────────────────────────────────
  // Order of refusals: unknown target (404), unknown referenced ids (400), scope (403, before
  // anything that would describe other units' records), then conflicts (409).

  createUnit(input: UnitInput, authorize: Authorize<Unit>): Promise<Unit> {
    return this.transact((tx) => {
      const { units } = tx.view;
      if (input.parentId !== null && !units.has(input.parentId)) throw unknownRef('parent unit', input.parentId);
      const now = new Date().toISOString();
      const unit: Unit = { id: input.id, name: input.name, kind: input.kind, parentId: input.parentId, createdAt: now, updatedAt: now };
      authorize(tx.view, undefined, unit);
      if (units.has(input.id)) throw new AppError('CONFLICT', `A unit with id "${input.id}" already exists`, { id: input.id });
      tx.unchanged('units', unit.id);
      if (unit.parentId !== null) tx.unchangedPath(unit.parentId);
      tx.put('units', unit);
      return unit;
    });
  }

  updateUnit(id: string, changes: UnitChanges, authorize: Authorize<Unit>): Promise<Unit> {
    return this.transact((tx) => {
      const { units } = tx.view;
      const before = units.get(id);
      if (!before) throw notFoundError('Unit', id);
      const after: Unit = { ...before, ...defined(changes), updatedAt: new Date().toISOString() };
      const moved = after.parentId !== before.parentId;
      if (moved && after.parentId !== null && !units.has(after.parentId)) throw unknownRef('parent unit', after.parentId);
      authorize(tx.view, before, after);
      if (moved && after.parentId !== null && new UnitTree([...units.values()]).isWithin(after.parentId, id))
        throw new AppError('BAD_REQUEST', `Unit "${id}" cannot move under "${after.parentId}": that unit is inside its own subtree`);
      tx.unchangedPath(id);
      if (after.parentId !== null) tx.unchangedPath(after.parentId);
      tx.put('units', after);
      return after;
    });
  }

  deleteUnit(id: string, authorize: Authorize<Unit>): Promise<Unit> {
    return this.transact(async (tx) => {
      const { units, halls, people } = tx.view;
      const unit = units.get(id);
      if (!unit) throw notFoundError('Unit', id);
      authorize(tx.view, unit, undefined);
      const refs: References = {};
      addRefs(refs, 'units', [...units.values()].filter((u) => u.parentId === id));
      addRefs(refs, 'halls', [...halls.values()].filter((h) => h.unitId === id));
      addRefs(refs, 'people', [...people.values()].filter((p) => p.unitId === id));
      // A meeting's unit is its host hall's, so a live booking keeps the hall (and so the unit); older
      // meetings are looked up too, to not strand their records.
      addRefs(refs, 'meetings', await this.meetingsWhere((m) => m.unitId === id));
      if (Object.keys(refs).length > 0) throw referenced(`Unit "${unit.name}"`, refs);
      tx.unchangedPath(id).collectionUnchanged('units').collectionUnchanged('halls').collectionUnchanged('people');
      tx.remove('units', id);
      return unit;
    });
  }

  createHall(input: HallInput, authorize: Authorize<Hall>): Promise<Hall> {
    return this.transact((tx) => {
      const { units, halls } = tx.view;
      if (!units.has(input.unitId)) throw unknownRef('unit', input.unitId);
      const operator = this.checkOperator(tx, input.operatorId);
      const now = new Date().toISOString();
      const hall: Hall = { id: input.id, name: input.name, unitId: input.unitId, operatorId: input.operatorId, createdAt: now, updatedAt: now };
      if (input.location !== undefined) hall.location = input.location;
      authorize(tx.view, undefined, hall);
      if (halls.has(input.id)) throw new AppError('CONFLICT', `A hall with id "${input.id}" already exists`, { id: input.id });
      tx.unchanged('halls', hall.id).unchangedPath(hall.unitId);
      if (operator) tx.unchanged('people', operator.id).unchangedPath(operator.unitId);
      tx.put('halls', hall);
      return hall;
    });
  }

  updateHall(id: string, changes: HallChanges, authorize: Authorize<Hall>): Promise<Hall> {
    return this.transact((tx) => {
      const before = tx.view.halls.get(id);
      if (!before) throw notFoundError('Hall', id);
      const { location, ...rest } = changes;
      const after: Hall = { ...before, ...defined(rest), updatedAt: new Date().toISOString() };
      if (location === null) delete after.location;
      else if (location !== undefined) after.location = location;
      if (!tx.view.units.has(after.unitId)) throw unknownRef('unit', after.unitId);
      const operator = after.operatorId !== before.operatorId ? this.checkOperator(tx, after.operatorId) : undefined;
      authorize(tx.view, before, after);
      tx.unchanged('halls', id).unchangedPath(before.unitId).unchangedPath(after.unitId);
      if (operator) tx.unchanged('people', operator.id).unchangedPath(operator.unitId);
      tx.put('halls', after);
      return after;
    });
  }

  deleteHall(id: string, authorize: Authorize<Hall>): Promise<Hall> {
    return this.transact(async (tx) => {
      const hall = tx.view.halls.get(id);
      if (!hall) throw notFoundError('Hall', id);
      authorize(tx.view, hall, undefined);
      const bookings = await this.redis.zRange(this.keys.hallBookings(id), 0, -1);
      const booked = new Set(bookings.map((member) => member.split('|')[0] as string));
      const refs: References = {};
      const meetings = await this.meetingsWhere((m) => booked.has(m.id) || m.hostHallId === id || m.siteHallIds.includes(id));
      for (const meetingId of booked) if (!meetings.some((m) => m.id === meetingId)) meetings.push({ id: meetingId, name: meetingId });
      addRefs(refs, 'meetings', meetings);
      if (Object.keys(refs).length > 0) throw referenced(`Hall "${hall.name}"`, refs);
      tx.unchanged('halls', id).unchangedPath(hall.unitId).keyEmpty(this.keys.hallBookings(id));
      tx.remove('halls', id);
      return hall;
    });
  }

  /** Creates a person, with an account when `username` is set; the password hash is stored apart. */
  createPerson(input: PersonInput, passwordHash: string | undefined, authorize: Authorize<Person>): Promise<Person> {
    return this.transact(async (tx) => {
      const { units, people } = tx.view;
      if (!units.has(input.unitId)) throw unknownRef('unit', input.unitId);
      const now = new Date().toISOString();
      const person: Person = { ...defined(input), roles: [...new Set(input.roles)], createdAt: now, updatedAt: now };
      authorize(tx.view, undefined, person);
      if (people.has(input.id)) throw new AppError('CONFLICT', `A person with id "${input.id}" already exists`, { id: input.id });
      tx.unchanged('people', person.id).unchangedPath(person.unitId);
      if (person.username !== undefined) {
        await this.claimUsername(tx, person.username);
        tx.hset(this.keys.usernames(), person.username, person.id);
        if (passwordHash !== undefined) tx.hset(this.keys.credentials(), person.id, passwordHash);
      }
      tx.put('people', person);
      return person;
    });
  }

  updatePerson(id: string, changes: PersonChanges, authorize: Authorize<Person>): Promise<Person> {
    return this.transact(async (tx) => {
      const before = tx.view.people.get(id);
      if (!before) throw notFoundError('Person', id);
      const { title, email, phone, username, roles, ...rest } = changes;
      const after: Person = { ...before, ...defined(rest), updatedAt: new Date().toISOString() };
      for (const [field, value] of [['title', title], ['email', email], ['phone', phone]] as const) {
        if (value === null) delete after[field];
        else if (value !== undefined) after[field] = value;
      }
      if (username === null) {
        delete after.username;
        after.roles = [];
      } else if (username !== undefined) after.username = username;
      if (roles !== undefined) {
        if (after.username === undefined && roles.length > 0)
          throw new AppError('BAD_REQUEST', `Person "${id}" has no account: give a username with the roles`);
        after.roles = [...new Set(roles)];
      }
      if (!tx.view.units.has(after.unitId)) throw unknownRef('unit', after.unitId);
      authorize(tx.view, before, after);
      tx.unchanged('people', id).unchangedPath(before.unitId).unchangedPath(after.unitId);
      if (before.roles.includes('operator') && !after.roles.includes('operator')) {
        const operated = [...tx.view.halls.values()].filter((h) => h.operatorId === id);
        if (operated.length > 0) {
          const refs: References = {};
          addRefs(refs, 'halls', operated);
          throw new AppError('CONFLICT', `${before.name} operates halls: give them another operator before taking the operator role away`, refs);
        }
        tx.collectionUnchanged('halls');
      }
      if (after.username !== before.username) {
        if (before.username !== undefined) {
          tx.fieldEquals(this.keys.usernames(), before.username, id).hdel(this.keys.usernames(), before.username);
          if (after.username === undefined) tx.hdel(this.keys.credentials(), id);
        }
        if (after.username !== undefined) {
          await this.claimUsername(tx, after.username);
          tx.hset(this.keys.usernames(), after.username, id);
        }
      }
      tx.put('people', after);
      return after;
    });
  }

  deletePerson(id: string, authorize: Authorize<Person>): Promise<Person> {
    return this.transact(async (tx) => {
      const person = tx.view.people.get(id);
      if (!person) throw notFoundError('Person', id);
      authorize(tx.view, person, undefined);
      const refs: References = {};
      addRefs(refs, 'halls', [...tx.view.halls.values()].filter((h) => h.operatorId === id));
      const meetingIds = await this.redis.sMembers(this.keys.personMeetings(id));
      if (meetingIds.length > 0) addRefs(refs, 'meetings', await this.meetingRefs(meetingIds));
      if (Object.keys(refs).length > 0) throw referenced(person.name, refs);
      tx.unchanged('people', id).unchangedPath(person.unitId).collectionUnchanged('halls').keyEmpty(this.keys.personMeetings(id));
      if (person.username !== undefined) tx.fieldEquals(this.keys.usernames(), person.username, id).hdel(this.keys.usernames(), person.username);
      tx.hdel(this.keys.credentials(), id);
      tx.remove('people', id);
      return person;
    });
  }

  /** Sets the password of a person who has an account (a reset by the secretariat or an admin). */
  resetPassword(id: string, passwordHash: string, authorize: Authorize<Person>): Promise<Person> {
    return this.transact((tx) => {
      const person = tx.view.people.get(id);
      if (!person) throw notFoundError('Person', id);
      authorize(tx.view, person, person);
      if (person.username === undefined) throw new AppError('CONFLICT', `${person.name} has no account: give them a username first`);
      tx.unchanged('people', id).hset(this.keys.credentials(), id, passwordHash);
      return person;
    });
  }

  /**
   * Writes many units and halls at once (the CSV import): `plan` decides on the whole directory
   * as read and throws to refuse; everything is written in one guarded step, or nothing if any
   * unit, hall or person changed meanwhile (then `plan` decides again on fresh data).
   */
  writeMany<T>(plan: (view: DirectoryView) => { units: readonly Unit[]; halls: readonly Hall[]; result: T }): Promise<T> {
    return this.transact((tx) => {
      const { units, halls, result } = plan(tx.view);
      tx.collectionUnchanged('units').collectionUnchanged('halls').collectionUnchanged('people');
      for (const unit of units) tx.put('units', unit);
      for (const hall of halls) tx.put('halls', hall);
      return result;
    });
  }

  /** Units, halls and people read together (consistent with each other). */
  view(): Promise<DirectoryView> {
    return readSnapshot(this.redis, this.keys);
  }

  private transact<T>(plan: (tx: DirectoryTx) => T | Promise<T>): Promise<T> {
    return transact(this.redis, this.keys, plan);
  }

  private checkOperator(tx: DirectoryTx, operatorId: string | null): Person | undefined {
    if (operatorId === null) return undefined;
    const operator = tx.view.people.get(operatorId);
    if (!operator) throw unknownRef('operator', operatorId);
    if (!operator.roles.includes('operator')) throw new AppError('BAD_REQUEST', `${operator.name} does not have the operator role`, { operatorId });
    return operator;
  }

  private async claimUsername(tx: DirectoryTx, username: string): Promise<void> {
    const owner = await this.personIdByUsername(username);
    if (owner !== undefined) throw new AppError('CONFLICT', `The username "${username}" is taken`, { username });
    tx.fieldAbsent(this.keys.usernames(), username);
  }

  /** Meetings whose record matches, scanned through the by-end index (ids and titles). */
  private async meetingsWhere(match: (meeting: Meeting) => boolean): Promise<Ref[]> {
    const ids = await this.redis.zRange(this.keys.meetingsByEnd(), 0, -1);
    const found: Ref[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const values = await this.redis.mGet(chunk.map((m) => this.keys.meeting(m)));
      for (const value of values) {
        const meeting = parseMeeting(value);
        if (meeting && match(meeting)) found.push({ id: meeting.id, name: meeting.title });
      }
    }
    return found;
  }

  private async meetingRefs(ids: readonly string[]): Promise<Ref[]> {
    const shown = ids.slice(0, REFS_SHOWN);
    const values = await this.redis.mGet(shown.map((m) => this.keys.meeting(m)));
    const refs = shown.map((id, i) => ({ id, name: parseMeeting(values[i] ?? null)?.title ?? id }));
    // Only the first few are named; the count stays right.
    return ids.length > shown.length ? [...refs, ...ids.slice(shown.length).map((id) => ({ id, name: id }))] : refs;
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
  for (const c of ['units', 'people'] as const) multi.hIncrBy(keys.directoryVersions(), c, 1);
  await multi.exec();
  return existing == null;
}

function notFoundError(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `${what} "${id}" does not exist`);
}
function unknownRef(what: string, id: string): AppError {
  return new AppError('BAD_REQUEST', `The ${what} "${id}" does not exist`, { unknownId: id });
}

function referenced(what: string, refs: References): AppError {
  const parts = Object.entries(refs).map(([kind, r]) => `${r.count} ${kind === 'units' ? 'child units' : kind}`);
  return new AppError('CONFLICT', `${what} is still referenced by ${parts.join(', ')}: remove or move them first`, refs);
}

function addRefs(refs: References, kind: keyof References, records: readonly { id: string; name?: string; title?: string }[]): void {
  if (records.length === 0) return;
  refs[kind] = { count: records.length, items: records.slice(0, REFS_SHOWN).map((r) => ({ id: r.id, name: r.name ?? r.title ?? r.id })) };
}

/** The object without its undefined properties, so a spread does not erase fields. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function parseMeeting(value: string | null): Meeting | undefined {
  if (value == null) return undefined;
  try {
    const meeting = JSON.parse(value) as Meeting;
    return typeof meeting === 'object' && meeting !== null && typeof meeting.id === 'string' ? { ...meeting, siteHallIds: meeting.siteHallIds ?? [] } : undefined;
  } catch {
    return undefined;
  }
}
