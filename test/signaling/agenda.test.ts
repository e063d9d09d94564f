/**
 * A scheduled meeting's agenda reaches the live page (the join ack), and a floor request names an
 * item of it by index: the queue and the turn carry its title, the log its index, and an index that
 * is no item of the agenda is refused. Ad-hoc meetings keep free text (conference-control.test.ts).
 */
import t from 'tap';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { ok, request } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi, MEETING_AGENDA } from '../helpers/admin-api.js';
import { attendanceLog, joinWith } from './live-meeting.js';

t.test('floor requests by agenda item', async (t) => {
  const server = await startServer(t);
  await seedProvince(server.store);
  const api = await adminApi(server);
  const meetingId = await api.schedule({ siteHallIds: ['hall-d1', 'hall-d2'] });
  const tokens = await api.tokens(meetingId);
  const chair = await joinWith(t, server, tokens.get('p-off-province') ?? '');
  const d1 = await joinWith(t, server, tokens.get('h-hall-d1') ?? '');
  t.same(d1.joined.agenda, MEETING_AGENDA, 'the join ack carries the agenda, in order');
  await ok(chair.socket, 'open-meeting', {});

  for (const bad of ['3', '-1', 'mục 2', '01x']) {
    t.match(await request(d1.socket, 'request-floor', { agendaItem: bad }), { ok: false, error: { code: 'BAD_REQUEST', message: /not an item of this meeting's agenda \(0 to 2\)/ } }, `"${bad}" is refused`);
  }
  t.same(await ok(d1.socket, 'request-floor', { agendaItem: '1', subject: 'Đê sông Thao' }), { position: 1 });
  const queued = await waitFor(() => (chair.state().queue.length === 1 ? chair.state() : undefined), { what: 'the request in the chair\'s queue' });
  t.match(queued.queue, [{ participantId: d1.joined.self.id, agendaItem: '1', agendaTitle: 'Phòng chống thiên tai', subject: 'Đê sông Thao' }], 'the queue names the item');
  const turn = await ok(chair.socket, 'grant-floor', {});
  t.match(turn, { agendaItem: '1', agendaTitle: 'Phòng chống thiên tai' }, 'and so does the turn');
  const log = await attendanceLog(server, meetingId, (l) => l.some((e) => e.type === 'floor-granted'));
  t.match(log.find((e) => e.type === 'floor-granted'), { agendaItem: 1 }, 'the log keeps its index');
});
