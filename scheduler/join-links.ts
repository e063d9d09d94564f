import { createJoinTokenSigner, createJoinTokenVerifier, joinUrl } from '../lib/join-token.js';
import type { JoinClaims } from '../protocol/claims.js';
import type { Hall, Invitation, Meeting, Person } from '../store/records.js';
import { lastEnd, OPENS_BEFORE_MS } from './recurrence.js';

const NAME_MAX = 120;

/** Who an invitation is for, as the directory knows them. */
export interface Invitee {
  invitation: Invitation;
  hall?: Hall | undefined;
  person?: Person | undefined;
}

/** The window of every join link of a meeting: 30 minutes before its start to the end of its last occurrence. */
export function joinWindow(meeting: Pick<Meeting, 'start' | 'end' | 'recurrence'>): { notBefore: number; expiresAt: number } {
  return {
    notBefore: Math.floor((Date.parse(meeting.start) - OPENS_BEFORE_MS) / 1000),
    expiresAt: Math.floor(lastEnd(meeting) / 1000),
  };
}

/** The display name of an invitee: the hall's or the person's, cut to what a join token carries. */
export function inviteeName(invitee: Invitee): string {
  const { invitation, hall, person } = invitee;
  const name = (invitation.kind === 'hall' ? hall?.name : person?.name) ?? invitation.hallId ?? invitation.personId ?? invitation.id;
  return Array.from(name).slice(0, NAME_MAX).join('');
}

export function joinClaims(meeting: Meeting, invitee: Invitee): JoinClaims {
  const { invitation, hall, person } = invitee;
  const sub = invitation.kind === 'hall' ? invitation.hallId : invitation.personId;
  if (!sub) throw new Error(`invitation ${invitation.id} names no ${invitation.kind}`);
  const unitId = invitation.kind === 'hall' ? hall?.unitId : person?.unitId;
  return {
    sub,
    meetingId: meeting.id,
    role: invitation.role,
    name: inviteeName(invitee),
    ...(invitation.kind === 'hall' ? { hallId: sub } : {}),
    ...(unitId ? { unitId } : {}),
    jti: invitation.id,
  };
}

/**
 * Signs invitation join tokens. `iat` is the invitation's creation time rather than now, so
 * the same invitation of the same meeting version always yields the same link: a re-downloaded
 * .ics, the RSVP table and the feed all show one link, and it changes only when the meeting's
 * time (its window) or the invitee's name or role does.
 */
export function createJoinLinkSigner(secret: string, publicUrl: () => string) {
  const sign = createJoinTokenSigner(secret);
  const token = (meeting: Meeting, invitee: Invitee): string =>
    sign(joinClaims(meeting, invitee), { ...joinWindow(meeting), issuedAt: Math.floor(Date.parse(invitee.invitation.createdAt) / 1000) });
  return {
    token,
    url: (meeting: Meeting, invitee: Invitee): string => joinUrl(publicUrl(), token(meeting, invitee)),
  };
}
export type JoinLinkSigner = ReturnType<typeof createJoinLinkSigner>;

/**
 * Verifies an invitation's join token for RSVP: signature, audience and expiry as the meeting
 * handshake does, but not `nbf` — people answer an invitation days before the meeting opens.
 */
export function createInvitationTokenVerifier(secret: string): (token: string) => JoinClaims & { jti: string } {
  return createJoinTokenVerifier(secret, 'invitation');
}
