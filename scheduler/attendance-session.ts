import { AppError } from '../lib/errors.js';
import type { Meeting, MeetingStatus } from '../store/records.js';
import { expand, OPENS_BEFORE_MS } from './recurrence.js';

/** The session an attendance report covers, and the span of the log that belongs to it. */
export interface ReportSession {
  start: number;
  end: number;
  status: MeetingStatus;
  /** Log entries at or after `from` and before `to` belong to this session. */
  from: number;
  to: number;
}

/**
 * A one-off meeting is one session. A recurring meeting's log holds every session: the report
 * covers the one asked for (its start), by default the one being held or last held (the latest
 * whose session has opened), else the first. A session's log runs from 30 minutes before its start
 * (the first: from the beginning) to 30 minutes before the next one's.
 */
export function reportSession(meeting: Meeting, now: number, asked?: number): ReportSession {
  const start = Date.parse(meeting.start);
  if (!meeting.recurrence) {
    if (asked !== undefined && asked !== start) throw noSuchSession(meeting, asked);
    return { start, end: Date.parse(meeting.end), status: meeting.status, from: -Infinity, to: Infinity };
  }
  const all = expand(meeting);
  const index = asked === undefined ? Math.max(0, all.findLastIndex((o) => o.start - OPENS_BEFORE_MS <= now)) : all.findIndex((o) => o.start === asked);
  const session = all[index];
  if (!session) throw noSuchSession(meeting, asked ?? start);
  const next = all[index + 1];
  const ended = (meeting.endedOccurrences ?? []).some((d) => Date.parse(d) === session.start);
  return {
    start: session.start,
    end: session.end,
    status: ended ? 'ended' : meeting.status,
    from: index === 0 ? -Infinity : session.start - OPENS_BEFORE_MS,
    to: next ? next.start - OPENS_BEFORE_MS : Infinity,
  };
}

function noSuchSession(meeting: Meeting, start: number): AppError {
  return new AppError('NOT_FOUND', `Meeting "${meeting.id}" has no occurrence starting at ${new Date(start).toISOString()}`);
}
