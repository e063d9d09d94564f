/**
 * One meeting over the node's workers, in the SFU alone (no signaling, no browsers): a chair and
 * PEERS sites (default 240) join one by one (recv and send transports, an Opus microphone and a
 * 3-layer VP8 camera as RTP parameters; no packets) under the conference policy (every site
 * receives the chair's camera and microphone; the chair a grid page of 9). Prints where placement
 * put them, the consumers each worker carries, the pipes opened, and how long placing and joining
 * took. Figures only.
 *   npm run bench:workers        PEERS=240 WORKERS=4 CONSUMERS_PER_WORKER=200 npm run bench:workers
 */
import { performance } from 'node:perf_hooks';
import { createLogger } from '../lib/log.js';
import type { MeetingId, ParticipantId } from '../protocol/ids.js';
import { conferencePolicy } from '../sfu/policy.js';
import { createSfu } from '../sfu/sfu.js';
import { load } from '../sfu/worker-pool.js';
import { testSfuConfig } from '../test/helpers/config.js';
import { opusParameters, vp8SimulcastParameters } from '../test/helpers/rtp-parameters.js';

const peers = Number(process.env['PEERS'] ?? 240);
const workers = Number(process.env['WORKERS'] ?? 2);
const budget = Number(process.env['CONSUMERS_PER_WORKER'] ?? 500);

const sfu = await createSfu(testSfuConfig({ workers, consumersPerWorker: budget }), createLogger('error'));
try {
  const room = await sfu.holdRoom('bench-workers' as MeetingId);
  const chair = 'chair' as ParticipantId;
  const siteIds = Array.from({ length: peers }, (_, i) => `site-${i + 1}` as ParticipantId);
  room.setPolicy(
    conferencePolicy({ main: chair, floor: null, audible: new Set([chair]), audibleWhenLive: new Set(), grids: new Map([[chair, siteIds.slice(0, 9)]]) }),
  );

  const placeMs: number[] = [];
  const joinMs: number[] = [];
  const started = performance.now();
  let ssrc = 100_000;
  for (const id of [chair, ...siteIds]) {
    const t0 = performance.now();
    const peer = await room.addPeer(id, room.rtpCapabilities);
    const t1 = performance.now();
    await peer.createTransport('recv');
    const send = await peer.createTransport('send');
    await peer.produce({ transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(room.rtpCapabilities, (ssrc += 10)) });
    await peer.produce({ transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastParameters(room.rtpCapabilities, ssrc + 1) });
    placeMs.push(t1 - t0);
    joinMs.push(performance.now() - t0);
  }
  const joined = performance.now();
  await room.settled();
  const settled = performance.now();

  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log(`${peers} sites + chair, ${workers} workers, budget ${budget} consumers per worker`);
  for (const slot of sfu.pool.slots) {
    const here = room.peers.filter((p) => p.place.slot === slot);
    const own = here.reduce((n, p) => n + p.consumers.length, 0);
    console.log(
      `  worker ${slot.index}: ${here.length} participants, ${slot.consumers} consumers (${own} of participants, ${slot.consumers - own} pipe), load ${load(slot)}`,
    );
  }
  console.log(`  routers in the meeting: ${room.places.length}; pipes opened ${room.pipes.opened}, open now ${room.pipes.size}`);
  console.log(`  place (addPeer): median ${ms(pct(placeMs, 50))}, p95 ${ms(pct(placeMs, 95))}, max ${ms(Math.max(...placeMs))}`);
  console.log(`  join (place + 2 transports + 2 producers): median ${ms(pct(joinMs, 50))}, p95 ${ms(pct(joinMs, 95))}`);
  console.log(`  all joined in ${((joined - started) / 1000).toFixed(2)} s; consumers settled ${((settled - joined) / 1000).toFixed(2)} s later`);
  room.release();
} finally {
  sfu.close();
}
