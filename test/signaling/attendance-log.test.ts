/**
 * The attendance log of a scripted session, read back from Redis in order: joins (with subject,
 * name, role, hall and invitation), the opening, the roll call, a confirmation with headcount, a
 * headcount, floor grants and their ends (revoked; the holder leaving), a message to the control
 * room, a removal, leaves and the end — each with the fields the report reads.
 */
import t from 'tap';
import type { AttendanceEntry } from '../../store/records.js';
import { TEST_ADMIN } from '../helpers/config.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { disconnected, ok } from '../helpers/socket-client.js';
import { nextEvent } from '../helpers/conference.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith, publish } from './live-meeting.js';

t.test('attendance log of a scripted session', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  const meetingId = await api.schedule({ siteHallIds: ['hall-d1', 'hall-d2'] });
  const tokens = await api.tokens(meetingId);
  const token = (id: string) => tokens.get(id) ?? '';
  /** Waits until the log has `n` entries, so the next step's entries come after them. */
  const settled = (n: number) => attendanceLog(server, meetingId, (l) => l.length >= n);

  const chair = await joinWith(t, server, token('p-off-province'));
  await settled(1);
  const d1 = await joinWith(t, server, token('h-hall-d1'));
  await settled(2);
  await ok(chair.socket, 'open-meeting', {});
  await publish(d1);
  await ok(chair.socket, 'call-roll', {});
  await ok(d1.socket, 'confirm-presence', { headcount: 30 });
  await ok(d1.socket, 'set-headcount', { headcount: 31 });
  await ok(d1.socket, 'request-floor', { agendaItem: '0', subject: 'Báo cáo tiến độ' });
  await ok(chair.socket, 'grant-floor', {});
  await ok(chair.socket, 'revoke-floor', {});
  await ok(d1.socket, 'send-message', { text: 'Điểm cầu Huyện 1 mất tiếng', to: 'control' });
  await ok(chair.socket, 'send-message', { text: 'Đề nghị các điểm cầu giữ trật tự', to: 'all' });
  await settled(10);
  const d2 = await joinWith(t, server, token('h-hall-d2'));
  await publish(d2);
  await ok(chair.socket, 'grant-floor', { participantId: d2.joined.self.id });
  await settled(12);
  const d2gone = disconnected(d2.socket);
  d2.socket.disconnect();
  await d2gone;
  await settled(14);
  const removed = nextEvent(d1.socket, 'removed');
  await ok(chair.socket, 'remove-participant', { participantId: d1.joined.self.id });
  await removed;
  await settled(16);
  await ok(chair.socket, 'end-meeting', {});
  const log = await attendanceLog(server, meetingId, (l) => l.some((e) => e.type === 'ended') && l.at(-1)?.type === 'left');

  const chairWho = { subjectId: 'off-province', name: 'Lãnh đạo UBND tỉnh Thử nghiệm', role: 'chair', invitationId: 'p-off-province' };
  const d1Who = { subjectId: 'hall-d1', name: 'Điểm cầu Huyện 1', role: 'site', hallId: 'hall-d1', invitationId: 'h-hall-d1' };
  const d2Who = { subjectId: 'hall-d2', name: 'Điểm cầu Huyện 2', role: 'site', hallId: 'hall-d2', invitationId: 'h-hall-d2' };
  const byChair = { bySubjectId: 'off-province' };
  const expected: Partial<AttendanceEntry>[] = [
    { type: 'joined', ...chairWho },
    { type: 'joined', ...d1Who },
    { type: 'opened', ...byChair },
    { type: 'roll-call', ...byChair },
    { type: 'confirmed', ...d1Who, headcount: 30 },
    { type: 'headcount', ...d1Who, headcount: 31 },
    { type: 'floor-granted', ...d1Who, ...byChair, agendaItem: 0 },
    { type: 'floor-ended', ...d1Who, agendaItem: 0 },
    { type: 'message', ...d1Who, text: 'Điểm cầu Huyện 1 mất tiếng', to: 'chair' },
    { type: 'message', ...chairWho, text: 'Đề nghị các điểm cầu giữ trật tự', to: 'all' },
    { type: 'joined', ...d2Who },
    { type: 'floor-granted', ...d2Who, ...byChair },
    { type: 'floor-ended', ...d2Who },
    { type: 'left', ...d2Who },
    { type: 'removed', ...d1Who, ...byChair },
    { type: 'left', ...d1Who },
    { type: 'ended', ...byChair },
    { type: 'left', ...chairWho },
  ];
  t.same(
    log.map((e) => e.type),
    expected.map((e) => e.type),
    'the entries, in order',
  );
  expected.forEach((want, i) => t.match(log[i], want, `entry ${i + 1}: ${want.type}`));
  t.notOk('subjectId' in (log[2] as AttendanceEntry), 'opened is about nobody in particular');
  t.notOk('agendaItem' in (log[11] as AttendanceEntry), 'a grant with no agenda item has none');
  t.notOk('bySubjectId' in (log[12] as AttendanceEntry), 'a turn ended by its holder leaving names no actor');
  const times = log.map((e) => Date.parse(e.at));
  t.ok(times.every((at, i) => i === 0 || at >= (times[i - 1] as number)), 'times never go back');
  t.ok(times.every((at) => Number.isFinite(at)), 'every entry has an ISO time');

  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: TEST_ADMIN });
  const report = await server.app.inject({
    method: 'GET',
    url: `/api/meetings/${meetingId}/attendance`,
    headers: { authorization: `Bearer ${(login.json() as { token: string }).token}` },
  });
  t.equal(report.statusCode, 200, 'the scheduler reports from it');
  const rows = (report.json() as { rows: { subjectId: string; present: boolean; confirmed: boolean; headcount: number | null; turns: number; removed: boolean }[] }).rows;
  t.match(rows.find((r) => r.subjectId === 'hall-d1'), { present: false, confirmed: true, headcount: 31, turns: 1, removed: true }, 'the report row of d1');
  t.match(rows.find((r) => r.subjectId === 'hall-d2'), { present: false, confirmed: false, turns: 1, removed: false }, 'and of d2');
});
