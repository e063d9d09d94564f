/**
 * The cascade on two nodes sharing one Redis: node A serves the meeting; node B announces district
 * d1 (NODE_UNITS), so the media of d1's sites lives on B while their signaling stays on A. Media
 * crosses the nodes both ways over one SRTP pipe link, only what is watched crosses, a site of
 * another district stays on A and still sees a d1 floor holder, and when B leaves, its sites are
 * hung up and the meeting goes on at A.
 */
import { createSocket } from 'node:dgram';
import t from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId, NodeId } from '../../protocol/ids.js';
import { RemotePeer } from '../../sfu/cascade/remote-peer.js';
import type { Shard } from '../../sfu/cascade/shard.js';
import { Peer } from '../../sfu/peer.js';
import type { Room } from '../../sfu/room.js';
import { egressTap } from '../helpers/egress-tap.js';
import { bytesIn, publish } from '../helpers/cascade.js';
import { participant } from '../helpers/conference.js';
import { testClusterConfig, testSchedulerConfig, testSfuConfig } from '../helpers/config.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startRedis } from '../helpers/redis.js';
import { connectSocket, ok, refused } from '../helpers/socket-client.js';
import { startServer } from '../helpers/server.js';
import { nextEmission, waitFor, type Listenable } from '../helpers/wait.js';

const redis = await startRedis(t);
const scheduler = testSchedulerConfig({ redisUrl: redis.url, redisPrefix: 'cascade' });
const quick = { heartbeatMs: 300, timeoutMs: 900 };
const a = await startServer(t, { scheduler, cluster: testClusterConfig(quick) });
/** Node B's ingest and link ports, as a firewall between nodes would name them (RTC_PORT_RANGE). */
const B_PORTS = { min: 47000, max: 47999 };
const b = await startServer(t, { scheduler, cluster: testClusterConfig({ ...quick, units: ['d1'] }), sfu: testSfuConfig({ portRange: B_PORTS }) });
await waitFor(() => a.registry.liveCount === 2 && b.registry.liveCount === 2, { timeout: 10_000, what: 'both nodes to see each other' });
await seedProvince(a.store, { districts: 2, communes: 2 });

