import t, { type Test } from 'tap';
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../lib/log.js';
import type { NewConsumer } from '../../protocol/events.js';
import type { ConsumerId, MeetingId, ParticipantId } from '../../protocol/ids.js';
import type { Peer } from '../../sfu/peer.js';
import type { Room } from '../../sfu/room.js';
import { createSfu } from '../../sfu/sfu.js';
import { testSfuConfig } from '../helpers/config.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('warn');
const config = testSfuConfig();
const sfu = await createSfu(config, log);
t.teardown(() => sfu.close());

const A = 'peer-a' as ParticipantId;
const B = 'peer-b' as ParticipantId;
const C = 'peer-c' as ParticipantId;

/** Holds a room of the file's SFU for one test. */
async function openRoom(t: Test, meeting: string): Promise<Room> {
  const room = await sfu.holdRoom(meeting as MeetingId);
  t.teardown(() => room.release());
  return room;
}

/** Every consumer offered to a peer, in order. */
function offers(peer: Peer): NewConsumer[] {
  const seen: NewConsumer[] = [];
  peer.on('consumer-created', (offer) => seen.push(offer));
  return seen;
}

/** What a browser publishes: an Opus microphone and a VP8 simulcast camera. */
async function produceMicAndCamera(room: Room, peer: Peer, transportId: string) {
  const micId = await peer.produce({ transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, 1111) });
  const cameraId = await peer.produce({
    transportId,
    kind: 'video',
    source: 'camera',
    rtpParameters: vp8SimulcastParameters(room.rtpCapabilities, 2000),
  });
  return { micId, cameraId };
}

