/**
 * The meeting-side check of a join token (what the signaling handshake awaits after verifying
 * it): ad-hoc meetings pass; a token that is no invitation of a stored meeting passes as a guest;
 * a stored meeting refuses when cancelled, ended, over, moved, for a withdrawn invitation, an
 * invitation's id with another subject, or a role it no longer has.
 */
import t from 'tap';
import { AppError } from '../../lib/errors.js';
import type { JoinClaims } from '../../protocol/claims.js';
import { createJoinAdmission } from '../../scheduler/join-admission.js';
import { joinClaims } from '../../scheduler/join-links.js';
import { startApi } from '../helpers/api.js';
import { seedProvince } from '../helpers/fixtures.js';
import { changeMeeting, storeMeeting } from './invitation-fixtures.js';

t.test('join admission', async (t) => {
  const api = await startApi(t);
  const province = await seedProvince(api.store);
  const start = Date.parse('2030-12-02T01:00:00Z');
  const during = start + 10 * 60_000;
  const at = (ms: number) => createJoinAdmission(api.store, () => ms);
  const hall = province.halls.find((h) => h.id === 'hall-d1');
  const claimsOf = async (meetingId: string, invitationId: string): Promise<JoinClaims> => {
    const meeting = await api.store.meetings.getMeeting(meetingId);
    const invitation = await api.store.meetings.getInvitation(meetingId, invitationId);
    if (!meeting || !invitation) throw new Error(`no ${meetingId}/${invitationId}`);
    return joinClaims(meeting, { invitation, hall });
  };
  const refusal = async (t: Tap, admit: Promise<unknown>, code: string, reason: string, message: RegExp) => {
    const error = await admit.then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(error instanceof AppError, 'refused with an AppError');
    t.match(error, { code, details: { reason } });
    t.match((error as Error).message, message);
  };
  type Tap = typeof t;

  await storeMeeting(api.store, { id: 'adm', siteHallIds: ['hall-d1', 'hall-d2'] });
  const claims = await claimsOf('adm', 'h-hall-d1');

  await t.test('admitted: an invitation of a scheduled meeting in its window; an ad-hoc meeting', async (t) => {
    await t.resolves(at(during)(claims), 'the invitation, during the meeting');
    await t.resolves(at(start - 29 * 60_000)(claims), '29 minutes before the start');
    await t.resolves(at(during)({ sub: 'anyone', meetingId: 'not-in-the-store', role: 'chair', name: 'Ad hoc' }), 'a meeting the scheduler does not hold');
  });

  await t.test('invitations are no guests; a link that names no invitation is a guest (for the lobby)', async (t) => {
    t.same(await at(during)(claims), { guest: false, invitationId: 'h-hall-d1' });
    t.same(await at(during)({ ...claims, jti: 'h-hall-d9' }), { guest: true }, 'a jti that is no invitation');
    const { jti: _jti, ...noJti } = claims;
    t.same(await at(during)(noJti), { guest: true }, 'no jti');
    await refusal(t, at(Date.parse('2030-12-02T03:00:00Z'))(noJti), 'MEETING_CLOSED', 'ended', /has ended/);
  });

  await t.test('an invitation of someone else, or with a role it no longer has', async (t) => {
    await refusal(t, at(during)({ ...claims, sub: 'hall-d2' }), 'FORBIDDEN', 'outdated', /not an invitation/);
    await refusal(t, at(during)({ ...claims, role: 'chair' }), 'FORBIDDEN', 'outdated', /out of date/);
  });

  await t.test('moved: a link of the old window', async (t) => {
    await changeMeeting(api.store, 'adm', (m) => ({ ...m, start: '2030-12-02T03:00:00.000Z', end: '2030-12-02T05:00:00.000Z' }));
    await refusal(t, at(during)(claims), 'TOKEN_NOT_YET_VALID', 'moved', /moved: it opens at 2030-12-02 09:30/);
    await refusal(t, at(Date.parse('2030-12-02T05:00:00Z'))(claims), 'MEETING_CLOSED', 'ended', /has ended/);
    await t.resolves(at(Date.parse('2030-12-02T03:10:00Z'))(claims), 'the same invitation in the new window');
  });

  await t.test('withdrawn, cancelled, ended', async (t) => {
    const d2 = await claimsOf('adm', 'h-hall-d2');
    const inWindow = at(Date.parse('2030-12-02T03:10:00Z'));
    await changeMeeting(api.store, 'adm', (m) => ({ ...m, siteHallIds: ['hall-d1'] }));
    await refusal(t, inWindow(d2), 'FORBIDDEN', 'removed', /withdrawn/);
    await storeMeeting(api.store, { id: 'ket-thuc', start: '2030-12-03T01:00:00.000Z', end: '2030-12-03T02:00:00.000Z', siteHallIds: ['hall-d1'] });
    const ending = await claimsOf('ket-thuc', 'h-hall-d1');
    t.ok((await api.store.meetings.setStatus('ket-thuc', 'live')).ok);
    t.ok((await api.store.meetings.setStatus('ket-thuc', 'ended')).ok);
    await refusal(t, at(Date.parse('2030-12-03T01:30:00Z'))(ending), 'MEETING_CLOSED', 'ended', /This meeting has ended/);
    t.ok((await api.store.meetings.setStatus('adm', 'cancelled')).ok);
    await refusal(t, inWindow(claims), 'MEETING_CLOSED', 'cancelled', /This meeting was cancelled/);
  });

  await t.test('a weekly meeting opens for each session; ending one session leaves the series scheduled', async (t) => {
    const WEEK = 7 * 86_400_000;
    const first = Date.parse('2030-12-09T01:00:00Z');
    await storeMeeting(api.store, {
      id: 'hang-tuan',
      start: new Date(first).toISOString(),
      end: new Date(first + 3600_000).toISOString(),
      recurrence: { freq: 'weekly', interval: 1, count: 3, exdates: [] },
      siteHallIds: ['hall-d1'],
    });
    const weekly = await claimsOf('hang-tuan', 'h-hall-d1');
    const guest: JoinClaims = { sub: 'khach', meetingId: 'hang-tuan', role: 'observer', name: 'Khách' };
    await t.resolves(at(first + WEEK - 20 * 60_000)(weekly), 'admitted 20 minutes before the second session');
    await refusal(t, at(first + 2 * 3600_000)(weekly), 'TOKEN_NOT_YET_VALID', 'between', /next one opens at 2030-12-16 07:30/);
    await refusal(t, at(first + 2 * 3600_000)(guest), 'TOKEN_NOT_YET_VALID', 'between', /next one opens/);

    // The chair holds the second session and ends it, ten minutes late.
    const clock = (ms: number) => ({ now: () => new Date(ms) });
    t.ok((await api.store.meetings.setStatus('hang-tuan', 'live', clock(first + WEEK))).ok);
    await t.resolves(at(first + WEEK + 65 * 60_000)(weekly), 'a live session running over still admits');
    await refusal(t, at(first + WEEK + 2 * 86_400_000)(weekly), 'TOKEN_NOT_YET_VALID', 'between', /next one opens at 2030-12-23 07:30/);
    t.pass('a live session nobody ended does not open the links until the next session');
    const ended = await api.store.meetings.setStatus('hang-tuan', 'ended', clock(first + WEEK + 70 * 60_000));
    t.match(ended, { ok: true, meeting: { status: 'scheduled', endedOccurrences: [new Date(first + WEEK).toISOString()], sequence: 0 } }, 'only that session ended');
    await refusal(t, at(first + WEEK + 71 * 60_000)(weekly), 'TOKEN_NOT_YET_VALID', 'between', /next one opens at 2030-12-23 07:30/);
    t.ok((await api.store.meetings.getMeeting('hang-tuan'))?.status === 'scheduled', 'the series is still scheduled');

    // The last session ends the meeting.
    t.ok((await api.store.meetings.setStatus('hang-tuan', 'live', clock(first + 2 * WEEK))).ok);
    const last = await api.store.meetings.setStatus('hang-tuan', 'ended', clock(first + 2 * WEEK + 3600_000));
    t.match(last, { ok: true, meeting: { status: 'ended' } }, 'ending the last session ends the meeting');
    await refusal(t, at(first + 2 * WEEK + 10 * 60_000)(weekly), 'MEETING_CLOSED', 'ended', /has ended/);
  });
});
