import ICAL from 'ical.js';
import type { Test } from 'tap';
import type { Meeting } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** Shared by the invitation, RSVP and feed tests: meetings written through the meeting store, and .ics checks. */

type MeetingInput = Partial<Meeting> & { id: string };

/** A province meeting 08:00–10:00 Hanoi time on 2 Dec 2030 unless told otherwise; written with MeetingStore.create. */
export async function storeMeeting(store: Store, input: MeetingInput): Promise<Meeting> {
  const now = new Date().toISOString();
  const meeting: Meeting = {
    title: 'Giao ban tháng 12',
    agenda: [{ title: 'Tình hình kinh tế - xã hội', presenter: 'Sở KH&ĐT', minutes: 30 }],
    start: '2030-12-02T01:00:00.000Z',
    end: '2030-12-02T03:00:00.000Z',
    chairId: 'off-province',
    hostHallId: 'hall-province',
    siteHallIds: [],
    invitedPersonIds: [],
    secretaryIds: [],
    status: 'scheduled',
    uid: `${input.id}@diemcau.test`,
    sequence: 0,
    unitId: 'province',
    createdBy: 'sec-province',
    createdAt: now,
    updatedAt: now,
    ...input,
  };
  const result = await store.meetings.create(meeting);
  if (!result.ok) throw new Error(`create ${input.id}: ${JSON.stringify(result)}`);
  return result.meeting;
}

/** Changes a stored meeting (MeetingStore.update); throws when refused. */
export async function changeMeeting(store: Store, id: string, change: (m: Meeting) => Meeting): Promise<Meeting> {
  const result = await store.meetings.update(id, (m) => change(m));
  if (!result.ok) throw new Error(`update ${id}: ${JSON.stringify(result)}`);
  return result.meeting;
}

export interface ParsedIcs {
  calendar: ICAL.Component;
  events: ICAL.Component[];
  event: ICAL.Component;
  method: string;
}

/** Parses with ical.js, the independent parser. */
export function parseIcs(text: string): ParsedIcs {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const events = calendar.getAllSubcomponents('vevent');
  return { calendar, events, event: events[0] as ICAL.Component, method: String(calendar.getFirstPropertyValue('method') ?? '') };
}

/** RFC 5545 §3.1: CRLF line ends, content lines folded at 75 octets. */
export function checkLines(t: Test, text: string, what: string): void {
  t.ok(text.endsWith('END:VCALENDAR') || text.endsWith('END:VCALENDAR\r\n'), `${what}: ends with END:VCALENDAR`);
  t.notOk(/(^|[^\r])\n/.test(text), `${what}: every line ends with CRLF`);
  t.notOk(/\r(?!\n)/.test(text), `${what}: no bare CR`);
  const long = text.split('\r\n').filter((line) => Buffer.byteLength(line, 'utf8') > 75);
  t.same(long, [], `${what}: no line over 75 octets`);
}

/** ATTENDEE lines as { address, params } (parameter names lower case). */
export function attendees(event: ICAL.Component): { address: string; params: Record<string, string> }[] {
  return event.getAllProperties('attendee').map((p) => {
    const params: Record<string, string> = {};
    for (const name of ['cn', 'role', 'partstat', 'rsvp', 'cutype', 'delegated-to', 'delegated-from']) {
      const value = p.getParameter(name);
      if (value !== undefined) params[name] = String(Array.isArray(value) ? value[0] : value);
    }
    return { address: String(p.getFirstValue()), params };
  });
}

/** The payload of a JWT, unverified (the tests check what the server signed). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The token of a join link. */
export function tokenOf(joinUrl: string): string {
  return new URL(joinUrl).searchParams.get('token') as string;
}
