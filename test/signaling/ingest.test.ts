/**
 * Plain RTP ingest through the protocol: a Node client (the chair's hall, as an ffmpeg-fed camera
 * would be) joins, asks for `create-ingest-transport`, produces Opus and a 3-SSRC VP8 simulcast
 * camera on it with plain RTP parameters, and sends RTP; a site consumes both and its consumers see
 * the packets. Refusals: not joined, a role that may not publish, a bad payload.
 */
import { createSocket } from 'node:dgram';
import t from 'tap';
import type { MeetingId } from '../../protocol/ids.js';
import { egressTap } from '../helpers/egress-tap.js';
import { startServer } from '../helpers/server.js';
import { participant } from '../helpers/conference.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { sendRtp } from '../helpers/rtp-sender.js';
import { connectSocket, connected, joinAs, ok, rawRequest } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

const meetingId = 'ingest-plain-rtp';
const server = await startServer(t);

t.test('a joined chair publishes plain RTP through an ingest transport, and a site receives it', async (t) => {
  const chair = await joinAs(t, server, { sub: 'chair', meetingId, role: 'chair', name: 'UBND tỉnh' });
  const ingest = await ok(chair.socket, 'create-ingest-transport', {});
  t.match(ingest, { transportId: String, ip: '127.0.0.1', port: Number }, 'the ack says where to send');
  t.ok(ingest.port > 0, 'a real port');

  const audio = opusParameters(chair.caps, 70_000);
  const video = vp8SimulcastParameters(chair.caps, 70_010);
  const mic = await ok(chair.socket, 'produce', { transportId: ingest.transportId, kind: 'audio', source: 'mic', rtpParameters: audio });
  const camera = await ok(chair.socket, 'produce', { transportId: ingest.transportId, kind: 'video', source: 'camera', rtpParameters: video });
  t.equal(mic.paused, false, "the chair's microphone is not held");
  await sendRtp(t, ingest, [
    { kind: 'audio', payloadType: audio.codecs[0]!.payloadType, ssrc: 70_000 },
    ...[0, 1, 2].map((k) => ({ kind: 'video' as const, payloadType: video.codecs[0]!.payloadType, ssrc: 70_010 + k })),
  ]);

  const room = server.sfu.existingRoom(meetingId as MeetingId)!;
  const chairPeer = room.peer(chair.joined.self.id)!;
  const producer = chairPeer.producers.find((p) => p.id === camera.producerId)!;
  t.equal(producer.type, 'simulcast', 'the camera is a simulcast producer');
  const layersSeen = await waitFor(
    async () => {
      const stats = await producer.getStats();
      const flowing = new Set(stats.filter((s) => s.byteCount > 0).map((s) => s.ssrc));
      return flowing.size === 3 ? flowing : undefined;
    },
    { what: 'RTP on all three simulcast SSRCs' },
  );
  t.same([...layersSeen].sort(), [70_010, 70_011, 70_012], 'the server receives all three layers by SSRC');

  const site = await participant(t, server, { sub: 'site-1', meetingId, role: 'site', name: 'Xã Một' }, { publish: false });
  const consumers = await waitFor(
    () => {
      const cs = site.peer().consumers;
      return cs.length === 2 && cs.every((c) => !c.paused) ? cs : undefined;
    },
    { timeout: 15_000, what: "the site to consume the chair's microphone and camera, resumed" },
  );
  t.same(new Set(consumers.map((c) => c.producerId)), new Set([mic.producerId, camera.producerId]), "the site consumes the chair's ingest producers");
  const heard = consumers.find((c) => c.kind === 'audio')!;
  const arriving = await waitFor(
    async () => (await heard.getStats()).filter((s) => s.type === 'inbound-rtp').reduce((n, s) => n + s.byteCount, 0),
    { what: "bytes of the chair's audio at the site's consumer" },
  );
  t.ok(arriving > 0, `the site's audio consumer shows ${arriving} bytes of the ingested stream arriving`);

  // The site's WebRTC transport never connects (Node has no DTLS), so it sends nothing: a tap on its
  // router, connected to a UDP sink here, shows the camera forwarded and switching simulcast layers.
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  let sunk = 0;
  sink.on('message', () => sunk++);
  const tap = await egressTap(site.peer().place.router, { ip: '127.0.0.1', port: sink.address().port }, [
    { producerId: camera.producerId, rtpCapabilities: site.peer().rtpCapabilities, spatialLayer: 0 },
  ]);
  t.teardown(() => {
    tap.close();
    sink.close();
  });
  const forwarded = tap.consumers[0]!;
  t.equal(forwarded.type, 'simulcast', 'a simulcast consumer');
  await waitFor(() => forwarded.currentLayers?.spatialLayer === 0, { what: 'the low layer forwarded' });
  await forwarded.setPreferredLayers({ spatialLayer: 2 });
  await waitFor(() => forwarded.currentLayers?.spatialLayer === 2, { what: 'the switch to the high layer' });
  t.pass('the consumer switches from the low to the high layer on the generated VP8 key frames');
  const sent = await waitFor(async () => (await forwarded.getStats()).find((s) => s.type === 'outbound-rtp')?.packetCount, { what: 'packets sent' });
  await waitFor(() => sunk > 0, { what: 'packets at the sink' });
  t.ok(sent > 0 && sunk > 0, `the worker sent ${sent} video packets, and they arrived`);
  const offered = new Set([...site.consumers.values()].map((c) => c.producerId));
  t.ok(offered.has(mic.producerId) && offered.has(camera.producerId), 'the site was offered both over the protocol (new-consumer)');

  const transportStats = (await chairPeer.stats()).transports.flat().find((s) => s.transportId === ingest.transportId);
  t.equal(transportStats?.type, 'plain-rtp-transport', 'it is a plain transport on the server');
  t.ok((transportStats?.bytesReceived ?? 0) > 0, 'which has received bytes');
});

t.test('refusals come as error acks', async (t) => {
  const early = connectSocket(t, server.url, server.signToken({ sub: 'site-early', meetingId, role: 'site', name: 'Xã Sớm' }));
  await connected(early);
  t.match(
    await rawRequest(early, 'create-ingest-transport', {}),
    { ok: false, error: { code: 'NOT_JOINED', message: String } },
    'not joined yet: NOT_JOINED',
  );

  const observer = await joinAs(t, server, { sub: 'observer-1', meetingId, role: 'observer', name: 'Phóng viên' });
  t.match(
    await rawRequest(observer.socket, 'create-ingest-transport', {}),
    { ok: false, error: { code: 'FORBIDDEN', message: /observer/ } },
    'an observer may not publish: FORBIDDEN',
  );

  const site = await joinAs(t, server, { sub: 'site-2', meetingId, role: 'site', name: 'Xã Hai' });
  for (const [what, payload] of [
    ['an extra field', { port: 5004 }],
    ['a string', 'udp'],
    ['null', null],
  ] as const) {
    t.match(await rawRequest(site.socket, 'create-ingest-transport', payload), { ok: false, error: { code: 'BAD_REQUEST', message: String } }, `${what}: BAD_REQUEST`);
  }
  const granted = await ok(site.socket, 'create-ingest-transport', {});
  t.ok(granted.transportId, 'a joined site may have one');
  t.match(
    await rawRequest(site.socket, 'connect-transport', { transportId: granted.transportId, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } }),
    { ok: false, error: { code: 'BAD_REQUEST', message: /WebRTC/ } },
    'an ingest transport is not connected with DTLS',
  );
});
