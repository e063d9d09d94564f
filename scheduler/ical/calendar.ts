import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalAttendeeType,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalCalendar,
} from 'ical-generator';
import type { Hall, Invitation, Meeting, Person } from '../../store/records.js';
import { formatLocal, TIME_ZONE, toRRule } from '../recurrence.js';
import { localDateTime, vtimezone, ZonedInstant } from './zone.js';

/**
 * Calendar files of meetings, built with ical-generator: one VEVENT per meeting (recurring
 * meetings as one RRULE'd event), DTSTART/DTEND in Asia/Ho_Chi_Minh with its VTIMEZONE, an
 * ATTENDEE per invitation. Pure: everything it shows comes in the arguments.
 */

export const PRODID = { company: 'diemcau', product: 'scheduler', language: 'VI' } as const;

/** What one meeting's event needs: the meeting, all its invitations (removed ones too) and who they name. */
export interface MeetingCalendarInput {
  meeting: Meeting;
  invitations: readonly Invitation[];
  halls: ReadonlyMap<string, Hall>;
  people: ReadonlyMap<string, Person>;
  organizer: { name: string; email: string };
}

/** The invitee whose copy is built: their join link goes in URL and DESCRIPTION. */
export interface InviteeCopy {
  invitation: Invitation;
  joinUrl: string;
}

export type CalendarMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';

export interface CalendarFile {
  method: CalendarMethod;
  text: string;
}

// Halls have no mailbox and people may have none; iCalendar wants a cal-address for each.
// ".invalid" (RFC 2606) can never be delivered to, and the prefix keeps halls and people apart.
const PLACEHOLDER_DOMAIN = 'diemcau.invalid';

export function hallAddress(hallId: string): string {
  return `hall.${hallId}@${PLACEHOLDER_DOMAIN}`;
}
export function personAddress(personId: string, person: Person | undefined): string {
  return person?.email ?? `person.${personId}@${PLACEHOLDER_DOMAIN}`;
}

/** The person id of a placeholder address ("person.<id>@diemcau.invalid"), if it is one. */
export function placeholderPersonId(address: string): string | undefined {
  const suffix = `@${PLACEHOLDER_DOMAIN}`;
  const lower = address.toLowerCase();
  if (!lower.startsWith('person.') || !lower.endsWith(suffix)) return undefined;
  return address.slice('person.'.length, address.length - suffix.length) || undefined;
}

/** The cal-address (without "mailto:") an invitation's ATTENDEE carries. */
export function attendeeAddress(invitation: Invitation, people: ReadonlyMap<string, Person>): string {
  if (invitation.kind === 'hall') return hallAddress(invitation.hallId ?? invitation.id);
  const personId = invitation.personId ?? invitation.id;
  return personAddress(personId, people.get(personId));
}

/** The organiser: the secretariat account that made the meeting, under its unit's name. */
export function organizerOf(meeting: Meeting, creator: Person | undefined, unitName: string | undefined): { name: string; email: string } {
  const name = unitName && creator ? `${creator.name} (${unitName})` : (creator?.name ?? unitName ?? 'diemcau');
  return { name, email: creator?.email ?? `unit.${meeting.unitId}@${PLACEHOLDER_DOMAIN}` };
}

/** The copy of one invitee: REQUEST, or CANCEL when the meeting was cancelled or they were taken off it. */
export function invitationCalendar(input: MeetingCalendarInput, copy: InviteeCopy, now = new Date()): CalendarFile {
  const cancelled = input.meeting.status === 'cancelled' || copy.invitation.removed === true;
  const method: CalendarMethod = cancelled ? 'CANCEL' : 'REQUEST';
  const calendar = newCalendar(method);
  // A CANCEL lists the attendees it cancels for: everyone when the meeting is off, else only this one.
  const attendees = copy.invitation.removed ? [copy.invitation] : current(input.invitations);
  addMeetingEvent(calendar, input, { copy, cancelled, attendees, now });
  return { method, text: calendar.toString() };
}