const meetingId = 'cascade-meeting';
const claims = (sub: string, unitId: string, role: JoinClaims['role'] = 'site'): JoinClaims => ({ sub, meetingId, role, name: sub, unitId });
const room = (): Room => a.sfu.existingRoom(meetingId as MeetingId)!;
const shard = async (): Promise<Shard> => (await b.sfu.agent!.shard(a.registry.id, meetingId))!;
t.test('a d1 site has its media on node B; media crosses both ways; only what is watched crosses', async (t) => {
  const chair = await participant(t, a, claims('hall-province', 'province', 'chair'), { publish: false });
  const chairMedia = await publish(t, chair);
  t.equal(chairMedia.ingest.ip, '127.0.0.1');

  const site1 = await participant(t, a, claims('hall-d1-c1', 'd1-c1'), { publish: false });
  const remote = room().member(site1.id as never);
  t.ok(remote instanceof RemotePeer, "the d1 site's media is not on node A");
  t.equal((remote as RemotePeer).node, b.registry.id as NodeId, 'it is on node B, which serves d1');
  t.equal(a.signaling.participantCount(meetingId), 2, 'its signaling is on node A, with the chair');
  const onB = (await shard()).peer(site1.id);
  t.ok(onB instanceof Peer, 'node B holds its transports');

  // A → B: the chair's microphone and camera reach the site's consumers on B.
  const consumers = await waitFor(() => (onB!.consumers.length === 2 ? onB!.consumers : undefined), { timeout: 15_000, what: "the d1 site to consume the chair on B" });
  t.same(new Set(consumers.map((c) => c.producerId)), new Set([chairMedia.mic, chairMedia.camera]), "it consumes the chair's microphone and camera");
  t.same(new Set(room().links!.exportedTo(b.registry.id as NodeId)), new Set([chairMedia.mic, chairMedia.camera]), 'both are exported to B');
  const heard = await waitFor(async () => (await bytesIn(consumers.find((c) => c.kind === 'audio')!)) || undefined, { what: "the chair's audio on B" });
  t.ok(heard > 0, `the chair's audio arrives on node B (${heard} bytes)`);
  t.equal(site1.consumers.size, 2, 'the site was offered both over the protocol, through node A');

  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  let sunk = 0;
  sink.on('message', () => sunk++);
  const tap = await egressTap(onB!.place.router, { ip: '127.0.0.1', port: sink.address().port }, [
    { producerId: chairMedia.camera, rtpCapabilities: onB!.rtpCapabilities, spatialLayer: 2 },
  ]);
  t.teardown(() => {
    tap.close();
    sink.close();
  });
  await waitFor(() => tap.consumers[0]!.currentLayers?.spatialLayer === 2 && sunk > 10, { what: "the chair's camera forwarded on node B" });
  t.pass("the chair's camera is forwarded on node B at the top layer");

  // A second d1 site: the chair's streams cross once, whoever watches them on B.
  const site3 = await participant(t, a, claims('hall-d1-c2', 'd1-c2'), { publish: false });
  const site3Media = await publish(t, site3);
  t.not(site3Media.ingest.port, chairMedia.ingest.port);
  await waitFor(async () => (((await shard()).peer(site3.id)?.consumers.length ?? 0) === 2 ? true : undefined), { timeout: 15_000, what: 'the second d1 site to consume the chair' });
  t.equal((await shard()).receivedCount, 2, "the chair's two streams cross to B once for both d1 sites");

  // B → A: the first d1 site speaks (the floor): its camera and voice go to A, and to a site of d2 on A.
  const site1Media = await publish(t, site1);
  t.not(site1Media.ingest.port, chairMedia.ingest.port, "the d1 site sends to node B's ingest port");
  t.ok(site1Media.ingest.port >= B_PORTS.min && site1Media.ingest.port <= B_PORTS.max, `in B's RTC_PORT_RANGE (${site1Media.ingest.port})`);
  const links = (await shard()).linkPort;
  t.ok(links !== undefined && links >= B_PORTS.min && links <= B_PORTS.max, `and so is B's end of the link to A (${links})`);
  const site2 = await participant(t, a, claims('hall-d2-c1', 'd2-c1'), { publish: false });
  t.ok(room().peer(site2.id as never) instanceof Peer, 'a d2 site (no node announces d2) stays on node A');
  await ok(chair.socket, 'grant-floor', { participantId: site1.id as never });
  const chairHears = await waitFor(
    () => chair.peer().consumers.find((c) => c.producerId === site1Media.mic),
    { timeout: 15_000, what: 'the chair to consume the floor holder on A' },
  );
  const crossed = await waitFor(async () => (await bytesIn(chairHears)) || undefined, { what: "the d1 site's voice on node A" });
  t.ok(crossed > 0, `the d1 site's voice arrives on node A (${crossed} bytes)`);
  await waitFor(() => site2.peer().consumers.some((c) => c.producerId === site1Media.camera) || undefined, { timeout: 15_000, what: 'the d2 site to watch the floor holder' });
  t.pass('the d2 site on A watches the d1 floor holder, imported from B');
  const imported = () => new Set(room().links!.importedFrom(b.registry.id as NodeId));
  t.ok(imported().has(site1Media.camera) && imported().has(site1Media.mic), "the floor holder's camera and voice come to A");

  // The chair's grid, one tile a page: a d1 camera crosses only while its tile is on the chair's screen.
  const firstPage = await ok(chair.socket, 'set-grid-page', { page: 0, pageSize: 1 });
  const pages = Array.from({ length: firstPage.total }, (_, page) => page);
  const pageOf = async (id: string) => {
    for (const page of pages) if ((await ok(chair.socket, 'set-grid-page', { page, pageSize: 1 })).participantIds.includes(id as never)) return page;
    throw new Error(`${id} is on no grid page`);
  };
  const site3Page = await pageOf(site3.id);
  const elsewhere = pages.find((p) => p !== site3Page)!;
  await ok(chair.socket, 'set-grid-page', { page: elsewhere, pageSize: 1 });
  await waitFor(() => !imported().has(site3Media.camera) || undefined, { timeout: 15_000, what: 'the unwatched d1 camera to stay on B' });
  t.pass("a d1 camera nobody on A watches does not cross");
  await ok(chair.socket, 'set-grid-page', { page: site3Page, pageSize: 1 });
  await waitFor(() => imported().has(site3Media.camera) || undefined, { timeout: 15_000, what: 'the d1 camera to cross when its tile is shown' });
  t.pass('it crosses once the chair turns to its tile');
  const chairTile = await waitFor(() => chair.peer().consumers.find((c) => c.producerId === site3Media.camera), { what: "the chair's consumer of the tile" });
  t.equal(chairTile.preferredLayers?.spatialLayer, 0, 'a grid tile is the low layer');
  await ok(chair.socket, 'set-grid-page', { page: elsewhere, pageSize: 1 });
  await waitFor(() => !imported().has(site3Media.camera) || undefined, { timeout: 15_000, what: 'the d1 camera to stop crossing' });
  t.pass('and stops crossing when the chair turns away');
});

