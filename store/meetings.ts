import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import type { Hall, Invitation, Meeting, MeetingStatus } from './records.js';
import { commitMeeting, findBookingConflicts, type BookingSet, type CommitPlan } from './booking.js';
import { hallInvitationId, personInvitationId, planInvitations, significantChange } from './meeting-plan.js';
import { expand, heldOccurrence, lastEnd, overlaps, pendingOccurrences, type Occurrence } from '../scheduler/recurrence.js';

export { hallInvitationId, personInvitationId } from './meeting-plan.js';

/** Which meetings `listMeetings` returns; every given criterion must hold. */
export interface MeetingFilter {
  /** Some (not cancelled) occurrence ends after this instant (ISO string or ms). */
  from?: string | number;
  /** Some (not cancelled) occurrence starts before this instant (ISO string or ms). */
  to?: string | number;
  /** The host hall or a site hall is one of these. An empty list matches nothing. */
  hallIds?: readonly string[];
  /** The person chairs, is a secretary, or is invited. */
  personId?: string;
  statuses?: readonly MeetingStatus[];
  /**
   * With `hallIds`/`personId`: also the meetings the hall or person was taken off (it holds an
   * invitation marked `removed`), e.g. for calendar feeds that must carry the cancellation.
   */
  includeRemoved?: boolean;
  /** At most this many, earliest first start first (default 1000). */
  limit?: number;
}

/** A booking of a hall that would overlap, as told to the person scheduling. */
export interface Conflict {
  hallId: string;
  hallName?: string;
  meetingId: string;
  title: string;
  /** UTC ISO instants of the booked occurrence. */
  start: string;
  end: string;
}