/** The organiser's copy of the whole meeting: every current attendee, no personal join link. */
export function meetingCalendar(input: MeetingCalendarInput, now = new Date()): CalendarFile {
  const cancelled = input.meeting.status === 'cancelled';
  const method: CalendarMethod = cancelled ? 'CANCEL' : 'REQUEST';
  const calendar = newCalendar(method);
  addMeetingEvent(calendar, input, { cancelled, attendees: current(input.invitations), now });
  return { method, text: calendar.toString() };
}

/** A subscribed feed: several meetings, each with the subscriber's own join link when they have one. */
export function feedCalendar(name: string, entries: readonly { input: MeetingCalendarInput; copy?: InviteeCopy | undefined }[], now = new Date()): CalendarFile {
  const calendar = newCalendar('PUBLISH');
  calendar.name(plainText(name).replace(/[\\;,]/g, ' '));
  // Calendar apps poll a subscription at this interval when they honour it.
  calendar.ttl(3600);
  for (const { input, copy } of entries) {
    const cancelled = input.meeting.status === 'cancelled' || copy?.invitation.removed === true;
    const attendees = copy?.invitation.removed ? [copy.invitation] : current(input.invitations);
    addMeetingEvent(calendar, input, { copy, cancelled, attendees, now });
  }
  return { method: 'PUBLISH', text: calendar.toString() };
}

function newCalendar(method: CalendarMethod): ICalCalendar {
  return ical({
    prodId: PRODID,
    method: ICalCalendarMethod[method],
    scale: 'GREGORIAN',
    // No calendar-wide zone name: ical-generator would then write DTSTAMP without its "Z".
    timezone: { name: null, generator: vtimezone },
  });
}

function current(invitations: readonly Invitation[]): Invitation[] {
  return invitations.filter((i) => !i.removed);
}

interface EventOptions {
  copy?: InviteeCopy | undefined;
  cancelled: boolean;
  attendees: readonly Invitation[];
  now: Date;
}

const ROLE: Record<Invitation['role'], ICalAttendeeRole> = {
  chair: ICalAttendeeRole.CHAIR,
  secretary: ICalAttendeeRole.REQ,
  site: ICalAttendeeRole.REQ,
  official: ICalAttendeeRole.REQ,
  observer: ICalAttendeeRole.OPT,
};

