/**
 * One meeting across two workers: a budget of 6 consumers per worker makes a handful of peers
 * spread; producers are piped to the other worker only while someone there consumes them.
 */
import t, { type Test } from 'tap';
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../lib/log.js';
import type { MeetingId, ParticipantId } from '../../protocol/ids.js';
import type { Peer } from '../../sfu/peer.js';
import { LAYER, type MediaPolicy, type Wanted } from '../../sfu/policy.js';
import type { Room } from '../../sfu/room.js';
import { createSfu, type Sfu } from '../../sfu/sfu.js';
import { testSfuConfig } from '../helpers/config.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { sendRtp } from '../helpers/rtp-sender.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('warn');
const BUDGET = 6;
const config = testSfuConfig({ workers: 2, consumersPerWorker: BUDGET });
const id = (s: string) => s as ParticipantId;

async function openSfu(t: Test): Promise<Sfu> {
  const sfu = await createSfu(config, log);
  t.teardown(() => sfu.close());
  return sfu;
}

async function openRoom(t: Test, sfu: Sfu, meeting: string): Promise<Room> {
  const room = await sfu.holdRoom(meeting as MeetingId);
  t.teardown(() => room.release());
  return room;
}

/**
 * A presenter and its audience: those in `watching` consume every producer of `presenter`.
 * `expected` says how many consumers each participant is to be counted for at placement.
 */
function audiencePolicy(presenter: ParticipantId, watching: Set<ParticipantId>, expected: (id: ParticipantId) => number): MediaPolicy {
  return {
    wanted(receiver, senders) {
      const wanted: Wanted = new Map();
      if (receiver === presenter || !watching.has(receiver)) return wanted;
      for (const p of senders.find((s) => s.id === presenter)?.producers ?? []) wanted.set(p.id, p.kind === 'video' ? LAYER.high : null);
      return wanted;
    },
    expectedConsumers: (receiver) => expected(receiver),
  };
}

/** A peer that can receive. */
async function receiver(room: Room, name: string): Promise<Peer> {
  const peer = await room.addPeer(id(name), room.rtpCapabilities);
  await peer.createTransport('recv');
  return peer;
}

/**
 * A peer that sends plain RTP from Node: an Opus microphone and a single-layer VP8 camera. (A
 * simulcast consumer reports its source's bytes only once its transport is connected and a layer
 * is chosen; one layer makes a simple consumer, which reports them as soon as RTP arrives.)
 */
async function presenter(t: Test, room: Room, name: string, ssrc: number) {
  const peer = await room.addPeer(id(name), room.rtpCapabilities);
  const ingest = await peer.createIngestTransport();
  const audio = opusParameters(room.rtpCapabilities, ssrc);
  const video = { ...vp8SimulcastParameters(room.rtpCapabilities, ssrc + 10), encodings: [{ ssrc: ssrc + 10 }] };
  const micId = await peer.produce({ transportId: ingest.id, kind: 'audio', source: 'mic', rtpParameters: audio });
  const cameraId = await peer.produce({ transportId: ingest.id, kind: 'video', source: 'camera', rtpParameters: video });
  await sendRtp(t, ingest, [
    { kind: 'audio', payloadType: audio.codecs[0]!.payloadType, ssrc },
    { kind: 'video', payloadType: video.codecs[0]!.payloadType, ssrc: ssrc + 10 },
  ]);
  return { peer, micId, cameraId };
}

/** Bytes of the stream a consumer takes from (the producer, or its pipe producer, on the consumer's own worker). */
async function bytesArriving(consumer: ms.Consumer): Promise<number> {
  const stats = await consumer.getStats();
  return stats.filter((s) => s.type === 'inbound-rtp').reduce((n, s) => n + s.byteCount, 0);
}

/** The consumers held by a room's peers on each worker, by worker index. */
function consumersByWorker(room: Room): Map<number, number> {
  const counts = new Map<number, number>();
  for (const peer of room.peers) counts.set(peer.place.slot.index, (counts.get(peer.place.slot.index) ?? 0) + peer.consumers.length);
  return counts;
}

