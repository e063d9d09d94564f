import { AppError } from '../lib/errors.js';
import type { JoinClaims } from '../protocol/claims.js';
import type { Invitation, Meeting, Person, RsvpState } from '../store/records.js';
import type { Store } from '../store/store.js';
import { attendeeAddress, placeholderPersonId } from './ical/calendar.js';
import { parseReply, stripMailto } from './ical/reply.js';
import { UnitTree } from './unit-tree.js';

/**
 * RSVP by the holder of an invitation's join link: the link's token names the meeting and
 * the invitation (jti); the answer is written with the meeting store's compare-and-set, so it
 * neither loses nor undoes a meeting change that races it (and is re-checked against it).
 */

export interface Answer {
  state: Exclude<RsvpState, 'NEEDS-ACTION'> | 'NEEDS-ACTION';
  /** Person id, with DELEGATED. */
  delegateTo?: string | undefined;
  comment?: string | undefined;
}

/** The meeting and invitation a token names; 404 when gone, 403 when the token is not that invitation's. */
export async function resolveInvitation(store: Store, claims: JoinClaims & { jti: string }): Promise<{ meeting: Meeting; invitation: Invitation }> {
  const meeting = await store.meetings.getMeeting(claims.meetingId);
  if (!meeting) throw new AppError('NOT_FOUND', 'The meeting of this invitation does not exist (any more)');
  const invitation = await store.meetings.getInvitation(meeting.id, claims.jti);
  if (!invitation) throw new AppError('NOT_FOUND', 'This link names no invitation of its meeting');
  const subject = invitation.kind === 'hall' ? invitation.hallId : invitation.personId;
  if (subject !== claims.sub) throw new AppError('FORBIDDEN', 'This link is not the link of that invitation');
  return { meeting, invitation };
}

function requireOpen(meeting: Meeting, invitation?: Invitation): void {
  if (meeting.status === 'cancelled') throw new AppError('CONFLICT', 'This meeting was cancelled: there is nothing to answer');
  if (meeting.status === 'ended') throw new AppError('CONFLICT', 'This meeting has ended');
  if (invitation?.removed) throw new AppError('CONFLICT', 'This invitation was withdrawn: you are no longer invited to this meeting');
}

/** Records an answer; with DELEGATED, invites the delegate first (as an official) unless already invited. */
export async function answerInvitation(store: Store, claims: JoinClaims & { jti: string }, answer: Answer, now: () => Date = () => new Date()): Promise<Invitation> {
  const { meeting, invitation } = await resolveInvitation(store, claims);
  requireOpen(meeting, invitation);
  if (answer.state === 'DELEGATED') await inviteDelegate(store, meeting, invitation, answer.delegateTo);
  else if (answer.delegateTo !== undefined) throw new AppError('BAD_REQUEST', 'delegateTo goes only with the answer "delegated"');
  const written = await store.meetings.updateInvitation(meeting.id, invitation.id, (current, fresh) => {
    requireOpen(fresh, current);
    const { delegatedTo: _delegatedTo, comment: _comment, ...rest } = current;
    return {
      ...rest,
      rsvp: answer.state,
      ...(answer.state === 'DELEGATED' ? { delegatedTo: answer.delegateTo as string } : {}),
      ...(answer.comment ? { comment: answer.comment } : {}),
      updatedAt: now().toISOString(),
    };
  });
  if (!written) throw new AppError('NOT_FOUND', 'The invitation does not exist any more');
  return written;
}

async function inviteDelegate(store: Store, meeting: Meeting, invitation: Invitation, delegateTo: string | undefined): Promise<void> {
  if (!delegateTo) throw new AppError('BAD_REQUEST', 'Say whom to delegate to: delegateTo (a person id)');
  if (invitation.kind !== 'person') throw new AppError('BAD_REQUEST', "A hall's invitation cannot be delegated: answer for the hall, or invite someone");
  if (delegateTo === invitation.personId) throw new AppError('BAD_REQUEST', 'One cannot delegate to oneself');
  const [delegate, units] = await Promise.all([store.directory.getPerson(delegateTo), store.directory.listUnits()]);
  if (!delegate) throw new AppError('NOT_FOUND', `No person ${delegateTo}`, { personId: delegateTo });
  if (!new UnitTree(units).isWithin(delegate.unitId, meeting.unitId))
    throw new AppError('FORBIDDEN', "The delegate belongs to a unit outside the meeting's unit", { personId: delegateTo });
  const invited = (m: Meeting) => m.chairId === delegateTo || m.secretaryIds.includes(delegateTo) || m.invitedPersonIds.includes(delegateTo);
  if (invited(meeting)) return;
  const result = await store.meetings.update(meeting.id, (current) => {
    requireOpen(current);
    return invited(current) ? current : { ...current, invitedPersonIds: [...current.invitedPersonIds, delegateTo] };
  });
  if (!result.ok) throw new AppError(result.reason === 'not-found' ? 'NOT_FOUND' : 'CONFLICT', 'The delegate could not be invited');
}

/**
 * Applies an iCalendar REPLY: the UID must be the meeting's, the REPLY must not answer an older
 * SEQUENCE, and the ATTENDEE answering is the invitation's own address (or the only one given:
 * the token already names the invitation).
 */
export async function applyReply(store: Store, claims: JoinClaims & { jti: string }, text: string, now?: () => Date): Promise<Invitation> {
  const { meeting, invitation } = await resolveInvitation(store, claims);
  const reply = parseReply(text);
  if (reply.uid !== meeting.uid) throw new AppError('BAD_REQUEST', 'The REPLY is for another event (its UID is not this meeting’s)', { uid: reply.uid.slice(0, 200) });
  if (reply.sequence !== undefined && reply.sequence < meeting.sequence)
    throw new AppError('CONFLICT', `The REPLY answers version ${reply.sequence} of the meeting, which has changed since (version ${meeting.sequence}): answer the latest invitation`);
  const people = new Map<string, Person>();
  if (invitation.personId) {
    const person = await store.directory.getPerson(invitation.personId);
    if (person) people.set(person.id, person);
  }
  const own = stripMailto(attendeeAddress(invitation, people));
  const attendee = reply.attendees.find((a) => a.address === own) ?? (reply.attendees.length === 1 ? reply.attendees[0] : undefined);
  if (!attendee) throw new AppError('BAD_REQUEST', `The REPLY has no ATTENDEE ${own}`);
  let delegateTo: string | undefined;
  if (attendee.partstat === 'DELEGATED') {
    if (!attendee.delegatedTo) throw new AppError('BAD_REQUEST', 'PARTSTAT=DELEGATED needs DELEGATED-TO');
    delegateTo = await personIdByAddress(store, attendee.delegatedTo);
    if (!delegateTo) throw new AppError('NOT_FOUND', `No person has the address ${attendee.delegatedTo.slice(0, 200)}`);
  }
  return answerInvitation(store, claims, { state: attendee.partstat, delegateTo, comment: reply.comment }, now);
}

async function personIdByAddress(store: Store, address: string): Promise<string | undefined> {
  const placeholder = placeholderPersonId(address);
  if (placeholder) return placeholder;
  const people = await store.directory.listPeople();
  return people.find((p) => p.email?.toLowerCase() === address)?.id;
}