t.test("a meeting's first join reaching node B (a district's node) is sent to node A, the province's", async (t) => {
  const socket = connectSocket(t, b.url, b.signToken({ ...claims('hall-d1-c1', 'd1-c1'), meetingId: 'first-at-b' }));
  const refusal = (await refused(socket)) as Error & { data?: { code: string; details?: { url?: string } } };
  t.equal(refusal.data?.code, 'MOVED');
  t.equal(refusal.data?.details?.url, a.url, 'B leaves the home of meetings to the node that announces no units');
  t.equal(await a.registry.ownerOf('first-at-b' as MeetingId), undefined, 'and does not claim it');
});

t.test('when node B leaves, its sites are hung up, and the meeting goes on at node A', async (t) => {
  const chair = await participant(t, a, claims('hall-province', 'province', 'chair'), { publish: false });
  const chairMedia = await publish(t, chair);
  const sites = [await participant(t, a, claims('hall-d1-c1', 'd1-c1'), { publish: false }), await participant(t, a, claims('hall-d1-c2', 'd1-c2'), { publish: false })];
  t.ok(sites.every((s) => room().member(s.id as never) instanceof RemotePeer), 'two d1 sites have their media on B');
  const kicked = sites.map((s) => nextEmission(s.socket as unknown as Listenable<{ code: string }>, 'kicked', { timeout: 15_000 }));
  await b.close();
  for (const k of await Promise.all(kicked)) t.equal(k.code, 'MEDIA_UNAVAILABLE', 'a d1 site is told its media went, so it joins again');
  await waitFor(() => room().members.every((m) => !(m instanceof RemotePeer)) || undefined, { what: 'no media left on B' });
  await waitFor(() => a.registry.liveCount === 1 || undefined, { timeout: 10_000, what: 'A to see B gone' });
  t.notOk(a.registry.isLive(b.registry.id), 'A sees B gone within 10 s');
  t.ok(room().peer(chair.id as never)?.producers.length === 2, 'the chair goes on publishing on A');

  const again = await participant(t, a, claims('hall-d1-c1', 'd1-c1'), { publish: false });
  t.ok(room().peer(again.id as never) instanceof Peer, 'a d1 site joining again gets its media on A');
  const consumers = await waitFor(() => (again.peer().consumers.length === 2 ? again.peer().consumers : undefined), { timeout: 15_000, what: 'the rejoined site to consume the chair' });
  t.same(new Set(consumers.map((c) => c.producerId)), new Set([chairMedia.mic, chairMedia.camera]), 'and receives the chair there');
});