/** Resolves with the next emission (or rejects after a deadline); call it before the action that causes it. */
function next<T>(subscribe: (resolve: (value: T) => void) => void, what: string, timeout = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeout} ms`)), timeout);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const nextConsumerEvent = (peer: Peer, event: 'consumer-paused' | 'consumer-resumed' | 'consumer-closed') =>
  next<ConsumerId>((resolve) => peer.once(event, resolve), `"${event}" at ${peer.id}`);


t.test('a peer is offered what another produces, paused, and follows pause, resume and close', async (t) => {
  const room = await openRoom(t, 'room-media');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const b = await room.addPeer(B, room.rtpCapabilities);
  const offeredToA = offers(a);
  const offeredToB = offers(b);
  await a.createTransport('recv');
  await b.createTransport('recv');
  const send = await a.createTransport('send');

  const { micId, cameraId } = await produceMicAndCamera(room, a, send.id);

  await waitFor(() => offeredToB.length === 2, { what: 'two consumer-created events at B' });
  const mic = offeredToB.find((o) => o.source === 'mic')!;
  const camera = offeredToB.find((o) => o.source === 'camera')!;
  t.match(mic, { producerId: micId, participantId: A, kind: 'audio', producerPaused: false }, "B is offered A's microphone");
  t.match(camera, { producerId: cameraId, participantId: A, kind: 'video', producerPaused: false }, "B is offered A's camera");
  t.equal(offeredToA.length, 0, 'A is not offered its own media');

  const consumer = (id: string) => b.consumers.find((c) => c.id === id);
  t.ok(consumer(mic.consumerId)?.paused, 'the audio consumer starts paused');
  t.ok(consumer(camera.consumerId)?.paused, 'the video consumer starts paused');
  t.equal(consumer(camera.consumerId)?.type, 'simulcast', 'three SSRC encodings make a simulcast consumer');
  t.equal(camera.rtpParameters.codecs[0]?.mimeType.toLowerCase(), 'video/vp8', 'the offer carries the consumer RTP parameters');

  await b.resumeConsumer(mic.consumerId);
  t.notOk(consumer(mic.consumerId)?.paused, 'resumeConsumer resumes');
  t.ok(consumer(camera.consumerId)?.paused, '... only that consumer');

  const paused = nextConsumerEvent(b, 'consumer-paused');
  await a.pauseProducer(micId);
  t.equal(await paused, mic.consumerId, "pausing A's producer pauses B's consumer");
  t.ok(consumer(mic.consumerId)?.producerPaused);

  const resumed = nextConsumerEvent(b, 'consumer-resumed');
  await a.resumeProducer(micId);
  t.equal(await resumed, mic.consumerId, "resuming A's producer resumes B's consumer");

  const closed = nextConsumerEvent(b, 'consumer-closed');
  a.closeProducer(cameraId);
  t.equal(await closed, camera.consumerId, "closing A's producer closes B's consumer");
  t.same(
    b.consumers.map((c) => c.id),
    [mic.consumerId],
    'B keeps only the microphone consumer',
  );
  t.same(
    a.producers.map((p) => p.id),
    [micId],
    'A keeps only its microphone',
  );
});

t.test('bad requests are refused with an AppError and its code', async (t) => {
  const room = await openRoom(t, 'room-errors');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const b = await room.addPeer(B, room.rtpCapabilities);
  const send = await a.createTransport('send');
  const recvA = await a.createTransport('recv');
  const recvB = await b.createTransport('recv');
  const mic = (transportId: string, ssrc = 1111) => ({
    transportId,
    kind: 'audio' as const,
    source: 'mic' as const,
    rtpParameters: opusParameters(room.rtpCapabilities, ssrc),
  });
  const refused = (code: string) => ({ name: 'AppError', code });

  await t.rejects(a.produce({ ...mic(send.id), kind: 'video' }), refused('BAD_REQUEST'), 'a mic carries audio');
  await t.rejects(
    a.produce({ transportId: send.id, kind: 'audio', source: 'camera', rtpParameters: opusParameters(room.rtpCapabilities, 1112) }),
    refused('BAD_REQUEST'),
    'a camera carries video',
  );
  await t.rejects(a.produce(mic(recvA.id)), refused('BAD_REQUEST'), 'producing on a recv transport');
  await t.rejects(a.produce(mic('no-such-transport')), refused('NOT_FOUND'), 'an unknown transport id');
  await t.rejects(a.produce(mic(recvB.id)), refused('NOT_FOUND'), "another peer's transport");

  await a.produce(mic(send.id));
  await t.rejects(a.produce(mic(send.id, 1113)), refused('CONFLICT'), 'a second microphone');
  t.equal(a.producers.length, 1, 'refused requests created no producer');

  await t.rejects(a.pauseProducer('no-such-producer'), refused('NOT_FOUND'), 'pausing an unknown producer');
  await t.rejects(async () => a.closeProducer('no-such-producer'), refused('NOT_FOUND'), 'closing an unknown producer');
  await t.rejects(b.resumeConsumer('no-such-consumer'), refused('NOT_FOUND'), 'resuming an unknown consumer');
  await t.rejects(room.addPeer(A, room.rtpCapabilities), refused('ALREADY_JOINED'), 'joining twice');
});

t.test('a late joiner is offered existing producers once it can receive', async (t) => {
  const room = await openRoom(t, 'room-late');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const send = await a.createTransport('send');
  const { micId, cameraId } = await produceMicAndCamera(room, a, send.id);
  await a.pauseProducer(micId);

  const c = await room.addPeer(C, room.rtpCapabilities);
  const offered = offers(c);
  t.equal(c.consumers.length, 0, 'no consumers before a recv transport');

  await c.createTransport('recv');
  await waitFor(() => offered.length === 2, { what: 'two offers to the late joiner' });
  t.same(offered.map((o) => o.producerId).sort(), [micId, cameraId].sort(), "C is offered both of A's producers");
  t.ok(offered.find((o) => o.producerId === micId)?.producerPaused, 'a paused producer is offered as paused');

  // A client that reconnects its media asks for a new recv transport: everything is offered again, once.
  await c.createTransport('recv');
  await waitFor(() => offered.length === 4, { what: 'two more offers after the new recv transport' });
  t.equal(c.consumers.length, 2, 'the old transport took its consumers with it');
  t.same(offered.slice(2).map((o) => o.producerId).sort(), [micId, cameraId].sort(), 'the new offers are for the same producers');
});

t.test('the last release closes the room and leaks nothing in the worker', async (t) => {
  // An SFU of its own, so the dumps below see only this test's routers and transports.
  const own = await createSfu(config, log);
  t.teardown(() => own.close());
  const slot = own.pool.slots[0]!;
  const handlersBefore = (await slot.worker.dump()).channelMessageHandlers;

  const room = await own.holdRoom('room-leak' as MeetingId);
  t.equal(await own.holdRoom('room-leak' as MeetingId), room, 'a second holder shares the room');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const b = await room.addPeer(B, room.rtpCapabilities);
  await b.createTransport('recv');
  const send = await a.createTransport('send');
  await a.produce({ transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, 1111) });
  await waitFor(() => b.consumers.length === 1, { what: 'B to consume' });
  t.equal((await slot.webRtcServer.dump()).webRtcTransportIds.length, 2, 'two WebRtcTransports on the server while open');

  const closed = next<void>((resolve) => room.once('closed', () => resolve()), 'room "closed"');
  room.release();
  t.notOk(room.closed, 'the room stays open while someone holds it');
  room.release();
  await closed;
  t.ok(room.closed, 'the last release closes the room');
  t.ok(room.router.closed, '... and its router');
  t.ok(a.closed && b.closed, '... and its peers');
  t.equal(slot.routers, 0, 'the worker carries no router');
  t.equal(own.existingRoom('room-leak' as MeetingId), undefined, 'the SFU forgets the room');

  const worker = await slot.worker.dump();
  t.same(worker.routerIds, [], 'worker.dump(): no routers');
  t.same(worker.channelMessageHandlers, handlersBefore, 'worker.dump(): no request handlers left behind');
  const server = await slot.webRtcServer.dump();
  t.same(server.webRtcTransportIds, [], 'webRtcServer.dump(): no WebRtcTransports');
  t.same(server.localIceUsernameFragments, [], 'webRtcServer.dump(): no ICE username fragments');
  t.same(server.tupleHashes, [], 'webRtcServer.dump(): no tuples');

  t.throws(() => room.hold(), { code: 'MEETING_CLOSED' }, 'a closed room cannot be held');
  await t.rejects(room.addPeer(C, room.rtpCapabilities), { code: 'MEETING_CLOSED' }, 'a closed room takes no peers');
  const reopened = await own.holdRoom('room-leak' as MeetingId);
  t.not(reopened, room, 'the meeting gets a new room next time');
  reopened.release();
});

t.test('two produce requests for one source at once: one wins, one gets CONFLICT', async (t) => {
  const room = await openRoom(t, 'room-double-produce');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const send = await a.createTransport('send');
  const mic = (ssrc: number) =>
    a.produce({ transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, ssrc) });
  const results = await Promise.allSettled([mic(5551), mic(5552)]);
  t.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'one producer');
  t.match(results.find((r) => r.status === 'rejected'), { reason: { code: 'CONFLICT' } });
  t.equal(a.producers.length, 1);
});

t.test('a receive link too weak for any video gets audio only, and its video back when it recovers', async (t) => {
  const room = await openRoom(t, 'room-weak-link');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const b = await room.addPeer(B, room.rtpCapabilities);
  const offeredToB = offers(b);
  const modes: string[] = [];
  b.on('link-mode', (mode) => modes.push(mode));
  await b.createTransport('recv');
  const send = await a.createTransport('send');
  await produceMicAndCamera(room, a, send.id);
  await waitFor(() => offeredToB.length === 2, { what: 'two consumers at B' });
  for (const offer of offeredToB) await b.resumeConsumer(offer.consumerId);
  const video = () => b.consumers.find((c) => c.kind === 'video')!;
  const audio = () => b.consumers.find((c) => c.kind === 'audio')!;
  t.notOk(video().paused);

  // Estimates as the bwe trace would give them, one a second: 60 kbit/s for 5 s.
  for (let s = 0; s < 5; s++) b.linkEstimate(60_000, s * 1000);
  t.same(modes, ['audio-only']);
  t.equal(b.linkMode, 'audio-only');
  await waitFor(() => video().paused, { what: 'the video consumer paused in the worker' });
  t.notOk(audio().paused, 'audio keeps flowing');

  // A producer arriving meanwhile: its video waits too, even after the client acks it.
  const c = await room.addPeer(C, room.rtpCapabilities);
  const sendC = await c.createTransport('send');
  await c.produce({ transportId: sendC.id, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastParameters(room.rtpCapabilities, 3000) });
  await waitFor(() => offeredToB.length === 3, { what: "C's camera offered to B" });
  const late = offeredToB[2]!;
  await b.resumeConsumer(late.consumerId);
  t.ok(b.consumers.find((x) => x.id === late.consumerId)?.paused, 'a new video consumer stays paused on audio only');

  for (let s = 5; s < 14; s++) b.linkEstimate(800_000, s * 1000);
  t.same(modes, ['audio-only', 'full']);
  await waitFor(() => b.consumers.filter((x) => x.kind === 'video').every((x) => !x.paused), { what: 'every video consumer resumed' });
  t.pass('video is back on both consumers');
});

t.test('a hold or a floor grant decided while the microphone is being created still applies to it', async (t) => {
  const room = await openRoom(t, 'room-hold-race');
  const muted = await room.addPeer(A, room.rtpCapabilities);
  const mutedSend = await muted.createTransport('send');
  await muted.holdAudio(true);
  // Requested while held (so born paused); the floor is granted before the worker answers.
  const granted = muted.produce({ transportId: mutedSend.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, 3111) });
  await muted.holdAudio(false, { resume: true });
  const grantedMicId = await granted;
  const grantedMic = muted.producers.find((p) => p.id === grantedMicId)!;
  t.equal(grantedMic.paused, false, 'the floor holder is heard');

  const free = await room.addPeer(B, room.rtpCapabilities);
  const freeSend = await free.createTransport('send');
  // Requested while free (so born live); the chair mutes before the worker answers.
  const held = free.produce({ transportId: freeSend.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, 3222) });
  await free.holdAudio(true);
  const heldMicId = await held;
  const heldMic = free.producers.find((p) => p.id === heldMicId)!;
  t.equal(heldMic.paused, true, 'the muted site is not heard');

  const quiet = await room.addPeer(C, room.rtpCapabilities);
  const quietSend = await quiet.createTransport('send');
  await quiet.holdAudio(true);
  // Released for free discussion, not given the floor: the site unmutes itself.
  const released = quiet.produce({ transportId: quietSend.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, 3333) });
  await quiet.holdAudio(false);
  const quietMicId = await released;
  const quietMic = quiet.producers.find((p) => p.id === quietMicId)!;
  t.equal(quietMic.paused, true, 'a release without the floor does not switch a microphone on');
});

t.test('a link that falls to audio only while a video consumer is being resumed pauses that one too', async (t) => {
  const room = await openRoom(t, 'room-weak-link-race');
  const a = await room.addPeer(A, room.rtpCapabilities);
  const b = await room.addPeer(B, room.rtpCapabilities);
  const offeredToB = offers(b);
  await b.createTransport('recv');
  const send = await a.createTransport('send');
  await produceMicAndCamera(room, a, send.id);
  await waitFor(() => offeredToB.length === 2, { what: 'two consumers at B' });
  const videoOffer = offeredToB.find((o) => o.kind === 'video')!;
  const video = () => b.consumers.find((c) => c.id === videoOffer.consumerId)!;
  // The client's resume is on its way to the worker when the estimates fall.
  const resuming = b.resumeConsumer(videoOffer.consumerId);
  const t0 = Math.floor(performance.now()); // whole ms: t0 + 4000 - t0 is exactly 4000
  for (let s = 0; s < 5; s++) b.linkEstimate(60_000, t0 + s * 1000);
  t.equal(b.linkMode, 'audio-only');
  await resuming;
  t.ok(video().paused, 'paused once the resume is done');
  for (let s = 5; s < 14; s++) b.linkEstimate(800_000, t0 + s * 1000);
  await waitFor(() => !video().paused, { what: 'video back when the link recovers' });
  t.pass('and resumed when the link recovers');
});