function addMeetingEvent(calendar: ICalCalendar, input: MeetingCalendarInput, options: EventOptions): void {
  const { meeting, halls, people } = input;
  const startMs = Date.parse(meeting.start);
  const host = halls.get(meeting.hostHallId);
  const event = calendar.createEvent({
    id: meeting.uid,
    sequence: meeting.sequence,
    stamp: options.now,
    created: new Date(meeting.createdAt),
    lastModified: new Date(meeting.updatedAt),
    start: new ZonedInstant(startMs),
    end: new ZonedInstant(Date.parse(meeting.end)),
    timezone: TIME_ZONE,
    summary: plainText(meeting.title),
    description: description(meeting, host, options),
    location: host ? { title: plainText(host.name), ...(host.location ? { address: plainText(host.location) } : {}) } : null,
    // A cancellation carries no link: it would not open anything any more.
    url: options.cancelled ? null : (options.copy?.joinUrl ?? null),
    organizer: { name: paramText(input.organizer.name), email: input.organizer.email },
    status: options.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  if (meeting.recurrence) {
    const lines = [`RRULE:${toRRule(meeting.recurrence, meeting.start)}`];
    // One EXDATE per cancelled occurrence, in the same zone as DTSTART.
    for (const exdate of meeting.recurrence.exdates) lines.push(`EXDATE;TZID=${TIME_ZONE}:${localDateTime(Date.parse(exdate))}`);
    event.repeating(lines.join('\r\n'));
  }
  const delegatedFrom = new Map<string, Invitation>();
  for (const i of input.invitations) if (i.rsvp === 'DELEGATED' && i.delegatedTo && !i.removed) delegatedFrom.set(i.delegatedTo, i);
  for (const invitation of options.attendees) {
    const x: [string, string][] = [];
    // ical-generator writes DELEGATED-TO/FROM without "mailto:"; RFC 5545 wants the cal-address.
    if (invitation.rsvp === 'DELEGATED' && invitation.delegatedTo)
      x.push(['DELEGATED-TO', `"mailto:${personAddress(invitation.delegatedTo, people.get(invitation.delegatedTo))}"`]);
    const from = invitation.personId ? delegatedFrom.get(invitation.personId) : undefined;
    if (from) x.push(['DELEGATED-FROM', `"mailto:${attendeeAddress(from, people)}"`]);
    const chair = invitation.role === 'chair' || (invitation.kind === 'person' && invitation.personId === meeting.chairId);
    event.createAttendee({
      name: paramText(attendeeName(invitation, halls, people)),
      email: attendeeAddress(invitation, people),
      role: chair ? ICalAttendeeRole.CHAIR : ROLE[invitation.role],
      status: ICalAttendeeStatus[statusKey(invitation.rsvp)],
      rsvp: true,
      type: invitation.kind === 'hall' ? ICalAttendeeType.ROOM : ICalAttendeeType.INDIVIDUAL,
      x,
    });
  }
}

function statusKey(rsvp: Invitation['rsvp']): keyof typeof ICalAttendeeStatus {
  return rsvp === 'NEEDS-ACTION' ? 'NEEDSACTION' : rsvp;
}

export function attendeeName(invitation: Invitation, halls: ReadonlyMap<string, Hall>, people: ReadonlyMap<string, Person>): string {
  if (invitation.kind === 'hall') return halls.get(invitation.hallId ?? '')?.name ?? invitation.hallId ?? invitation.id;
  const person = people.get(invitation.personId ?? '');
  if (!person) return invitation.personId ?? invitation.id;
  return person.title ? `${person.name} (${person.title})` : person.name;
}

function description(meeting: Meeting, host: Hall | undefined, options: EventOptions): string {
  const lines: string[] = [];
  if (options.cancelled) lines.push('ĐÃ HỦY / CANCELLED', '');
  if (meeting.description) lines.push(plainText(meeting.description, true), '');
  const end = formatLocal(meeting.end);
  lines.push(`Thời gian / Time: ${formatLocal(meeting.start)} – ${end.slice(0, 10) === formatLocal(meeting.start).slice(0, 10) ? end.slice(11) : end} (giờ Việt Nam / Vietnam time, UTC+7)`);
  if (host) lines.push(`Điểm cầu chủ trì / Host hall: ${plainText(host.name)}`);
  if (meeting.agenda.length > 0) {
    lines.push('', 'Chương trình / Agenda:');
    meeting.agenda.forEach((item, n) => {
      const extra = [item.presenter ? plainText(item.presenter) : '', item.minutes ? `${item.minutes}′` : ''].filter(Boolean).join(', ');
      lines.push(`${n + 1}. ${plainText(item.title)}${extra ? ` (${extra})` : ''}`);
    });
  }
  if (options.copy && !options.cancelled) lines.push('', 'Liên kết tham dự / Join link:', options.copy.joinUrl);
  return lines.join('\n');
}

/** Text without control characters (newlines kept only where asked). */
function plainText(text: string, keepNewlines = false): string {
  const cleaned = text.replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex
  return keepNewlines ? cleaned.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, ' ') : cleaned.replace(/[\x00-\x1f\x7f]/g, ' ');
}

/** A quoted parameter value (CN) may hold no DQUOTE and no control character (RFC 5545 §3.1). */
function paramText(text: string): string {
  return plainText(text).replace(/"/g, "'").replace(/\\/g, '/');
}