/** The answer of a write: the meeting as stored, or why it was not written. */
export type SaveResult =
  | { ok: true; meeting: Meeting; invitations: Invitation[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'exists' }
  | { ok: false; reason: 'conflict'; conflicts: Conflict[] }
  | { ok: false; reason: 'missing'; what: 'hall' | 'person'; id: string };

/** `update`'s callback may refuse by throwing; what it throws reaches the caller as is. */
export type MeetingMutator = (current: Meeting, invitations: ReadonlyMap<string, Invitation>) => Meeting | Promise<Meeting>;

/** `setStatus` refuses a move the lifecycle does not allow (scheduled → live → ended; scheduled → cancelled). */
export class IllegalTransition extends Error {
  constructor(
    readonly from: MeetingStatus,
    readonly to: MeetingStatus,
  ) {
    super(`A ${from} meeting cannot become ${to}`);
    this.name = 'IllegalTransition';
  }
}

export const STATUS_TRANSITIONS: Readonly<Record<MeetingStatus, readonly MeetingStatus[]>> = {
  scheduled: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

/** Options of the writes of an existing meeting. */
export interface WriteOptions {
  /** The clock (tests). */
  now?: () => Date;
  /** Called with the stored meeting before the change (on every attempt); throw to refuse, e.g. an access check. */
  check?: (current: Meeting) => void;
}

const MAX_ATTEMPTS = 20;

/**
 * Meetings, their invitations and hall bookings.
 *
 * Reads: `getMeeting`, `getMeetings`, `listMeetings(filter)`, `listInvitations`,
 * `getInvitation`, `meetingIdsOfPerson`, `listBookings`, `findConflicts`.
 * Writes: `create`, `update(id, mutator)`, `setStatus`, `cancelOccurrence`, `updateInvitation`.
 *
 * Every meeting write goes through one Lua script (store/booking.ts) that checks and books
 * the halls of every occurrence, writes the meeting, its invitations, the by-end index and the
 * person sets together, and refuses when what it was computed from changed meanwhile (the
 * write is then recomputed). SEQUENCE and invitations are derived here, never by callers:
 * SEQUENCE rises by one when time, recurrence (exdates too), host hall or sites change, on
 * cancel, and when an invitee is taken off or added back; each written invitation carries the
 * meeting's SEQUENCE; invitees taken off keep their record with `removed: true`.
 */
export class MeetingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** One meeting, or undefined. */
  async getMeeting(id: string): Promise<Meeting | undefined> {
    const raw = await this.redis.get(this.keys.meeting(id));
    return raw == null ? undefined : (JSON.parse(raw) as Meeting);
  }

  /** Meetings by id, in the same order (undefined for unknown ids). */
  async getMeetings(ids: readonly string[]): Promise<(Meeting | undefined)[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mGet(ids.map((id) => this.keys.meeting(id)));
    return raws.map((raw) => (raw == null ? undefined : (JSON.parse(raw) as Meeting)));
  }

  /**
   * Meetings matching `filter`, earliest first start first. Not filtered by who may see them:
   * callers apply their access rules (scheduler/access/meetings.ts).
   */
  async listMeetings(filter: MeetingFilter = {}): Promise<Meeting[]> {
    const from = toMs(filter.from);
    const to = toMs(filter.to);
    let ids: string[];
    if (filter.personId !== undefined) ids = await this.redis.sMembers(this.keys.personMeetings(filter.personId));
    else if (filter.hallIds && filter.hallIds.length === 0) ids = [];
    else ids = await this.redis.zRangeByScore(this.keys.meetingsByEnd(), from === undefined ? '-inf' : `(${from}`, '+inf');
    const halls = filter.hallIds ? new Set(filter.hallIds) : undefined;
    const meetings = (await this.getMeetings(ids)).filter((m): m is Meeting => m !== undefined);
    const candidates = meetings.filter(
      (m) => (!filter.statuses || filter.statuses.includes(m.status)) && (from === undefined && to === undefined ? true : overlaps(m, from, to)),
    );
    const isListed = (m: Meeting) =>
      (!halls || halls.has(m.hostHallId) || m.siteHallIds.some((h) => halls.has(h))) &&
      (filter.personId === undefined || m.chairId === filter.personId || m.secretaryIds.includes(filter.personId) || m.invitedPersonIds.includes(filter.personId));
    let found = candidates.filter(isListed);
    if (filter.includeRemoved && (halls || filter.personId !== undefined)) {
      const others = candidates.filter((m) => !isListed(m));
      const fields = [...(halls ? [...halls].map(hallInvitationId) : []), ...(filter.personId === undefined ? [] : [personInvitationId(filter.personId)])];
      const held = await Promise.all(others.map((m) => this.redis.hmGet(this.keys.invitations(m.id), fields)));
      // A hall filter and a person filter both given: the person's removal is what counts.
      const matches = (values: (string | null)[]) =>
        filter.personId !== undefined ? values[values.length - 1] != null : values.some((v) => v != null);
      found = found.concat(others.filter((_, i) => matches(held[i] as (string | null)[])));
    }
    found.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : 1));
    return found.slice(0, filter.limit ?? 1000);
  }

  /** The invitations of a meeting, removed ones included: halls first, then people, by id. */
  async listInvitations(meetingId: string): Promise<Invitation[]> {
    const all = (await this.redis.hVals(this.keys.invitations(meetingId))).map((v) => JSON.parse(v) as Invitation);
    return all.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'hall' ? -1 : 1) : a.id < b.id ? -1 : 1));
  }

  /** One invitation (ids are `h-<hallId>` / `p-<personId>`), or undefined. */
  async getInvitation(meetingId: string, invitationId: string): Promise<Invitation | undefined> {
    const raw = await this.redis.hGet(this.keys.invitations(meetingId), invitationId);
    return raw == null ? undefined : (JSON.parse(raw) as Invitation);
  }

  /** Ids of the meetings where the person holds (or held, before being taken off) an invitation. */
  meetingIdsOfPerson(personId: string): Promise<string[]> {
    return this.redis.sMembers(this.keys.personMeetings(personId));
  }

  /** A hall's bookings overlapping [from, to) (ms), in order. */
  async listBookings(hallId: string, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<{ meetingId: string; start: number; end: number }[]> {
    // A booking lasts at most 24 h: one starting a day before `from` may still overlap it.
    const members = await this.redis.zRangeByScore(this.keys.hallBookings(hallId), Math.max(0, from - 86_400_000), `(${to}`);
    return members
      .map((member) => {
        const [meetingId, start, end] = member.split('|');
        return { meetingId: meetingId as string, start: Number(start), end: Number(end) };
      })
      .filter((b) => b.end > from);
  }

  /**
   * Read-only: the bookings that saving a meeting with these halls and occurrences would be
   * refused for (the commit script's rule), at most `max`; with `excludeMeetingId`, that
   * meeting's own bookings do not count, as when it is changed.
   */
  async findConflicts(
    hallIds: readonly string[],
    occurrences: readonly Occurrence[],
    options: { excludeMeetingId?: string | undefined; max?: number } = {},
  ): Promise<Conflict[]> {
    const found = await findBookingConflicts(this.redis, (h) => this.keys.hallBookings(h), {
      hallIds,
      occurrences,
      excludeMeetingId: options.excludeMeetingId,
      max: options.max ?? 100,
    });
    return found.length === 0 ? [] : this.describe(found);
  }

  /**
   * Stores a new meeting (its `sequence` is set to 0), its invitations and its bookings;
   * `conflict` when a hall is booked at an overlapping time, `exists` when the id is taken.
   */
  async create(meeting: Meeting): Promise<SaveResult> {
    const stored: Meeting = { ...meeting, sequence: 0 };
    const invitations = planInvitations(stored, new Map(), stored.createdAt).map((c) => c.invitation);
    const result = await this.commit(null, stored, invitations, {}, { hallIds: [], occurrences: [] }, bookingsOf(stored));
    if (result === 'stale') return { ok: false, reason: 'exists' };
    return result;
  }

  /**
   * Changes a meeting: `mutator` gets the stored meeting and its invitations and returns the
   * new meeting (any `sequence` it sets is replaced by the derived one); it may throw to
   * refuse. Recomputed from fresh data when something changed meanwhile, so it must not have
   * side effects. Bookings follow the new state: moved when time or halls change, freed on
   * cancel (all) and on end (those not yet over).
   */
  async update(id: string, mutator: MeetingMutator, options: WriteOptions = {}): Promise<SaveResult> {
    const now = options.now ?? (() => new Date());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [raw, rawInvitations] = await Promise.all([this.redis.get(this.keys.meeting(id)), this.redis.hGetAll(this.keys.invitations(id))]);
      if (raw == null) return { ok: false, reason: 'not-found' };
      const before = JSON.parse(raw) as Meeting;
      const existing = new Map(Object.entries(rawInvitations).map(([k, v]) => [k, JSON.parse(v) as Invitation]));
      const at = now();
      options.check?.(before);
      const changed = await mutator(structuredClone(before), existing);
      const stamp = at.toISOString();
      let after: Meeting = { ...changed, id: before.id, uid: before.uid, createdAt: before.createdAt, createdBy: before.createdBy, sequence: before.sequence, updatedAt: stamp };
      const turned = planInvitations(after, existing, stamp).some((c) => c.turned);
      if (significantChange(before, after) || turned) after = { ...after, sequence: before.sequence + 1 };
      const invitations = planInvitations(after, existing, stamp).map((c) => c.invitation);
      const { remove, add } = bookingChange(before, after, at.getTime());
      const result = await this.commit(raw, after, invitations, rawInvitations, remove, add);
      if (result !== 'stale') return result;
    }
    throw new Error(`meeting ${id}: too many concurrent changes`);
  }

  /**
   * Moves a meeting along its lifecycle (scheduled → live → ended; scheduled → cancelled), for
   * the API and for the live conference code. Throws IllegalTransition for any other move;
   * `not-found` for an unknown id. Cancelling raises SEQUENCE and frees every booking; ending
   * frees the bookings not yet over. Ending a recurring meeting ends the occurrence being held:
   * while later ones remain, the meeting goes back to `scheduled` with that occurrence listed in
   * `endedOccurrences`; that session's booking is freed, the later ones stay.
   */
  async setStatus(id: string, status: MeetingStatus, options: WriteOptions = {}): Promise<SaveResult> {
    const now = options.now ?? (() => new Date());
    return this.update(
      id,
      (current) => {
        if (current.status === status || !STATUS_TRANSITIONS[current.status].includes(status)) throw new IllegalTransition(current.status, status);
        return status === 'ended' ? endOccurrence(current, now().getTime()) : { ...current, status };
      },
      options,
    );
  }

  /**
   * Cancels one occurrence of a recurring meeting (adds an exdate, raises SEQUENCE, frees its
   * bookings). Throws NoSuchOccurrence when `start` (ms) is not a remaining occurrence, or when it
   * is the last remaining one (cancel the meeting instead).
   */
  async cancelOccurrence(id: string, start: number, options: WriteOptions = {}): Promise<SaveResult> {
    return this.update(
      id,
      (current) => {
        if (current.status === 'cancelled' || current.status === 'ended') throw new IllegalTransition(current.status, current.status);
        const remaining = expand(current);
        if (!current.recurrence || !remaining.some((o) => o.start === start)) throw new NoSuchOccurrence(start, 'none');
        if (remaining.length === 1) throw new NoSuchOccurrence(start, 'last');
        const exdates = [...current.recurrence.exdates, new Date(start).toISOString()].sort();
        return { ...current, recurrence: { ...current.recurrence, exdates } };
      },
      options,
    );
  }

  /**
   * Changes one invitation (for RSVP): `change` gets it and its meeting and returns the new
   * record, or undefined to leave it. Atomic against meeting writes: recomputed when either
   * changed meanwhile. Undefined when there is no such meeting or invitation.
   */
  async updateInvitation(
    meetingId: string,
    invitationId: string,
    change: (invitation: Invitation, meeting: Meeting) => Invitation | undefined,
  ): Promise<Invitation | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [raw, rawInvitation] = await Promise.all([
        this.redis.get(this.keys.meeting(meetingId)),
        this.redis.hGet(this.keys.invitations(meetingId), invitationId),
      ]);
      if (raw == null || rawInvitation == null) return undefined;
      const current = JSON.parse(rawInvitation) as Invitation;
      const next = change(structuredClone(current), JSON.parse(raw) as Meeting);
      if (next === undefined) return current;
      const value = JSON.stringify({ ...next, id: current.id, meetingId });
      const ok = await this.redis.eval(SET_INVITATION_SCRIPT, {
        keys: [this.keys.meeting(meetingId), this.keys.invitations(meetingId)],
        arguments: [raw, invitationId, rawInvitation, value],
      });
      if (ok === 1) return JSON.parse(value) as Invitation;
    }
    throw new Error(`invitation ${meetingId}/${invitationId}: too many concurrent changes`);
  }

  private async commit(
    expected: string | null,
    meeting: Meeting,
    invitations: readonly Invitation[],
    rawInvitations: Readonly<Record<string, string>>,
    remove: BookingSet,
    add: BookingSet,
  ): Promise<SaveResult | 'stale'> {
    const plan: CommitPlan = {
      meetingId: meeting.id,
      expected,
      meeting: JSON.stringify(meeting),
      endScore: lastEnd(meeting),
      invitations: invitations.map((i) => ({ id: i.id, expected: rawInvitations[i.id] ?? null, value: JSON.stringify(i) })),
      remove,
      add,
      personIds: [meeting.chairId, ...meeting.secretaryIds, ...meeting.invitedPersonIds],
      // Only live records need their references: a cancelled or ended meeting may outlive a deleted hall.
      mustExist:
        meeting.status === 'scheduled' || meeting.status === 'live'
          ? { hallIds: [meeting.hostHallId, ...meeting.siteHallIds], personIds: [meeting.chairId, ...meeting.secretaryIds, ...meeting.invitedPersonIds] }
          : { hallIds: [], personIds: [] },
    };
    const result = await commitMeeting(
      this.redis,
      {
        meeting: this.keys.meeting(meeting.id),
        invitations: this.keys.invitations(meeting.id),
        meetingsByEnd: this.keys.meetingsByEnd(),
        halls: this.keys.halls(),
        people: this.keys.people(),
        hallBookings: (h) => this.keys.hallBookings(h),
        personMeetings: (p) => this.keys.personMeetings(p),
      },
      plan,
    );
    if (result.kind === 'stale') return 'stale';
    if (result.kind === 'missing') return { ok: false, reason: 'missing', what: result.what, id: result.id };
    if (result.kind === 'conflict') return { ok: false, reason: 'conflict', conflicts: await this.describe(result.conflicts) };
    const byId = new Map(Object.entries(rawInvitations).map(([k, v]) => [k, JSON.parse(v) as Invitation]));
    for (const i of invitations) byId.set(i.id, i);
    return { ok: true, meeting, invitations: [...byId.values()] };
  }

  private async describe(conflicts: readonly { hallId: string; meetingId: string; start: number; end: number }[]): Promise<Conflict[]> {
    const meetingIds = [...new Set(conflicts.map((c) => c.meetingId))];
    const hallIds = [...new Set(conflicts.map((c) => c.hallId))];
    const [meetings, hallValues] = await Promise.all([this.getMeetings(meetingIds), this.redis.hmGet(this.keys.halls(), hallIds)]);
    const titles = new Map(meetingIds.map((id, i) => [id, meetings[i]?.title ?? id]));
    const hallNames = new Map(hallIds.map((id, i) => [id, hallValues[i] == null ? undefined : (JSON.parse(hallValues[i] as string) as Hall).name]));
    return conflicts.map((c) => {
      const hallName = hallNames.get(c.hallId);
      return {
        hallId: c.hallId,
        ...(hallName === undefined ? {} : { hallName }),
        meetingId: c.meetingId,
        title: titles.get(c.meetingId) as string,
        start: new Date(c.start).toISOString(),
        end: new Date(c.end).toISOString(),
      };
    });
  }
}