t.test('peers spread over both workers within the budget, and RTP crosses to the other worker', async (t) => {
  const sfu = await openSfu(t);
  const room = await openRoom(t, sfu, 'mw-spread');
  const audience = new Set(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map(id));
  room.setPolicy(audiencePolicy(id('a'), audience, (r) => (audience.has(r) ? 2 : 0)));

  const a = await presenter(t, room, 'a', 7000);
  const receivers: Peer[] = [];
  for (const name of audience) receivers.push(await receiver(room, name));
  await room.settled();
  await waitFor(() => receivers.every((r) => r.consumers.length === 2), { what: 'every receiver to consume mic and camera' });

  const home = room.slot;
  t.equal(room.places.length, 2, 'the meeting has a router on each worker');
  t.equal(a.peer.place.slot, home, 'the presenter is on the home worker');
  const away = receivers.filter((r) => r.place.slot !== home);
  t.same(
    receivers.map((r) => (r.place.slot === home ? 'home' : 'other')),
    ['home', 'home', 'home', 'other', 'other', 'other'],
    'three receivers fill the home worker (2 consumers each, budget 6), the next three go to the other',
  );
  const perWorker = consumersByWorker(room);
  t.ok([...perWorker.values()].every((n) => n <= BUDGET), `participants' consumers per worker within the budget: ${JSON.stringify([...perWorker])}`);
  t.same(
    sfu.pool.slots.map((s) => s.consumers),
    sfu.pool.slots.map((s) => (s === home ? 6 + 2 : 6)),
    'the pool counts every consumer on each worker: 6 each, plus the 2 pipe consumers on the home worker',
  );

  const other = away[0]!.place.router;
  t.equal(room.pipes.size, 2, 'two pipes: the microphone and the camera, to the other worker, once for its three receivers');
  t.ok(room.pipes.has(a.micId, other) && room.pipes.has(a.cameraId, other));

  for (const r of [receivers[0]!, away[0]!]) {
    for (const consumer of r.consumers) {
      const bytes = await waitFor(() => bytesArriving(consumer), { what: `${consumer.kind} RTP at ${r.id}` });
      t.ok(bytes > 0, `${r.id} (worker ${r.place.slot.index}): its ${consumer.kind} consumer receives RTP (${bytes} bytes)`);
    }
  }

  // One more with room left nowhere: the least loaded worker takes it anyway.
  audience.add(id('r7'));
  const late = await receiver(room, 'r7');
  t.not(late.place.slot, home, 'over budget everywhere: the least loaded worker (the home one carries the pipes)');
});

t.test('a pipe opens on demand, is shared, and closes with its last consumer or its producer', async (t) => {
  const sfu = await openSfu(t);
  const room = await openRoom(t, sfu, 'mw-pipes');
  const watching = new Set<ParticipantId>();
  // The presenter is counted for the whole budget, so every receiver goes to the other worker.
  const policy = audiencePolicy(id('a'), watching, (r) => (r === id('a') ? BUDGET : 1));
  room.setPolicy(policy);
  const a = await presenter(t, room, 'a', 8000);
  const b = await receiver(room, 'b');
  const c = await receiver(room, 'c');
  t.equal(a.peer.place.slot, room.slot, 'the presenter is home');
  t.ok(b.place.slot !== room.slot && c.place.slot === b.place.slot, 'both receivers are on the other worker');
  const other = b.place.router;
  await room.settled();
  t.equal(room.pipes.size, 0, 'nobody on the other worker consumes: nothing is piped');
  t.same((await other.dump()).mapProducerIdConsumerIds, [], 'the other router holds no producer');

  const watch = async (...who: Peer[]) => {
    watching.clear();
    for (const p of who) watching.add(p.id);
    room.setPolicy(policy);
    await room.settled();
  };
  await watch(b);
  t.equal(b.consumers.length, 2, 'b consumes the microphone and the camera');
  t.ok(room.pipes.has(a.cameraId, other) && room.pipes.has(a.micId, other), 'both are piped to its worker');
  const camera = b.consumers.find((x) => x.kind === 'video')!;
  t.ok((await waitFor(() => bytesArriving(camera), { what: 'camera RTP through the pipe' })) > 0, 'and the camera RTP arrives');
  const opened = room.pipes.opened;

  await watch(b, c);
  t.equal(room.pipes.opened, opened, 'a second consumer on that worker reuses the pipes');
  await watch(c);
  t.equal(room.pipes.size, 2, 'b stopped, c still consumes: the pipes stay');
  await watch();
  t.equal(room.pipes.size, 0, 'the last consumer gone: the pipes close');
  await waitFor(async () => (await other.dump()).mapProducerIdConsumerIds.length === 0, { what: 'the pipe producers gone from the other router' });
  const homeDump = await room.router.dump();
  t.ok(
    homeDump.mapProducerIdConsumerIds.every((e) => e.values.length === 0),
    'and the pipe consumers from the home router',
  );

  await watch(b);
  t.equal(room.pipes.opened, opened + 2, 'watching again opens them again');
  const closed = new Promise<void>((resolve) => b.once('consumer-closed', () => resolve()));
  a.peer.closeProducer(a.cameraId);
  await closed;
  t.notOk(room.pipes.has(a.cameraId, other), "closing the producer closes its pipe (and b's consumer)");
  t.ok(room.pipes.has(a.micId, other), 'the microphone pipe stays');
  await room.settled();
  t.same(b.consumers.map((x) => x.kind), ['audio'], 'b keeps the microphone');
});

