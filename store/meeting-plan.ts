import type { Invitation, Meeting } from './records.js';

/**
 * Pure rules of what a meeting write changes besides the meeting itself: which invitations
 * exist and for which SEQUENCE, and when SEQUENCE rises.
 */

/** Stable invitation ids, so an invitee taken off and added back gets its record again. */
export const hallInvitationId = (hallId: string): string => `h-${hallId}`;
export const personInvitationId = (personId: string): string => `p-${personId}`;

interface Invitee {
  id: string;
  kind: 'hall' | 'person';
  hallId?: string;
  personId?: string;
  role: Invitation['role'];
}

/**
 * Who a meeting invites: the host hall (the chair's site) and each site hall as `site`, the
 * chair, each secretary, each invited person as `official`; a person listed twice keeps the
 * highest role (chair > secretary > official).
 */
export function invitees(meeting: Meeting): Invitee[] {
  const list: Invitee[] = [];
  const seen = new Set<string>();
  const add = (invitee: Invitee) => {
    if (seen.has(invitee.id)) return;
    seen.add(invitee.id);
    list.push(invitee);
  };
  for (const hallId of [meeting.hostHallId, ...meeting.siteHallIds]) add({ id: hallInvitationId(hallId), kind: 'hall', hallId, role: 'site' });
  add({ id: personInvitationId(meeting.chairId), kind: 'person', personId: meeting.chairId, role: 'chair' });
  for (const personId of meeting.secretaryIds) add({ id: personInvitationId(personId), kind: 'person', personId, role: 'secretary' });
  for (const personId of meeting.invitedPersonIds) add({ id: personInvitationId(personId), kind: 'person', personId, role: 'official' });
  return list;
}

/** Did time, recurrence (exdates included), place or sites change — or the meeting get cancelled? */
export function significantChange(before: Meeting, after: Meeting): boolean {
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;
  return (
    Date.parse(before.start) !== Date.parse(after.start) ||
    Date.parse(before.end) !== Date.parse(after.end) ||
    ruleKey(before.recurrence) !== ruleKey(after.recurrence) ||
    before.hostHallId !== after.hostHallId ||
    !sameSet(before.siteHallIds, after.siteHallIds) ||
    (before.status !== 'cancelled' && after.status === 'cancelled')
  );
}

/** A recurrence compared by meaning: instants as numbers, exdates as a set, whatever the key order. */
function ruleKey(r: Meeting['recurrence']): string {
  if (!r) return '';
  const instant = (v: string | undefined) => (v === undefined ? '' : String(Date.parse(v)));
  const exdates = [...new Set(r.exdates.map((d) => Date.parse(d)))].sort((a, b) => a - b);
  return [r.freq, r.interval ?? 1, instant(r.until), r.count ?? '', exdates.join(',')].join('|');
}

export interface InvitationChange {
  invitation: Invitation;
  /** Taken off the meeting, or added back after that: its holder needs a copy with a higher SEQUENCE. */
  turned: boolean;
}

/**
 * The invitations to write so they match `meeting` (whose `sequence` is final): new ones,
 * reinstated ones (RSVP back to NEEDS-ACTION), ones whose role changed, ones to re-issue for a
 * new SEQUENCE, and ones of invitees no longer listed, marked `removed` (kept, so the holder's
 * copy becomes a cancellation). Unchanged invitations are not listed.
 */
export function planInvitations(meeting: Meeting, existing: ReadonlyMap<string, Invitation>, now: string): InvitationChange[] {
  const changes: InvitationChange[] = [];
  const wanted = invitees(meeting);
  const wantedIds = new Set(wanted.map((w) => w.id));
  const sequence = meeting.sequence;
  for (const w of wanted) {
    const old = existing.get(w.id);
    const target = { ...(w.hallId === undefined ? {} : { hallId: w.hallId }), ...(w.personId === undefined ? {} : { personId: w.personId }) };
    if (!old) {
      changes.push({
        turned: false,
        invitation: { id: w.id, meetingId: meeting.id, kind: w.kind, ...target, role: w.role, rsvp: 'NEEDS-ACTION', sequence, createdAt: now, updatedAt: now },
      });
    } else if (old.removed) {
      const { removed: _removed, delegatedTo: _delegatedTo, comment: _comment, ...rest } = old;
      changes.push({ turned: true, invitation: { ...rest, role: w.role, rsvp: 'NEEDS-ACTION', sequence, updatedAt: now } });
    } else if (old.role !== w.role || old.sequence !== sequence) {
      changes.push({ turned: false, invitation: { ...old, role: w.role, sequence, updatedAt: now } });
    }
  }
  for (const old of existing.values()) {
    if (wantedIds.has(old.id) || old.removed) continue;
    changes.push({ turned: true, invitation: { ...old, removed: true, sequence, updatedAt: now } });
  }
  return changes;
}
