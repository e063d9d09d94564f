/**
 * The node registry on a real Redis: nodes see each other, a silent node is removed by the others and
 * `node-down` fires, a clean stop deregisters at once, and the meeting → node map gives each meeting
 * to exactly one live node and frees a gone node's meetings.
 */
import t, { type Test } from 'tap';
import { loadClusterConfig } from '../../cluster/config.js';
import { NodeRegistry } from '../../cluster/registry.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../lib/log.js';
import type { MeetingId, NodeId } from '../../protocol/ids.js';
import { connectRedis, type RedisClient } from '../../store/redis.js';
import { createStore, type Store } from '../../store/store.js';
import { startRedis } from '../helpers/redis.js';
import { nextEmission, type Listenable } from '../helpers/wait.js';

const redis = await startRedis(t);
const HEARTBEAT_MS = 200;
const TIMEOUT_MS = 1000;
let prefixes = 0;

interface TestNode {
  registry: NodeRegistry;
  client: RedisClient;
  store: Store;
  /** The process "crashes": its connection is gone, its heartbeats stop, it never deregisters. */
  crash(): void;
}

/** A node on its own connection; every node of one test shares that test's key prefix. */
async function node(t: Test, prefix: string, id: string, options: { start?: boolean } = {}): Promise<TestNode> {
  const client = await connectRedis(redis.url);
  const store = createStore(client, prefix);
  const registry = new NodeRegistry({
    store: store.nodes,
    config: { nodeId: id as NodeId, heartbeatMs: HEARTBEAT_MS, timeoutMs: TIMEOUT_MS, units: [] },
    log: createLogger('silent'),
    announce: () => ({
      url: `http://${id}.example:3000`,
      rtcAddress: '10.0.0.1',
      rtcPort: 40000,
      workers: 2,
      units: id === 'node-b' ? ['d1', 'd2'] : [],
      startedAt: '2025-01-01T00:00:00.000Z',
      load: { rooms: 1, participants: 3, consumers: 6, liveWorkers: 2 },
    }),
  });
  let crashed = false;
  t.teardown(async () => {
    await registry.stop();
    if (!crashed) await client.close();
  });
  if (options.start !== false) await registry.start();
  return {
    registry,
    client,
    store,
    crash() {
      crashed = true;
      client.destroy();
    },
  };
}

const freshPrefix = () => `cluster-test-${++prefixes}`;

/** Resolves with the ms it took for `registry` to report `event` for `nodeId`; rejects after `timeoutMs`. */
async function nodeEvent(registry: NodeRegistry, event: 'node-up' | 'node-down', nodeId: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await nextEmission<NodeId>(registry as unknown as Listenable<NodeId>, event, { timeout: timeoutMs, filter: (id) => id === nodeId, what: `${event} for ${nodeId}` });
  return Date.now() - started;
}

t.test('two registries on one Redis see each other', async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a');
  t.equal(a.registry.liveCount, 1, 'alone, it counts itself');
  const seenByA = nodeEvent(a.registry, 'node-up', 'node-b', 5 * HEARTBEAT_MS);
  const b = await node(t, prefix, 'node-b');
  t.same(b.registry.peers, ['node-a'], 'the newcomer sees the first node on its first heartbeat');
  await seenByA;
  t.same(a.registry.peers, ['node-b'], 'the first node sees the newcomer on its next heartbeat');
  t.equal(a.registry.liveCount, 2);
  const nodes = await a.registry.nodes();
  t.match(
    nodes.find((n) => n.id === 'node-b'),
    { id: 'node-b', url: 'http://node-b.example:3000', rtcAddress: '10.0.0.1', rtcPort: 40000, workers: 2, units: ['d1', 'd2'], load: { rooms: 1, participants: 3, consumers: 6, liveWorkers: 2 } },
    'each node reads what the other announced',
  );
  t.ok(await a.client.pTTL(a.store.keys.node('node-b')) > 0, "a node's hash expires by itself if nobody sweeps it");
});

t.test('a node whose heartbeats stop is removed by the other, and node-down fires', async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a');
  const b = await node(t, prefix, 'node-b');
  await nodeEvent(a.registry, 'node-up', 'node-b', 5 * HEARTBEAT_MS);
  const down = nodeEvent(a.registry, 'node-down', 'node-b', 10_000);
  b.crash();
  const elapsed = await down;
  t.ok(elapsed <= TIMEOUT_MS + 2 * HEARTBEAT_MS + 500, `noticed in ${elapsed} ms (timeout ${TIMEOUT_MS} + heartbeat ${HEARTBEAT_MS})`);
  t.same(a.registry.peers, [], 'the survivor is alone');
  t.equal(await a.client.zScore(a.store.keys.nodes(), 'node-b'), null, 'removed from the registry');
  t.equal(await a.client.exists(a.store.keys.node('node-b')), 0, 'its hash is gone');
});

