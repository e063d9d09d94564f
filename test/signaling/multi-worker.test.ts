/**
 * A meeting larger than one worker's budget, through signaling: 1 chair + 10 sites (Node clients)
 * on 2 workers with CONSUMERS_PER_WORKER=24. The sites land on both workers; every site still
 * consumes the chair under the conference policy, and the chair's RTP reaches sites on both.
 * The chair's media is sent from Node as plain RTP into an ingest transport of its peer, since a
 * Node client's WebRTC transports carry no packets.
 */
import t from 'tap';
import type { types as ms } from 'mediasoup';
import type { MeetingId } from '../../protocol/ids.js';
import { startServer } from '../helpers/server.js';
import { testSfuConfig } from '../helpers/config.js';
import { participant, type Participant } from '../helpers/conference.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { sendRtp } from '../helpers/rtp-sender.js';
import { ok } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

const SITES = 10;
const BUDGET = 24;
const meetingId = 'multi-worker-sites';
const server = await startServer(t, { sfu: testSfuConfig({ workers: 2, consumersPerWorker: BUDGET }) });

const chair = await participant(t, server, { sub: 'chair', meetingId, role: 'chair', name: 'UBND tỉnh' }, { publish: false });
const room = server.sfu.existingRoom(meetingId as MeetingId)!;

// The chair's hall encoder: Opus and one VP8 layer as plain RTP (one layer: see test/sfu/multi-worker.test.ts).
const chairPeer = chair.peer();
const ingest = await chairPeer.createIngestTransport();
const audio = opusParameters(room.rtpCapabilities, 60_000);
const video = { ...vp8SimulcastParameters(room.rtpCapabilities, 60_010), encodings: [{ ssrc: 60_010 }] };
const micId = await chairPeer.produce({ transportId: ingest.id, kind: 'audio', source: 'mic', rtpParameters: audio });
const cameraId = await chairPeer.produce({ transportId: ingest.id, kind: 'video', source: 'camera', rtpParameters: video });
await sendRtp(t, ingest, [
  { kind: 'audio', payloadType: audio.codecs[0]!.payloadType, ssrc: 60_000 },
  { kind: 'video', payloadType: video.codecs[0]!.payloadType, ssrc: 60_010 },
]);

const sites: Participant[] = [];
for (let i = 1; i <= SITES; i++) sites.push(await participant(t, server, { sub: `site-${i}`, meetingId, role: 'site', name: `Xã ${i}` }));

async function bytesArriving(consumer: ms.Consumer): Promise<number> {
  const stats = await consumer.getStats();
  return stats.filter((s) => s.type === 'inbound-rtp').reduce((n, s) => n + s.byteCount, 0);
}

t.test('the sites spread over both workers and each still receives the chair', async (t) => {
  for (const s of sites) {
    await waitFor(
      () => {
        const consumed = new Set(s.peer().consumers.map((c) => c.producerId));
        const offered = new Set([...s.consumers.values()].map((c) => c.producerId));
        return consumed.size === 2 && consumed.has(micId) && consumed.has(cameraId) && offered.size === 2;
      },
      { timeout: 20_000, what: `${s.name} to consume the chair's microphone and camera` },
    );
  }
  t.pass("every site consumes the chair's microphone and camera, and its client was offered both");

  const home = room.slot;
  const workersOfSites = new Set(sites.map((s) => s.peer().place.slot.index));
  t.equal(workersOfSites.size, 2, 'sites are on both workers');
  t.equal(chairPeer.place.slot, home, 'the chair (first in) is on the home worker');
  t.equal(room.places.length, 2, 'the meeting has a router on each worker');
  const other = room.places.find((p) => p.slot !== home)!.router;
  t.ok(room.pipes.has(micId, other) && room.pipes.has(cameraId, other), "the chair's microphone and camera are piped to the other worker");

  const perWorker = server.sfu.pool.slots.map((slot) => ({
    worker: slot.index,
    sites: sites.filter((s) => s.peer().place.slot === slot).length,
    consumers: slot.consumers,
  }));
  t.comment(`placement with budget ${BUDGET}: ${JSON.stringify(perWorker)}; pipes open ${room.pipes.size}, opened ${room.pipes.opened}`);
  t.ok(perWorker.every((w) => w.consumers <= BUDGET), 'every worker within the budget, pipe consumers included');

  for (const s of sites) {
    for (const consumer of s.peer().consumers) {
      await waitFor(() => bytesArriving(consumer), { timeout: 15_000, what: `the chair's ${consumer.kind} RTP at ${s.name}` });
    }
  }
  t.pass("the chair's RTP reaches every site's consumers, on both workers");
});

t.test('the floor holder on the other worker is heard and seen by sites on the home worker', async (t) => {
  const home = room.slot;
  const far = sites.find((s) => s.peer().place.slot !== home)!;
  const near = sites.find((s) => s.peer().place.slot === home)!;
  await ok(chair.socket, 'grant-floor', { participantId: far.id });
  await waitFor(
    () => {
      const consumed = new Set(near.peer().consumers.map((c) => c.producerId));
      return consumed.has(far.micId!) && consumed.has(far.cameraId!);
    },
    { timeout: 20_000, what: `${near.name} to consume the floor holder` },
  );
  t.ok(room.pipes.has(far.cameraId!, room.router), "the floor holder's camera is piped to the home worker");
  t.ok(room.pipes.has(far.micId!, room.router), '... and its microphone');
  await waitFor(() => far.peer().producers.find((p) => p.id === far.micId)?.paused === false, { what: "the floor holder's microphone resumed" });
  const heard = near.peer().consumers.find((c) => c.producerId === far.micId)!;
  await waitFor(() => !heard.producerPaused, { what: 'the resume to cross the pipe' });
  t.pass('the floor resumes its microphone across the pipe');
  await ok(chair.socket, 'revoke-floor', {});
  await waitFor(() => !near.peer().consumers.some((c) => c.producerId === far.cameraId), { what: "the floor holder's camera dropped" });
  await room.settled();
  // The chair's grid may still show it: the pipe stays exactly as long as someone on the home worker consumes it.
  const consumedAtHome = room.peers.some((p) => p.place.slot === home && p.consumers.some((c) => c.producerId === far.cameraId));
  t.equal(room.pipes.has(far.cameraId!, room.router), consumedAtHome, `the camera is piped home only while consumed there (consumed: ${consumedAtHome})`);
});
