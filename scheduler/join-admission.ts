import { AppError } from '../lib/errors.js';
import type { JoinClaims } from '../protocol/claims.js';
import type { AdmissionVerdict } from '../signaling/live-store.js';
import type { Store } from '../store/store.js';
import { joinWindow } from './join-links.js';
import type { Meeting } from '../store/records.js';
import { formatLocal, heldOccurrence, OPENS_BEFORE_MS, sessionAt } from './recurrence.js';

/** Why a signed, unexpired join link is still refused: sent as `details.reason`, for the join page. */
export type RefusalReason = 'cancelled' | 'ended' | 'removed' | 'outdated' | 'moved' | 'between';

const refuse = (code: 'MEETING_CLOSED' | 'FORBIDDEN' | 'TOKEN_NOT_YET_VALID', reason: RefusalReason, message: string) =>
  new AppError(code, message, { reason });

/**
 * The meeting-side check of a join token, run by the signaling handshake after the signature,
 * audience and time checks. A token for a meeting the scheduler holds must match it as it is
 * now: not cancelled or ended, an invitation of it (jti) that was not withdrawn, with the role
 * it still has, inside the meeting's current window (a link of an earlier version of a moved
 * meeting carries the old window). A token whose jti names no invitation of the meeting is a guest
 * link (signed with the server's secret, e.g. by `npm run token`): let through as a guest, to wait
 * in the lobby until the chair or secretary admits it, unless the meeting is over. Tokens for
 * meeting ids the scheduler does not hold — ad-hoc meetings — are let through: their signature is
 * their authority.
 */
export function createJoinAdmission(store: Store, now: () => number = Date.now): (claims: JoinClaims) => Promise<AdmissionVerdict> {
  return async (claims) => {
    const meeting = await store.meetings.getMeeting(claims.meetingId);
    if (!meeting) return { guest: false };
    if (meeting.status === 'cancelled') throw refuse('MEETING_CLOSED', 'cancelled', 'This meeting was cancelled');
    if (meeting.status === 'ended') throw refuse('MEETING_CLOSED', 'ended', 'This meeting has ended');
    const invitation = claims.jti ? await store.meetings.getInvitation(meeting.id, claims.jti) : undefined;
    if (!invitation) {
      if (now() >= joinWindow(meeting).expiresAt * 1000) throw refuse('MEETING_CLOSED', 'ended', 'This meeting has ended');
      checkSession(meeting, now());
      return { guest: true };
    }
    const subject = invitation.kind === 'hall' ? invitation.hallId : invitation.personId;
    if (subject !== claims.sub) throw refuse('FORBIDDEN', 'outdated', 'This link is not an invitation to this meeting');
    if (invitation.removed) throw refuse('FORBIDDEN', 'removed', 'This invitation was withdrawn: you are no longer invited to this meeting');
    if (invitation.role !== claims.role) throw refuse('FORBIDDEN', 'outdated', 'This join link is out of date: open the link of your latest invitation');
    const { notBefore, expiresAt } = joinWindow(meeting);
    const at = now();
    if (at >= expiresAt * 1000) throw refuse('MEETING_CLOSED', 'ended', 'This meeting has ended');
    if (at < notBefore * 1000)
      throw refuse('TOKEN_NOT_YET_VALID', 'moved', `The meeting was moved: it opens at ${formatLocal(notBefore * 1000)} (Vietnam time)`);
    checkSession(meeting, at);
    return { guest: false, invitationId: invitation.id };
  };
}

/** How long a live session of a recurring meeting may run over its scheduled end and still be joined. */
export const MAX_OVERRUN_MS = 6 * 3600_000;

/**
 * A recurring meeting's link spans the whole series, but opens only for a session: from 30 minutes
 * before an occurrence to its end, or while it is live and running over (up to MAX_OVERRUN_MS, so a
 * session nobody ended does not open the links until the next one).
 */
function checkSession(meeting: Meeting, at: number): void {
  if (!meeting.recurrence) return;
  if (meeting.status === 'live') {
    const held = heldOccurrence(meeting, at);
    if (held && at < held.end + MAX_OVERRUN_MS) return;
  }
  const session = sessionAt(meeting, at);
  if ('over' in session) throw refuse('MEETING_CLOSED', 'ended', 'This meeting has ended');
  if ('next' in session)
    throw refuse('TOKEN_NOT_YET_VALID', 'between', `No session is on now: the next one opens at ${formatLocal(session.next.start - OPENS_BEFORE_MS)} (Vietnam time)`);
}
