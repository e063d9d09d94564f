import { Type, type Static } from '@sinclair/typebox';
import { badRequest } from '../lib/errors.js';
import { AgendaItem, Id, type Recurrence } from '../store/records.js';
import { LOCAL_OFFSET_MS, MAX_OCCURRENCES, ruleStarts } from './recurrence.js';

/** What a secretariat sends to schedule or change a meeting, and its checks beyond the schema. */

const MAX_DURATION_MS = 24 * 3600_000;

const InstantInput = Type.String({
  maxLength: 40,
  description: 'ISO 8601 with an offset, e.g. 2026-12-01T08:00:00+07:00 or 2026-12-01T01:00:00Z',
  examples: ['2026-12-01T08:00:00+07:00'],
});

export const RecurrenceInput = Type.Object(
  {
    freq: Type.Union([Type.Literal('weekly'), Type.Literal('monthly')]),
    interval: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: 'Every n weeks or months (default 1)' })),
    until: Type.Optional(
      Type.String({ maxLength: 40, description: 'Last start allowed (inclusive): an instant with offset, or a date YYYY-MM-DD meaning that whole day in Asia/Ho_Chi_Minh' }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_OCCURRENCES })),
  },
  { additionalProperties: false, description: 'Repeat weekly or monthly; give `until` or `count`. Cancel single occurrences with /occurrences/cancel.' },
);
export type RecurrenceInput = Static<typeof RecurrenceInput>;

export const SitesInput = Type.Object(
  {
    hallIds: Type.Optional(Type.Array(Id, { maxItems: 2000, description: 'Site halls, one by one' })),
    unitIds: Type.Optional(Type.Array(Id, { maxItems: 500, description: 'Every hall of each unit’s subtree (e.g. all communes of a district); the host hall is left out' })),
  },
  { additionalProperties: false },
);
export type SitesInput = Static<typeof SitesInput>;

const fields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.String({ maxLength: 5000 }),
  agenda: Type.Array(AgendaItem, { maxItems: 100 }),
  start: InstantInput,
  end: InstantInput,
  chairId: Id,
  hostHallId: Id,
  sites: SitesInput,
  invitedPersonIds: Type.Array(Id, { maxItems: 2000 }),
  secretaryIds: Type.Array(Id, { maxItems: 20 }),
};

export const MeetingCreateBody = Type.Object(
  {
    title: fields.title,
    description: Type.Optional(fields.description),
    agenda: Type.Optional(fields.agenda),
    start: fields.start,
    end: fields.end,
    recurrence: Type.Optional(RecurrenceInput),
    chairId: fields.chairId,
    hostHallId: fields.hostHallId,
    sites: Type.Optional(fields.sites),
    invitedPersonIds: Type.Optional(fields.invitedPersonIds),
    secretaryIds: Type.Optional(fields.secretaryIds),
  },
  { additionalProperties: false },
);
export type MeetingCreateBody = Static<typeof MeetingCreateBody>;

export const MeetingPatchBody = Type.Object(
  {
    title: Type.Optional(fields.title),
    description: Type.Optional(fields.description),
    agenda: Type.Optional(fields.agenda),
    start: Type.Optional(fields.start),
    end: Type.Optional(fields.end),
    recurrence: Type.Optional(Type.Union([RecurrenceInput, Type.Null()], { description: 'null: no longer recurring' })),
    chairId: Type.Optional(fields.chairId),
    hostHallId: Type.Optional(fields.hostHallId),
    /** Replaces the whole site selection. */
    sites: Type.Optional(fields.sites),
    invitedPersonIds: Type.Optional(fields.invitedPersonIds),
    secretaryIds: Type.Optional(fields.secretaryIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MeetingPatchBody = Static<typeof MeetingPatchBody>;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|([+-])(\d{2}):?(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An ISO 8601 instant that names its offset (Z or ±hh:mm), with a real calendar date and
 * time, between the years 2000 and 2199; ms since the epoch. 400 otherwise, naming `field`.
 */
export function parseInstant(value: string, field: string): number {
  const m = INSTANT.exec(value);
  if (!m) {
    const hint = /^\d{4}-\d{2}-\d{2}[Tt][\d:.]+$/.test(value) ? ' (it has no offset: add Z or e.g. +07:00)' : '';
    throw badRequest(`${field} must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T08:00:00+07:00${hint}`);
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (
    !validDate(year, month, day) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    Math.abs(offsetMinutes) > 14 * 60 ||
    Number(m[11] ?? 0) > 59
  )
    throw badRequest(`${field} is not a valid date and time: ${value}`);
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
}

/** `until`: an instant, or a date meaning up to the end of that day in Asia/Ho_Chi_Minh. */
export function parseUntil(value: string): number {
  const d = DATE.exec(value);
  if (!d) return parseInstant(value, 'recurrence.until');
  const [year, month, day] = [d[1], d[2], d[3]].map(Number) as [number, number, number];
  if (!validDate(year, month, day)) throw badRequest(`recurrence.until is not a valid date: ${value}`);
  return Date.UTC(year, month - 1, day, 23, 59, 59) - LOCAL_OFFSET_MS;
}

/** Start, end and recurrence as stored: UTC ISO instants, checked. */
export interface Schedule {
  start: string;
  end: string;
  recurrence?: Recurrence;
}

/**
 * Checks and normalises the time of a meeting: end after start, at most 24 h, a recurrence
 * with `until` or `count` (not both) and at most 200 occurrences. `exdates` (from a stored
 * meeting) are kept when they are still occurrences of the new schedule.
 */
export function normaliseSchedule(input: { start: string; end: string; recurrence?: RecurrenceInput | Recurrence | null | undefined }, exdates: readonly string[] = []): Schedule {
  const start = parseInstant(input.start, 'start');
  const end = parseInstant(input.end, 'end');
  if (end <= start) throw badRequest('end must be after start');
  if (end - start > MAX_DURATION_MS) throw badRequest('A meeting lasts at most 24 hours: use a recurrence for several days');
  const schedule: Schedule = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  const r = input.recurrence;
  if (!r) return schedule;
  if ((r.until === undefined) === (r.count === undefined)) throw badRequest('recurrence needs either until or count (one of them)');
  const recurrence: Recurrence = { freq: r.freq, interval: r.interval ?? 1, exdates: [] };
  if (r.count !== undefined) recurrence.count = r.count;
  if (r.until !== undefined) {
    const until = parseUntil(r.until);
    if (until < start) throw badRequest('recurrence.until is before the start');
    recurrence.until = new Date(until).toISOString();
  }
  const starts = ruleStarts(start, recurrence, MAX_OCCURRENCES + 1);
  if (starts.length > MAX_OCCURRENCES) throw badRequest(`A recurring meeting has at most ${MAX_OCCURRENCES} occurrences: bring until closer or use count`);
  const kept = new Set(starts);
  const cancelled = new Set(exdates.map((d) => Date.parse(d)).filter((ms) => kept.has(ms)));
  recurrence.exdates = [...cancelled].sort((a, b) => a - b).map((ms) => new Date(ms).toISOString());
  schedule.recurrence = recurrence;
  return schedule;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 2000 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