t.test('pause and resume of a producer reach a consumer on the other worker', async (t) => {
  const sfu = await openSfu(t);
  const room = await openRoom(t, sfu, 'mw-pause');
  const watching = new Set([id('b')]);
  room.setPolicy(audiencePolicy(id('a'), watching, (r) => (r === id('a') ? BUDGET : 1)));
  const a = await presenter(t, room, 'a', 9000);
  const b = await receiver(room, 'b');
  t.not(b.place.slot, a.peer.place.slot);
  await waitFor(() => b.consumers.length === 2, { what: 'b consumes' });
  const mic = b.consumers.find((x) => x.kind === 'audio')!;
  const paused = new Promise((resolve) => b.once('consumer-paused', resolve));
  await a.peer.holdAudio(true);
  t.equal(await paused, mic.id, 'a hold on the presenter pauses the consumer across the pipe');
  const resumed = new Promise((resolve) => b.once('consumer-resumed', resolve));
  await a.peer.holdAudio(false, { resume: true });
  t.equal(await resumed, mic.id, 'the floor resumes it');
});

t.test('a microphone on another worker is piped to the home router for the active speaker observer', async (t) => {
  const sfu = await openSfu(t);
  const room = await openRoom(t, sfu, 'mw-speaker');
  room.setPolicy(audiencePolicy(id('nobody'), new Set(), (r) => (r === id('filler') ? BUDGET : 1)));
  await receiver(room, 'filler');
  const far = await presenter(t, room, 'far', 9500);
  t.not(far.peer.place.slot, room.slot, 'the speaker is on the other worker');
  await waitFor(() => room.pipes.has(far.micId, room.router), { what: 'the microphone piped home' });
  t.notOk(room.pipes.has(far.cameraId, room.router), 'its camera, which nobody consumes, is not');
});

t.test('a dead worker drops its peers; the meeting goes on on the other', async (t) => {
  const sfu = await openSfu(t);
  const room = await openRoom(t, sfu, 'mw-death');
  const watching = new Set([id('b'), id('h')]);
  room.setPolicy(audiencePolicy(id('a'), watching, (r) => (r === id('a') ? BUDGET : 1)));
  const a = await presenter(t, room, 'a', 9800);
  const b = await receiver(room, 'b');
  await waitFor(() => b.consumers.length === 2, { what: 'b consumes' });
  const victim = b.place.slot;
  const closed = new Promise<void>((resolve) => b.once('closed', () => resolve()));
  process.kill(victim.worker.pid, 'SIGKILL');
  await closed;
  t.ok(b.closed, 'the peer on the dead worker is closed (its session hangs up)');
  t.notOk(room.closed, 'the room stays open');
  t.notOk(a.peer.closed, 'the peer on the live worker stays');
  t.same(room.places.map((p) => p.slot), [room.slot], 'one router left');
  await waitFor(() => room.pipes.size === 0, { what: 'the pipes to the dead worker forgotten' });
  const h = await receiver(room, 'h');
  t.equal(h.place.slot, room.slot, 'a newcomer goes to the live worker, over budget or not');
  await waitFor(() => h.consumers.length === 2, { what: 'the newcomer consumes' });
  t.pass('and consumes there');
});
