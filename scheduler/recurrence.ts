import type { Recurrence } from '../store/records.js';

/**
 * Occurrences of a meeting, as RFC 5545 computes them for DTSTART in Asia/Ho_Chi_Minh:
 * weekly repeats every `interval` weeks at the same weekday and time; monthly repeats on the
 * same day of the month in local time, skipping months without that day (they do not count
 * towards COUNT); UNTIL is inclusive; exdates are taken out after COUNT is applied.
 * Asia/Ho_Chi_Minh is UTC+7 all year (no DST), so local time is a fixed shift.
 */

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const LOCAL_OFFSET_MS = 7 * 3600_000;
/** At most this many occurrences per meeting (before exdates). */
export const MAX_OCCURRENCES = 200;

const DAY_MS = 86_400_000;
// Enough months to find 200 occurrences even when most months lack the day (the 31st, interval 1: 7 of 12).
const MAX_MONTH_STEPS = 12 * 400;

/** One occurrence: [start, end) in milliseconds since the epoch. */
export interface Occurrence {
  start: number;
  end: number;
}

/** What expansion needs of a meeting. */
export interface Schedule {
  start: string;
  end: string;
  recurrence?: Recurrence | undefined;
}

/** A schedule whose occurrences are held one by one: those already held and ended are listed. */
export interface HeldSchedule extends Schedule {
  endedOccurrences?: string[] | undefined;
}

/** A session of a meeting opens (its join links let people in) this long before its start. */
export const OPENS_BEFORE_MS = 30 * 60_000;

export interface ExpandOptions {
  /** Only occurrences ending after this instant (ms). */
  from?: number;
  /** Only occurrences starting before this instant (ms). */
  to?: number;
  /** Stop after this many (after the range filter). */
  limit?: number;
  /** Keep the cancelled ones (exdates) too. */
  withCancelled?: boolean;
}

/**
 * The rule's instants in order, exdates included, at most `cap` of them (more than
 * MAX_OCCURRENCES is possible here, so callers can tell a rule that yields too many).
 */
export function ruleStarts(startMs: number, recurrence: Recurrence | undefined, cap = MAX_OCCURRENCES): number[] {
  if (!recurrence) return [startMs];
  const until = recurrence.until === undefined ? Infinity : Date.parse(recurrence.until);
  const count = recurrence.count ?? Infinity;
  const interval = Math.max(1, recurrence.interval ?? 1);
  const starts: number[] = [];
  const limit = Math.min(count, cap);
  if (recurrence.freq === 'weekly') {
    for (let s = startMs; s <= until && starts.length < limit; s += interval * 7 * DAY_MS) starts.push(s);
    return starts;
  }
  const local = new Date(startMs + LOCAL_OFFSET_MS);
  const day = local.getUTCDate();
  const timeOfDay = startMs + LOCAL_OFFSET_MS - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), day);
  for (let step = 0; step < MAX_MONTH_STEPS && starts.length < limit; step++) {
    const monthIndex = local.getUTCMonth() + step * interval;
    const year = local.getUTCFullYear() + Math.floor(monthIndex / 12);
    const month = monthIndex % 12;
    if (day > daysInMonth(year, month)) continue;
    const s = Date.UTC(year, month, day) + timeOfDay - LOCAL_OFFSET_MS;
    if (s > until) break;
    starts.push(s);
  }
  return starts;
}

/** Occurrences of a meeting in order, cancelled ones left out unless asked for. */
export function expand(schedule: Schedule, options: ExpandOptions = {}): Occurrence[] {
  const startMs = Date.parse(schedule.start);
  const duration = Date.parse(schedule.end) - startMs;
  const cancelled = new Set((schedule.recurrence?.exdates ?? []).map((d) => Date.parse(d)));
  const result: Occurrence[] = [];
  for (const s of ruleStarts(startMs, schedule.recurrence)) {
    if (!options.withCancelled && cancelled.has(s)) continue;
    const occurrence = { start: s, end: s + duration };
    if (options.from !== undefined && occurrence.end <= options.from) continue;
    if (options.to !== undefined && occurrence.start >= options.to) break;
    result.push(occurrence);
    if (options.limit !== undefined && result.length >= options.limit) break;
  }
  return result;
}

