/**
 * Two servers on one Redis: a meeting lives on the node that first takes a join for it; a join that
 * reaches the other node is refused with MOVED and that node's URL; the meeting is given up when its
 * last participant leaves, and a crashed node's meetings are taken by the survivor within 10 s.
 * The Socket.IO Redis adapter carries a room broadcast from one node to a socket on the other.
 */
import t from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId } from '../../protocol/ids.js';
import type { DiemcauServer } from '../../server.js';
import { testSchedulerConfig } from '../helpers/config.js';
import { startRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server.js';
import { connectSocket, connected, disconnected, joinAs, ok, refused, type ClientSocket } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

const redis = await startRedis(t);
// Each server has its own data dir and node id (testConfig); both share the Redis and the prefix.
const scheduler = testSchedulerConfig({ redisUrl: redis.url, redisPrefix: 'join-redirect' });
const a = await startServer(t, { scheduler });
const b = await startServer(t, { scheduler });
await waitFor(() => a.registry.liveCount === 2 && b.registry.liveCount === 2, { timeout: 10_000, what: 'both nodes to see each other' });

const site = (n: number, meetingId: string): JoinClaims => ({ sub: `hall-${n}`, meetingId, role: 'site', name: `Xã số ${n}` });

async function leave(socket: ClientSocket): Promise<void> {
  const gone = disconnected(socket);
  await ok(socket, 'leave', {});
  await gone;
}

const ownerOf = (server: DiemcauServer, meetingId: string) => server.registry.ownerOf(meetingId as MeetingId);

t.test('a join reaching the other node is sent to the node serving the meeting; the meeting is freed when all leave', async (t) => {
  const meeting = 'meeting-redirect';
  const first = await joinAs(t, a, site(1, meeting));
  t.equal(await ownerOf(b, meeting), a.registry.id, 'the first join claimed the meeting for node A');

  const wrong = connectSocket(t, b.url, b.signToken(site(2, meeting)));
  const refusal = (await refused(wrong)) as Error & { data?: { code: string; details?: { reason?: string; url?: string } } };
  t.equal(refusal.data?.code, 'MOVED');
  t.same(refusal.data?.details, { reason: 'other-node', url: a.url }, 'with the URL of the node serving it');
  t.equal(b.signaling.participantCount(meeting), 0, 'node B opened nothing of it');

  // The same token, pointed at A (what the browser client does on MOVED).
  const joinedA = new Promise<string>((resolve) => first.socket.once('participant-joined', (p) => resolve(p.name)));
  const second = connectSocket(t, refusal.data?.details?.url ?? '', b.signToken(site(2, meeting)));
  await connected(second);
  const caps = await ok(second, 'router-capabilities', {});
  const joined = await ok(second, 'join', { rtpCapabilities: caps });
  t.same(
    joined.participants.map((p) => p.name),
    ['Xã số 1'],
    'the second site is in the meeting with the first',
  );
  t.equal(await joinedA, 'Xã số 2', 'and the first sees it arrive');
  t.equal(a.signaling.participantCount(meeting), 2);

  await leave(first.socket);
  t.equal(await ownerOf(a, meeting), a.registry.id, 'still served by A while one participant is in it');
  await leave(second);
  await waitFor(async () => (await ownerOf(a, meeting)) === undefined, { timeout: 5000, what: 'the meeting to be released' });
  t.pass('released once the last participant left');

  const third = await joinAs(t, b, site(3, meeting));
  t.equal(await ownerOf(a, meeting), b.registry.id, 'a join on B now claims it for B');
  await leave(third.socket);
  await waitFor(async () => (await ownerOf(a, meeting)) === undefined, { timeout: 5000, what: 'the meeting to be released by B' });
});

t.test('a socket refused or dropped before joining does not keep the meeting', async (t) => {
  const meeting = 'meeting-no-join';
  const socket = connectSocket(t, a.url, a.signToken(site(4, meeting)));
  await connected(socket);
  t.equal(await ownerOf(a, meeting), a.registry.id, 'claimed at the handshake');
  socket.disconnect();
  await waitFor(async () => (await ownerOf(a, meeting)) === undefined, { timeout: 5000, what: 'the meeting to be released' });
  t.pass('released when the socket went without joining');
});

t.test('the Redis adapter carries a room broadcast from node A to a socket on node B', async (t) => {
  const meeting = 'meeting-adapter';
  const onB = await joinAs(t, b, site(5, meeting));
  const heard = new Promise<string | null>((resolve) => onB.socket.once('active-speaker', ({ participantId }) => resolve(participantId)));
  a.signaling.io.to(meeting).emit('active-speaker', { participantId: null });
  t.equal(await heard, null, 'the socket on B received what A emitted to the room');
  t.equal(a.signaling.io.of('/').sockets.size, 0, 'node A has no socket of its own in it');
  await leave(onB.socket);
});

t.test("Socket.IO allows pages from the cluster's nodes (a redirected browser), not other origins", async (t) => {
  const allowed = async (origin: string) =>
    (await fetch(`${a.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } })).headers.get('access-control-allow-origin');
  t.equal(await allowed(new URL(b.url).origin), new URL(b.url).origin, "node B's origin");
  t.equal(await allowed(new URL(a.url).origin), new URL(a.url).origin, 'its own');
  t.equal(await allowed('http://elsewhere.example'), null, 'not another site');
});

t.test("a page's list of nodes to fail over to follows nodes joining and leaving", async (t) => {
  const socket = connectSocket(t, a.url, a.signToken(site(5, 'meeting-node-list')));
  const lists: string[][] = [];
  socket.on('cluster-nodes', ({ urls }) => lists.push(urls));
  await connected(socket);
  await waitFor(() => lists.length > 0 || undefined, { what: 'the first list' });
  t.same(lists.at(-1), [a.url, b.url].sort(), 'on connecting: both nodes');
  const c = await startServer(t, { scheduler });
  await waitFor(() => lists.at(-1)?.includes(c.url) || undefined, { timeout: 10_000, what: 'the list with the new node' });
  t.same(lists.at(-1), [a.url, b.url, c.url].sort(), 'a node that joins is added');
  await c.close();
  await waitFor(() => (lists.at(-1)?.length === 2 ? true : undefined), { timeout: 10_000, what: 'the list without it' });
  t.same(lists.at(-1), [a.url, b.url].sort(), 'a node that leaves is dropped');
});

t.test("a crashed node's meeting is taken by the survivor within 10 s", async (t) => {
  // Last test of the file: node A is gone after it.
  const meeting = 'meeting-crash';
  await joinAs(t, a, site(6, meeting));
  t.equal(await ownerOf(b, meeting), a.registry.id);
  t.equal((await refused(connectSocket(t, b.url, b.signToken(site(7, meeting))))).data?.code, 'MOVED');

  // A crash: A's Redis connection is gone, so its heartbeats stop and it never deregisters.
  const crashedAt = Date.now();
  a.store.redis.destroy();
  const socket = await waitFor(
    async () => {
      const attempt = connectSocket(t, b.url, b.signToken(site(7, meeting)));
      try {
        await connected(attempt);
        return attempt;
      } catch {
        attempt.disconnect();
        return undefined;
      }
    },
    { timeout: 10_000, interval: 250, what: 'node B to take the meeting' },
  );
  const elapsed = Date.now() - crashedAt;
  t.ok(elapsed < 10_000, `node B took the meeting ${elapsed} ms after node A crashed`);
  t.equal(await ownerOf(b, meeting), b.registry.id);
  const caps = await ok(socket, 'router-capabilities', {});
  const joined = await ok(socket, 'join', { rtpCapabilities: caps });
  t.equal(joined.meetingId, meeting, 'and the site joins it there');
});
