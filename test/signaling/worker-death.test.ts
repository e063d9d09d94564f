/** When the media worker of a meeting dies, its participants are told and disconnected, not left hanging. */
import t from 'tap';
import type { MeetingId } from '../../protocol/ids.js';
import { startServer } from '../helpers/server.js';
import { disconnected, joinAs, ok } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

const server = await startServer(t);

t.test('a dead worker ends its meetings with MEETING_CLOSED', async (t) => {
  const meetingId = 'meeting-worker-death';
  const site = await joinAs(t, server, { sub: 'site', meetingId, role: 'site', name: 'Xã Tân Lập' });
  await ok(site.socket, 'create-transport', { direction: 'recv' });
  const kicked = new Promise((resolve) => site.socket.once('kicked', resolve));
  const gone = disconnected(site.socket);

  const room = server.sfu.existingRoom(meetingId as MeetingId)!;
  process.kill(room.slot.worker.pid, 'SIGKILL');

  t.match(await kicked, { code: 'MEETING_CLOSED' }, 'the participant is told why');
  t.equal(await gone, 'io server disconnect', 'and disconnected');
  await waitFor(() => server.signaling.participantCount(meetingId) === 0, { what: 'the roster to empty' });
  t.ok(room.closed, 'the room is closed');
  const health = await (await fetch(`${server.url}/healthz`)).json();
  t.same(health, { status: 'degraded', workers: 1, liveWorkers: 0, redis: true, node: { id: server.registry.id, peers: 1, participants: 0 } }, '/healthz reports it');
});