/** Does any (not cancelled) occurrence overlap [from, to)? */
export function overlaps(schedule: Schedule, from: number | undefined, to: number | undefined): boolean {
  return expand(schedule, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), limit: 1 }).length > 0;
}

/** Occurrences neither cancelled nor already held and ended, in order. */
export function pendingOccurrences(schedule: HeldSchedule): Occurrence[] {
  const ended = new Set((schedule.endedOccurrences ?? []).map((d) => Date.parse(d)));
  return expand(schedule).filter((o) => !ended.has(o.start));
}

/** The occurrence being held at `now`: the latest pending one whose session has opened (it may run past its end). */
export function heldOccurrence(schedule: HeldSchedule, now: number): Occurrence | undefined {
  return pendingOccurrences(schedule)
    .filter((o) => o.start - OPENS_BEFORE_MS <= now)
    .pop();
}

/**
 * The occurrence to show at `now`: while live, the one being held; otherwise the one open now or the
 * next; the first when none is left.
 */
export function occurrenceAt(schedule: HeldSchedule & { status?: string }, now: number): Occurrence {
  const pending = pendingOccurrences(schedule);
  const live = schedule.status === 'live' ? heldOccurrence(schedule, now) : undefined;
  const first = { start: Date.parse(schedule.start), end: Date.parse(schedule.end) };
  return live ?? pending.find((o) => o.end > now) ?? pending[pending.length - 1] ?? first;
}

/**
 * Where `now` falls for joining: inside the session of an occurrence (30 minutes before its start to
 * its end), before the next one, or after the last.
 */
export function sessionAt(schedule: HeldSchedule, now: number): { open: Occurrence } | { next: Occurrence } | { over: true } {
  const next = pendingOccurrences(schedule).find((o) => o.end > now);
  if (!next) return { over: true };
  return next.start - OPENS_BEFORE_MS <= now ? { open: next } : { next };
}

/** End of the last (not cancelled) occurrence, ms; the end of the first when all are cancelled. */
export function lastEnd(schedule: Schedule): number {
  const all = expand(schedule);
  const last = all[all.length - 1];
  return last ? last.end : Date.parse(schedule.end);
}

/**
 * The RRULE value of a recurrence, for an iCalendar VEVENT whose DTSTART is `start` in
 * Asia/Ho_Chi_Minh: e.g. `FREQ=WEEKLY;INTERVAL=1;UNTIL=20270101T000000Z` or
 * `FREQ=MONTHLY;INTERVAL=1;COUNT=10`. The weekday and day of month come from DTSTART, as RFC 5545
 * implies them; UNTIL is in UTC, as RFC 5545 requires with a TZID'd DTSTART. Exdates are not
 * part of the rule: they go in EXDATE.
 */
export function toRRule(recurrence: Recurrence, start?: string | Date): string {
  const parts = [`FREQ=${recurrence.freq === 'weekly' ? 'WEEKLY' : 'MONTHLY'}`, `INTERVAL=${recurrence.interval ?? 1}`];
  if (recurrence.count !== undefined) parts.push(`COUNT=${recurrence.count}`);
  else if (recurrence.until !== undefined) {
    // An UNTIL before DTSTART would make an empty set; clamp so the first occurrence stays.
    const startMs = start === undefined ? -Infinity : new Date(start).getTime();
    parts.push(`UNTIL=${icalUtc(Math.max(Date.parse(recurrence.until), startMs))}`);
  }
  return parts.join(';');
}

/** 20270101T000000Z */
export function icalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** "2026-12-01 08:00" in Asia/Ho_Chi_Minh. */
export function formatLocal(instant: number | string): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