/** `cancelOccurrence` got a start that is not a remaining occurrence (`none`) or is the only one left (`last`). */
export class NoSuchOccurrence extends Error {
  constructor(
    readonly start: number,
    readonly why: 'none' | 'last',
  ) {
    super(
      why === 'none'
        ? `The meeting has no remaining occurrence starting at ${new Date(start).toISOString()}`
        : 'This is the only remaining occurrence: cancel the meeting instead',
    );
    this.name = 'NoSuchOccurrence';
  }
}

const SET_INVITATION_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[2], ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
return 1
`;

/**
 * `ended` for a one-off meeting or at the last occurrence. Otherwise the series goes on, scheduled,
 * with the occurrence being held listed as ended: the latest whose session has opened, or the first
 * left when it was opened early.
 */
function endOccurrence(meeting: Meeting, nowMs: number): Meeting {
  if (!meeting.recurrence) return { ...meeting, status: 'ended' };
  const pending = pendingOccurrences(meeting);
  const held = heldOccurrence(meeting, nowMs) ?? pending[0];
  if (!held || !pending.some((o) => o.start > held.start)) return { ...meeting, status: 'ended' };
  const endedOccurrences = [...(meeting.endedOccurrences ?? []), new Date(held.start).toISOString()].sort();
  return { ...meeting, status: 'scheduled', endedOccurrences };
}

/** Halls every occurrence of the meeting books: the host hall and the site halls. */
function hallsOf(meeting: Meeting): string[] {
  return [...new Set([meeting.hostHallId, ...meeting.siteHallIds])];
}

function bookingsOf(meeting: Meeting, keep: (o: Occurrence) => boolean = () => true): BookingSet {
  if (meeting.status === 'cancelled' || meeting.status === 'ended') return { hallIds: [], occurrences: [] };
  // A session already held and ended books nothing more: its hall is free for the rest of its slot.
  return { hallIds: hallsOf(meeting), occurrences: pendingOccurrences(meeting).filter(keep) };
}

/** What to unbook and book when `before` becomes `after`; nothing when the bookings stay alike. */
function bookingChange(before: Meeting, after: Meeting, nowMs: number): { remove: BookingSet; add: BookingSet } {
  const none: BookingSet = { hallIds: [], occurrences: [] };
  const old = bookingsOf(before);
  if (after.status === 'ended') return { remove: bookingsOf(before, (o) => o.end > nowMs), add: none };
  const next = bookingsOf(after);
  const same =
    JSON.stringify([...old.hallIds].sort()) === JSON.stringify([...next.hallIds].sort()) && JSON.stringify(old.occurrences) === JSON.stringify(next.occurrences);
  return same ? { remove: none, add: none } : { remove: old, add: next };
}

function toMs(instant: string | number | undefined): number | undefined {
  if (instant === undefined) return undefined;
  return typeof instant === 'number' ? instant : Date.parse(instant);
}
