/**
 * A weekly meeting is held session by session: the chair ending this week's session ends only that
 * session (the store keeps the series scheduled, listing the session as ended), its links are refused
 * until the next session opens, the next session starts afresh (waiting room, no lock), and the
 * attendance report covers one session at a time.
 */
import t from 'tap';
import type { AttendanceReport } from '../../scheduler/attendance-report.js';
import { createLiveStore } from '../../store/live.js';
import { nextEvent } from '../helpers/conference.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { connectSocket, disconnected, ok, refused } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith } from './live-meeting.js';

const WEEK = 7 * 86_400_000;

t.test('one session of a weekly meeting ends; the series goes on', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  // Last week's session was never held; this week's starts in a minute; one more next week.
  const thisWeek = new Date(Date.now() + 60_000);
  thisWeek.setUTCSeconds(0, 0);
  const lastWeek = new Date(thisWeek.getTime() - WEEK);
  const meetingId = await api.schedule({
    title: 'Giao ban tuần',
    start: lastWeek,
    recurrence: { freq: 'weekly', count: 3 },
    siteHallIds: ['hall-d1'],
  });
  let tokens = await api.tokens(meetingId);
  const token = (id: string) => tokens.get(id) ?? t.fail(`no link for ${id}`);

  const chair = await joinWith(t, server, String(token('p-off-province')));
  const d1 = await joinWith(t, server, String(token('h-hall-d1')));
  t.equal(d1.joined.waiting?.startsAt, thisWeek.toISOString(), "the waiting room shows this week's start, not the series'");
  const opened = nextEvent(d1.socket, 'meeting-opened');
  await ok(chair.socket, 'open-meeting', {});
  await opened;
  await ok(chair.socket, 'lock-meeting', { locked: true });

  await t.test('the chair ends this session: the store keeps the series, the links wait for the next session', async (t) => {
    const gone = [chair, d1].map((p) => disconnected(p.socket));
    await ok(chair.socket, 'end-meeting', {});
    await Promise.all(gone);
    const stored = await server.store.meetings.getMeeting(meetingId);
    t.match(stored, { status: 'scheduled', endedOccurrences: [thisWeek.toISOString()], sequence: 0 }, 'scheduled, this session listed as ended');
    const again = await refused(connectSocket(t, server.url, String(token('h-hall-d1'))));
    t.match(again.data, { code: 'TOKEN_NOT_YET_VALID', details: { reason: 'between' } }, 'a link is refused until the next session');
    t.match(again.message, /next one opens at/);
    await waitFor(() => server.signaling.participantCount(meetingId) === 0, { what: 'everyone gone' });
    const saved = await createLiveStore(server.store).admission(meetingId);
    t.equal(saved?.locked ?? false, false, 'the lock is not kept for the next session');
  });

  await t.test("the report covers one session: this week's by default, last week's on request", async (t) => {
    await attendanceLog(server, meetingId, (log) => log.some((e) => e.type === 'ended') && log.filter((e) => e.type === 'left').length >= 2);
    const current = await api.call('GET', `/api/meetings/${meetingId}/attendance`);
    t.equal(current.statusCode, 200);
    const report = current.json() as AttendanceReport;
    t.match(report.meeting, { start: thisWeek.toISOString(), status: 'ended' });
    t.ok(report.rows.find((r) => r.subjectId === 'hall-d1')?.firstJoin, 'the site joined this session');
    const earlier = await api.call('GET', `/api/meetings/${meetingId}/attendance?occurrence=${encodeURIComponent(lastWeek.toISOString())}`);
    t.equal(earlier.statusCode, 200);
    const before = earlier.json() as AttendanceReport;
    t.match(before.meeting, { start: lastWeek.toISOString(), status: 'scheduled', openedAt: null });
    t.equal(before.rows.find((r) => r.subjectId === 'hall-d1')?.firstJoin, null, 'nobody came last week');
    const none = await api.call('GET', `/api/meetings/${meetingId}/attendance?occurrence=${encodeURIComponent(new Date(thisWeek.getTime() + 60_000).toISOString())}`);
    t.equal(none.statusCode, 404);
    t.match(none.json(), { code: 'NOT_FOUND', message: /no occurrence starting at/ }, 'a start that is no occurrence is refused');
  });

  await t.test('the next session starts afresh: waiting room, not locked', async (t) => {
    // The secretariat moves the series so that a session is on now (the clock cannot wait a week).
    const moved = await api.call('PATCH', `/api/meetings/${meetingId}`, { start: new Date(thisWeek.getTime() + 60_000).toISOString(), end: new Date(thisWeek.getTime() + 60_000 + 2 * 3600_000).toISOString() });
    t.equal(moved.statusCode, 200, moved.body);
    tokens = await api.tokens(meetingId);
    const chairAgain = await joinWith(t, server, String(token('p-off-province')));
    t.equal(chairAgain.joined.conference.phase, 'waiting', 'a new session waits for its chair');
    const site = await joinWith(t, server, String(token('h-hall-d1')));
    t.ok(site.joined.waiting, 'a site gets in (to the waiting room): the lock of the last session is gone');
  });
});