t.test('a claim is exclusive under 20 concurrent claims from two nodes', async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a');
  const b = await node(t, prefix, 'node-b');
  const winners = new Set<NodeId>();
  for (let m = 0; m < 5; m++) {
    const meetingId = `meeting-${m}` as MeetingId;
    const claims = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).registry.claimMeeting(meetingId));
    const owners = new Set(await Promise.all(claims));
    t.equal(owners.size, 1, `${meetingId}: every claim names the same node`);
    const [owner] = owners;
    t.equal(await a.registry.ownerOf(meetingId), owner, `${meetingId}: the map holds that node`);
    winners.add(owner as NodeId);
  }
  t.ok([...winners].every((w) => w === 'node-a' || w === 'node-b'));
  t.equal(await b.registry.claimMeeting('meeting-0' as MeetingId), await a.registry.ownerOf('meeting-0' as MeetingId), 'a later claim changes nothing');
  const owner = (await a.registry.ownerOf('meeting-0' as MeetingId)) as NodeId;
  const other = owner === 'node-a' ? b : a;
  const holder = owner === 'node-a' ? a : b;
  await other.registry.releaseMeeting('meeting-0' as MeetingId);
  t.equal(await a.registry.ownerOf('meeting-0' as MeetingId), owner, 'only its owner can release a meeting');
  await holder.registry.releaseMeeting('meeting-0' as MeetingId);
  t.equal(await a.registry.ownerOf('meeting-0' as MeetingId), undefined, 'released by its owner, it is free');
  t.equal(await other.registry.claimMeeting('meeting-0' as MeetingId), other.registry.id, 'and the other node can take it');
});

t.test("a dead node's meeting is reclaimed", async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a');
  const b = await node(t, prefix, 'node-b');
  const meetingId = 'meeting-reclaimed' as MeetingId;
  t.equal(await a.registry.claimMeeting(meetingId), 'node-a');
  t.equal(await b.registry.claimMeeting(meetingId), 'node-a', 'a live owner keeps its meeting');
  const down = nodeEvent(b.registry, 'node-down', 'node-a', 10_000);
  a.crash();
  await down;
  t.equal(await b.registry.ownerOf(meetingId), undefined, "the gone node's meeting is free");
  t.equal(await b.client.hGet(b.store.keys.meetingNodes(), meetingId), null, 'and out of the map');
  t.equal(await b.client.exists(b.store.keys.nodeMeetings('node-a')), 0, "the gone node's list of meetings is gone");
  t.equal(await b.registry.claimMeeting(meetingId), 'node-b', 'the survivor takes it');
});

t.test('a clean stop deregisters at once and frees its meetings', async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a');
  const b = await node(t, prefix, 'node-b');
  await nodeEvent(a.registry, 'node-up', 'node-b', 5 * HEARTBEAT_MS);
  const meetingId = 'meeting-left' as MeetingId;
  t.equal(await b.registry.claimMeeting(meetingId), 'node-b');
  const down = nodeEvent(a.registry, 'node-down', 'node-b', 5 * HEARTBEAT_MS);
  await b.registry.stop();
  t.equal(await a.client.zScore(a.store.keys.nodes(), 'node-b'), null, 'out of the registry when stop() resolves');
  t.equal(await a.client.exists(a.store.keys.node('node-b')), 0);
  t.equal(await a.registry.claimMeeting(meetingId), 'node-a', 'its meeting is claimable at once');
  await down;
  t.pass('the other node says node-down on its next heartbeat');
  await b.registry.stop();
  t.pass('stop() is idempotent');
});

t.test('a restart under the same NODE_ID does not inherit the crashed process’s meetings', async (t) => {
  const prefix = freshPrefix();
  const first = await node(t, prefix, 'node-fixed');
  const meetingId = 'meeting-restart' as MeetingId;
  t.equal(await first.registry.claimMeeting(meetingId), 'node-fixed');
  first.crash();
  const second = await node(t, prefix, 'node-fixed');
  t.equal(await second.registry.ownerOf(meetingId), undefined, 'its meetings are free as soon as the new process registers');
});

t.test('a node that is not registered cannot claim', async (t) => {
  const prefix = freshPrefix();
  const a = await node(t, prefix, 'node-a', { start: false });
  await t.rejects(a.registry.claimMeeting('meeting-x' as MeetingId), /NOT_REGISTERED node node-a is not a live member/);
});

t.test('cluster configuration: defaults, and bad values stop start-up with a clear message', async (t) => {
  const defaults = loadClusterConfig({});
  t.equal(defaults.heartbeatMs, 2000);
  t.equal(defaults.timeoutMs, 6000, 'gone after three missed heartbeats: noticed within 8 s');
  t.match(defaults.nodeId, /^[A-Za-z0-9][A-Za-z0-9_.-]*-\d+-[0-9a-f]{6}$/, 'host name, pid and a random part');
  t.not(loadClusterConfig({}).nodeId, defaults.nodeId, 'two processes on one host never share a default id');
  t.same(loadClusterConfig({ NODE_ID: 'hue-1', NODE_HEARTBEAT_MS: '500' }), { nodeId: 'hue-1', heartbeatMs: 500, timeoutMs: 1500, units: [] });
  const bad: [Record<string, string>, RegExp][] = [
    [{ NODE_ID: 'a b' }, /NODE_ID must be 1–64 letters/],
    [{ NODE_ID: 'node:1' }, /NODE_ID must be/],
    [{ NODE_ID: 'x'.repeat(65) }, /NODE_ID must be/],
    [{ NODE_HEARTBEAT_MS: '0' }, /NODE_HEARTBEAT_MS must be an integer from 100 to 60000, got "0"/],
    [{ NODE_HEARTBEAT_MS: 'often' }, /NODE_HEARTBEAT_MS must be an integer/],
    [{ NODE_TIMEOUT_MS: '1.5' }, /NODE_TIMEOUT_MS must be an integer/],
    [{ NODE_HEARTBEAT_MS: '2000', NODE_TIMEOUT_MS: '3000' }, /NODE_TIMEOUT_MS \(3000\) must be at least twice NODE_HEARTBEAT_MS \(2000\)/],
  ];
  for (const [env, message] of bad) {
    t.throws(() => loadClusterConfig(env), message, JSON.stringify(env));
    t.throws(() => loadConfig({ DATA_DIR: redis.dir, ...env }), message, `loadConfig ${JSON.stringify(env)}`);
  }
});
