import { Type, type Static } from '@sinclair/typebox';
import { Instant, Meeting } from '../store/records.js';
import { formatLocal, TIME_ZONE, type Occurrence } from './recurrence.js';

/** A meeting as the API serves it: the record plus its times in Asia/Ho_Chi_Minh. */

const Local = Type.String({ description: 'Local time in Asia/Ho_Chi_Minh, "YYYY-MM-DD HH:mm"', examples: ['2026-12-01 08:00'] });

export const OccurrenceView = Type.Object({ start: Instant, end: Instant, startLocal: Local, endLocal: Local });
export type OccurrenceView = Static<typeof OccurrenceView>;

export const MeetingView = Type.Composite([
  Meeting,
  Type.Object({
    startLocal: Local,
    endLocal: Local,
    timeZone: Type.Literal(TIME_ZONE),
    /** May the caller change, cancel or start it? */
    editable: Type.Boolean(),
    /** Occurrences in the asked range, or the next ones; cancelled ones left out. */
    occurrences: Type.Optional(Type.Array(OccurrenceView)),
    /** GET /api/meetings/:id only: the host hall's and the chair's names, for whoever sees the meeting. */
    hostHallName: Type.Optional(Type.String()),
    chairName: Type.Optional(Type.String()),
  }),
]);
export type MeetingView = Static<typeof MeetingView>;

export function occurrenceView(o: Occurrence): OccurrenceView {
  return { start: new Date(o.start).toISOString(), end: new Date(o.end).toISOString(), startLocal: formatLocal(o.start), endLocal: formatLocal(o.end) };
}

export function meetingView(meeting: Meeting, editable: boolean, occurrences?: readonly Occurrence[]): MeetingView {
  return {
    ...meeting,
    startLocal: formatLocal(meeting.start),
    endLocal: formatLocal(meeting.end),
    timeZone: TIME_ZONE,
    editable,
    ...(occurrences ? { occurrences: occurrences.map(occurrenceView) } : {}),
  };
}
