import ICAL from 'ical.js';
import { AppError } from '../../lib/errors.js';
import { RSVP_STATES, type RsvpState } from '../../store/records.js';

/** What an iTIP REPLY (RFC 5546 §3.2.3) says about one attendee's answer. */
export interface ParsedReply {
  uid: string;
  sequence: number | undefined;
  attendees: { address: string; partstat: RsvpState; delegatedTo: string | undefined }[];
  comment: string | undefined;
}

/** Largest REPLY body accepted (a REPLY carries one attendee: a few kilobytes at most). */
export const MAX_REPLY_BYTES = 64 * 1024;

/**
 * Parses a METHOD:REPLY calendar with ical.js. Anything that is not one — unparsable text,
 * another method, no VEVENT, no UID, no ATTENDEE with a known PARTSTAT — is a 400.
 */
export function parseReply(text: string): ParsedReply {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', `The body is not an iCalendar file: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`);
  }
  if (!Array.isArray(jcal) || jcal[0] !== 'vcalendar') throw new AppError('BAD_REQUEST', 'The body must be one VCALENDAR');
  const calendar = new ICAL.Component(jcal as unknown[]);
  const method = String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase();
  if (method !== 'REPLY') throw new AppError('BAD_REQUEST', `Expected METHOD:REPLY, got ${method ? `METHOD:${method.slice(0, 20)}` : 'no METHOD'}`);
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length !== 1) throw new AppError('BAD_REQUEST', 'A REPLY must hold exactly one VEVENT');
  const event = events[0] as InstanceType<typeof ICAL.Component>;
  if (event.hasProperty('recurrence-id')) throw new AppError('BAD_REQUEST', 'Answers to a single occurrence are not supported: answer for the whole series');
  const uid = event.getFirstPropertyValue('uid');
  if (typeof uid !== 'string' || uid.length === 0) throw new AppError('BAD_REQUEST', 'The REPLY has no UID');
  const rawSequence = event.getFirstPropertyValue('sequence');
  const sequence = typeof rawSequence === 'number' && Number.isInteger(rawSequence) ? rawSequence : undefined;
  const attendees: ParsedReply['attendees'] = [];
  for (const property of event.getAllProperties('attendee')) {
    const value = property.getFirstValue();
    const partstat = String(property.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase();
    if (typeof value !== 'string' || !(RSVP_STATES as readonly string[]).includes(partstat)) continue;
    const delegatedTo = property.getParameter('delegated-to');
    const firstDelegate = Array.isArray(delegatedTo) ? delegatedTo[0] : delegatedTo;
    attendees.push({
      address: stripMailto(value),
      partstat: partstat as RsvpState,
      delegatedTo: typeof firstDelegate === 'string' && firstDelegate.length > 0 ? stripMailto(firstDelegate) : undefined,
    });
  }
  if (attendees.length === 0) throw new AppError('BAD_REQUEST', 'The REPLY has no ATTENDEE with a PARTSTAT');
  const comment = event.getFirstPropertyValue('comment');
  return { uid, sequence, attendees, comment: typeof comment === 'string' && comment.length > 0 ? comment.slice(0, 1000) : undefined };
}

/** "mailto:A@B" → "a@b": cal-addresses compare without scheme and case. */
export function stripMailto(address: string): string {
  return address.replace(/^mailto:/i, '').trim().toLowerCase();
}
