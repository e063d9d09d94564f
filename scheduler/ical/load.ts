import type { Hall, Invitation, Meeting, Person } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Invitee } from '../join-links.js';
import { organizerOf, type MeetingCalendarInput } from './calendar.js';

/**
 * Reads what a meeting's calendar files show: its invitations and the halls, people and unit
 * they name. `invitations` may be passed when the caller has read them already.
 */
export async function loadCalendarInput(store: Store, meeting: Meeting, invitations?: Invitation[]): Promise<MeetingCalendarInput> {
  const all = invitations ?? (await store.meetings.listInvitations(meeting.id));
  const hallIds = unique([meeting.hostHallId, ...all.map((i) => i.hallId)]);
  const personIds = unique([meeting.createdBy, meeting.chairId, ...all.flatMap((i) => [i.personId, i.delegatedTo])]);
  const [hallList, personList, unit] = await Promise.all([
    store.directory.getHalls(hallIds),
    store.directory.getPeople(personIds),
    store.directory.getUnit(meeting.unitId),
  ]);
  const halls = new Map<string, Hall>(hallList.filter((h): h is Hall => h !== undefined).map((h) => [h.id, h]));
  const people = new Map<string, Person>(personList.filter((p): p is Person => p !== undefined).map((p) => [p.id, p]));
  return { meeting, invitations: all, halls, people, organizer: organizerOf(meeting, people.get(meeting.createdBy), unit?.name) };
}

/** An invitation with the directory records it names, for signing its join link. */
export function inviteeOf(input: MeetingCalendarInput, invitation: Invitation): Invitee {
  return {
    invitation,
    hall: invitation.hallId ? input.halls.get(invitation.hallId) : undefined,
    person: invitation.personId ? input.people.get(invitation.personId) : undefined,
  };
}

function unique(ids: (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}
