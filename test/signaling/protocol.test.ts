import t from 'tap';
import type { NewConsumer } from '../../protocol/events.js';
import type { MeetingId } from '../../protocol/ids.js';
import { startServer } from '../helpers/server.js';
import { FAKE_DTLS, joinAs, ok, opusParameters, request, disconnected, type ClientSocket } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

const server = await startServer(t);
const meeting = 'meeting-protocol';

/** Collects the server's new-consumer offers and accepts them, as the browser client does. */
function acceptConsumers(socket: ClientSocket): NewConsumer[] {
  const offered: NewConsumer[] = [];
  socket.on('new-consumer', (consumer, ack) => {
    offered.push(consumer);
    ack({ ok: true, data: null });
  });
  return offered;
}

t.test('join, transports, produce, server-initiated consume, pause, close, leave', async (t) => {
  const chair = await joinAs(t, server, { sub: 'chair-1', meetingId: meeting, role: 'chair', name: 'Chủ trì' });
  t.same(chair.joined.participants, [], 'the first participant sees nobody else');

  const joinedEvents: string[] = [];
  chair.socket.on('participant-joined', (p) => joinedEvents.push(p.name));

  const send = await ok(chair.socket, 'create-transport', { direction: 'send' });
  t.ok(send.iceCandidates.length > 0, 'the transport has ICE candidates');
  t.ok(send.iceCandidates.some((c) => c.protocol === 'tcp'), 'TCP candidates for networks that block UDP');
  await ok(chair.socket, 'connect-transport', { transportId: send.id, dtlsParameters: FAKE_DTLS });
  const again = await request(chair.socket, 'connect-transport', { transportId: send.id, dtlsParameters: FAKE_DTLS });
  t.match(again, { ok: false, error: { code: 'CONFLICT' } }, 'a transport connects once');

  const restarted = await ok(chair.socket, 'restart-ice', { transportId: send.id });
  t.not(restarted.usernameFragment, send.iceParameters.usernameFragment, 'an ICE restart gives new ICE credentials');

  const tcpOnly = await ok(chair.socket, 'create-transport', { direction: 'recv', forceTcp: true });
  t.ok(tcpOnly.iceCandidates.every((c) => c.protocol === 'tcp'), 'forceTcp gives TCP candidates only');

  const { producerId } = await ok(chair.socket, 'produce', {
    transportId: send.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: opusParameters(chair.caps),
  });
  t.type(producerId, 'string');

  // A site arrives after the chair produced: it is offered the chair's audio once its recv transport exists.
  const site = await joinAs(t, server, { sub: 'hall-7', meetingId: meeting, role: 'site', name: 'Xã Tân Lập' });
  t.same(site.joined.participants.map((p) => p.name), ['Chủ trì'], 'the site sees the chair');
  await waitFor(() => joinedEvents.includes('Xã Tân Lập'), { what: 'participant-joined at the chair' });
  const offered = acceptConsumers(site.socket);
  await ok(site.socket, 'create-transport', { direction: 'recv' });
  const consumer = await waitFor(() => offered[0], { what: 'a new-consumer offer' });
  t.equal(consumer.producerId, producerId);
  t.equal(consumer.participantId, chair.joined.self.id);
  t.equal(consumer.source, 'mic');
  t.equal(consumer.kind, 'audio');

  const room = server.sfu.existingRoom(meeting as MeetingId)!;
  const sitePeer = room.peer(site.joined.self.id)!;
  await waitFor(() => sitePeer.consumers[0] && !sitePeer.consumers[0].paused, { what: 'the consumer resumed after the ack' });
  t.pass('the consumer was created paused and resumed once the client acked');
  const stats = await sitePeer.stats();
  t.equal(stats.consumers, 1, 'stats: one consumer');
  t.equal(stats.transports.length, 1, 'stats: one transport');
  t.equal(stats.transports[0]![0]!.type, 'webrtc-transport');

  const paused = new Promise((resolve) => site.socket.once('consumer-paused', resolve));
  await ok(chair.socket, 'pause-producer', { producerId });
  t.same(await paused, { consumerId: consumer.consumerId }, 'receivers hear of a paused producer');
  const resumed = new Promise((resolve) => site.socket.once('consumer-resumed', resolve));
  await ok(chair.socket, 'resume-producer', { producerId });
  t.same(await resumed, { consumerId: consumer.consumerId });

  const closed = new Promise((resolve) => site.socket.once('consumer-closed', resolve));
  await ok(chair.socket, 'close-producer', { producerId });
  t.same(await closed, { consumerId: consumer.consumerId }, 'receivers hear of a closed producer');
  t.match(await request(chair.socket, 'pause-producer', { producerId }), { ok: false, error: { code: 'NOT_FOUND' } });

  const left = new Promise((resolve) => chair.socket.once('participant-left', resolve));
  const gone = disconnected(site.socket);
  await ok(site.socket, 'leave', {});
  t.same(await left, { participantId: site.joined.self.id }, 'the others hear who left');
  await gone;
  t.equal(server.signaling.participantCount(meeting), 1);
});

t.test('an observer receives but cannot produce', async (t) => {
  const observer = await joinAs(t, server, { sub: 'obs-1', meetingId: 'meeting-observer', role: 'observer', name: 'Phóng viên' });
  const send = await ok(observer.socket, 'create-transport', { direction: 'send' });
  const result = await request(observer.socket, 'produce', {
    transportId: send.id,
    kind: 'audio',
    source: 'mic',
    rtpParameters: opusParameters(observer.caps),
  });
  t.match(result, { ok: false, error: { code: 'FORBIDDEN' } });
});

t.test('a disconnect closes everything of that participant: no leak in the worker', async (t) => {
  const meetingId = 'meeting-leak';
  const a = await joinAs(t, server, { sub: 'a', meetingId, role: 'chair', name: 'A' });
  const b = await joinAs(t, server, { sub: 'b', meetingId, role: 'site', name: 'B' });
  acceptConsumers(b.socket);
  const send = await ok(a.socket, 'create-transport', { direction: 'send' });
  await ok(a.socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(a.caps) });
  await ok(b.socket, 'create-transport', { direction: 'recv' });
  const room = server.sfu.existingRoom(meetingId as MeetingId)!;
  await waitFor(() => room.peer(b.joined.self.id)?.consumers.length === 1, { what: 'B consuming A' });
  const routerDump = await room.router.dump();
  t.equal(routerDump.transportIds.length, 2, 'two transports while both are in');

  a.socket.disconnect();
  await waitFor(() => room.peer(b.joined.self.id)?.consumers.length === 0, { what: "A's media to be closed at B" });
  t.same((await room.router.dump()).transportIds.length, 1, "A's transport is gone");
  b.socket.disconnect();
  await waitFor(() => room.closed, { what: 'the room to close' });

  const slot = room.slot;
  const workerDump = await slot.worker.dump();
  t.notOk(workerDump.routerIds.includes(room.router.id), 'the router is closed in the worker');
  const serverDump = await slot.webRtcServer.dump();
  const leaked = serverDump.webRtcTransportIds.filter((id) => routerDump.transportIds.includes(id));
  t.same(leaked, [], 'the WebRtcServer holds none of their transports');
});
