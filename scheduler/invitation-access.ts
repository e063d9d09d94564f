import type { Hall, Invitation, Person } from '../store/records.js';
import type { MeetingCalendarInput } from './ical/calendar.js';
import type { Store } from '../store/store.js';
import type { Caller } from './auth/caller.js';
import { loadMeetingAccess, type MeetingAccess } from './access/meetings.js';
import type { Scope } from './access/scope.js';

/**
 * Who may read a meeting's invitations (issue 3 §3, §6), on top of the meeting rules of
 * scheduler/access/meetings.ts (who sees a meeting at all):
 * - who may edit the meeting (admin, the hosting unit's secretariat): every invitation, the
 *   whole RSVP table;
 * - a secretariat whose subtree holds an invited hall or person: those invitations;
 * - an operator: the invitations of the halls it operates;
 * - anyone: their own invitation as a person.
 * Invitations carry join links, so seeing the meeting is not enough to read all of them.
 * Feeds (§8): a person's feed belongs to the person and to who manages their unit; a hall's to
 * its operator and to who manages its unit.
 */
export interface InvitationRights {
  readonly access: MeetingAccess;
  /** May see every invitation: the RSVP table in full. */
  readonly whole: boolean;
  /** May see this invitation (and download its copy, with its join link). */
  sees(invitation: Invitation): boolean;
}

/** The caller's rights on the meeting's invitations; 403 when the caller may not see the meeting at all. */
export async function invitationRights(store: Store, caller: Caller, input: MeetingCalendarInput): Promise<InvitationRights> {
  const { meeting, halls, people } = input;
  const access = await loadMeetingAccess(store, caller);
  const { scope } = access;
  const whole = access.canEdit(meeting);
  const me = caller.person.id;
  const sees = (invitation: Invitation): boolean => {
    if (whole) return true;
    if (invitation.kind === 'person') {
      if (invitation.personId === me) return true;
      const person = people.get(invitation.personId ?? '');
      return person !== undefined && scope.manages(person.unitId);
    }
    const hall = halls.get(invitation.hallId ?? '');
    if (!hall) return false;
    return (hall.operatorId === me && scope.has('operator')) || scope.manages(hall.unitId);
  };
  // Someone taken off a meeting no longer "sees" it, but still gets its cancellation.
  if (!access.canSee(meeting) && !input.invitations.some(sees)) access.requireSee(meeting);
  return { access, whole, sees };
}

export function mayUsePersonFeed(scope: Scope, person: Person): boolean {
  return person.id === scope.personId || scope.manages(person.unitId);
}

export function mayUseHallFeed(scope: Scope, hall: Hall): boolean {
  return (hall.operatorId === scope.personId && scope.has('operator')) || scope.manages(hall.unitId);
}
