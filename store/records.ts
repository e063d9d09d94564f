import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN, INVITATION_ID_PATTERN } from '../protocol/ids.js';

/** The durable records and their JSON shapes: the store keeps them, the API serves them. */

export const Id = Type.String({ pattern: ID_PATTERN, description: 'Letters, digits, "_", "." and "-"; at most 64' });
export const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant, e.g. 2026-12-01T08:00:00+07:00; stored in UTC' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const ACCOUNT_ROLES = ['admin', 'secretariat', 'operator', 'official'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const AccountRole = Type.Union(ACCOUNT_ROLES.map((r) => Type.Literal(r)));

export const Unit = Type.Object({
  id: Id,
  name: Name,
  /** province, district, commune, ward, agency…: free text, the tree is data. */
  kind: Type.String({ minLength: 1, maxLength: 40 }),
  parentId: Type.Union([Id, Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Unit = Static<typeof Unit>;

export const Hall = Type.Object({
  id: Id,
  name: Name,
  unitId: Id,
  operatorId: Type.Union([Id, Type.Null()]),
  location: Type.Optional(Type.String({ maxLength: 300 })),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Hall = Static<typeof Hall>;

export const Person = Type.Object({
  id: Id,
  name: Name,
  title: Type.Optional(Type.String({ maxLength: 200 })),
  unitId: Id,
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  phone: Type.Optional(Type.String({ maxLength: 40 })),
  /** Set when the person has an account. */
  username: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{1,63}$' })),
  roles: Type.Array(AccountRole, { maxItems: 4 }),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Person = Static<typeof Person>;

export const MEETING_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const AgendaItem = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 300 }),
  presenter: Type.Optional(Type.String({ maxLength: 200 })),
  minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
});
export type AgendaItem = Static<typeof AgendaItem>;

export const Recurrence = Type.Object({
  freq: Type.Union([Type.Literal('weekly'), Type.Literal('monthly')]),
  interval: Type.Integer({ minimum: 1, maximum: 12, default: 1 }),
  /** Last day an occurrence may start (inclusive); or `count`. One of them is required. */
  until: Type.Optional(Instant),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  /** Starts of cancelled single occurrences (UTC instants). */
  exdates: Type.Array(Instant, { maxItems: 200, default: [] }),
});
export type Recurrence = Static<typeof Recurrence>;

export const Meeting = Type.Object({
  id: Id,
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  agenda: Type.Array(AgendaItem, { maxItems: 100 }),
  /** First occurrence, UTC. */
  start: Instant,
  end: Instant,
  recurrence: Type.Optional(Recurrence),
  /** A recurring meeting's occurrences (their starts) already held and ended by the chair. */
  endedOccurrences: Type.Optional(Type.Array(Instant, { maxItems: 200 })),
  chairId: Id,
  hostHallId: Id,
  siteHallIds: Type.Array(Id, { maxItems: 2000 }),
  invitedPersonIds: Type.Array(Id, { maxItems: 2000 }),
  /** People who run the meeting with the chair (thư ký): roll call, queue, mutes. */
  secretaryIds: Type.Array(Id, { maxItems: 20 }),
  status: Type.Union(MEETING_STATUSES.map((s) => Type.Literal(s))),
  /** iCalendar UID, stable for the life of the meeting. */
  uid: Type.String(),
  /** iCalendar SEQUENCE: raised on every change of time, place or sites, and on cancel. */
  sequence: Type.Integer({ minimum: 0 }),
  /** The unit whose secretariat owns it (the host hall's unit). */
  unitId: Id,
  createdBy: Id,
  createdAt: Instant,
  updatedAt: Instant,
});
export type Meeting = Static<typeof Meeting>;

export const RSVP_STATES = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED'] as const;
export type RsvpState = (typeof RSVP_STATES)[number];

export const InvitationId = Type.String({ pattern: INVITATION_ID_PATTERN, description: '"h-" and a hall id, or "p-" and a person id' });

export const Invitation = Type.Object({
  id: InvitationId,
  meetingId: Id,
  kind: Type.Union([Type.Literal('hall'), Type.Literal('person')]),
  hallId: Type.Optional(Id),
  personId: Type.Optional(Id),
  /** The role its join link carries: the host hall is the chair's site, other halls are sites. */
  role: Type.Union([Type.Literal('chair'), Type.Literal('secretary'), Type.Literal('site'), Type.Literal('official'), Type.Literal('observer')]),
  rsvp: Type.Union(RSVP_STATES.map((s) => Type.Literal(s))),
  delegatedTo: Type.Optional(Id),
  comment: Type.Optional(Type.String({ maxLength: 1000 })),
  /** Set when the invitee was taken off the meeting: its copy becomes a METHOD:CANCEL. */
  removed: Type.Optional(Type.Boolean()),
  /** The meeting SEQUENCE this invitation was last issued for. */
  sequence: Type.Integer({ minimum: 0 }),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Invitation = Static<typeof Invitation>;

export const ATTENDANCE_EVENTS = [
  'opened', // the chair opened the meeting (status live)
  'ended', // the chair ended it
  'joined', // a participant connected
  'left', // … and disconnected
  'roll-call', // the chair called the roll
  'confirmed', // a site's operator confirmed presence
  'headcount', // a site's operator entered how many people are in the hall
  'floor-granted', // the chair gave the floor
  'floor-ended', // the turn ended (revoked, timed out, or the holder left)
  'removed', // the chair removed a participant
  'admitted', // a guest was let in from the lobby
  'message', // a text message, kept in the meeting log
] as const;
export type AttendanceEventType = (typeof ATTENDANCE_EVENTS)[number];

/** One line of a meeting's log, appended as it happens (never rewritten). */
export const AttendanceEntry = Type.Object({
  at: Instant,
  type: Type.Union(ATTENDANCE_EVENTS.map((e) => Type.Literal(e))),
  /** Who it is about: the join token's subject (a hall or person id). */
  subjectId: Type.Optional(Id),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  role: Type.Optional(Type.String({ maxLength: 20 })),
  hallId: Type.Optional(Id),
  /** The invitation the join link came from (its jti), when there is one. */
  invitationId: Type.Optional(InvitationId),
  /** Who did it (the chair or secretary), for control actions. */
  bySubjectId: Type.Optional(Id),
  headcount: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  /** The text of a message, and to whom: everyone or the chair and secretaries. */
  text: Type.Optional(Type.String({ maxLength: 2000 })),
  to: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('chair')])),
  agendaItem: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type AttendanceEntry = Static<typeof AttendanceEntry>;
