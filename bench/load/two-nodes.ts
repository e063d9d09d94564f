/**
 * The load harness on two nodes (`npm run bench:load -- --nodes 2`, or NODES=2): the cascade on one
 * machine. Node A is the in-process server as in the one-node run (signaling for everyone, the
 * chair, the sites of the districts it keeps); node B is a second real process (./node-b.ts, forked
 * with an IPC channel) on A's Redis, announcing about half the districts (NODE_UNITS), so the media
 * of their sites lives on B while their signaling stays on A. One mediasoup worker per node by
 * default (two one-core machines; WORKERS to change). The same sites, the same storm and the same
 * steady state as the one-node run; the figures per node, over the link between them, and the check
 * that a site on B sees and hears the chair on A.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { MeetingId, NodeId } from '../../protocol/ids.js';
import { createServer, type DiemcauServer } from '../../server.js';
import { RemotePeer } from '../../sfu/cascade/remote-peer.js';
import type { Peer } from '../../sfu/peer.js';
import { testClusterConfig, testConfig, testSfuConfig } from '../../test/helpers/config.js';
import type { EgressTap } from '../../test/helpers/egress-tap.js';
import { waitFor } from '../../test/helpers/wait.js';
import { provinceMeeting } from '../province.js';
import { mediaFlowing, nodeSample, percent, PipeWatch, seconds, settleFloor, tapPeers } from './measure.js';
import { caller, processCaller } from '../thread-rpc.js';
import type { ChairReception, ClientRequests, LinkSample, NodeBRequests, NodeSample, ShardRef } from './protocol.js';

export interface TwoNodeOptions {
  sites: number;
  /** mediasoup workers per node. */
  workers: number;
  steadyMs: number;
  concurrency: number;
  /** Starts the sites' worker thread (main.ts's own file in a thread). */
  startSites(): Worker;
}

/** Nodes see each other's heartbeats every 2 s; a node is taken for gone only after 30 s (a loaded machine stalls). */
const CLUSTER = { heartbeatMs: 2000, timeoutMs: 30_000 };

export async function runTwoNodes(o: TwoNodeOptions): Promise<void> {
  const config = testConfig({ logLevel: 'error', sfu: testSfuConfig({ workers: o.workers }), cluster: testClusterConfig(CLUSTER) });
  const server = await createServer(config);
  const aWorkers = server.sfu.pool.slots.map((s) => s.worker);
  const aPipes = new PipeWatch(aWorkers);
  let clients: Worker | undefined;
  let nodeB: ChildProcess | undefined;
  const taps: EgressTap[] = [];
  try {
    const { halls, meetingId, chairToken, siteTokens } = await provinceMeeting(server, o.sites, 'Hội nghị trực tuyến toàn tỉnh (tải thử, hai nút)');
    const split = await splitDistricts(server);

    nodeB = fork(fileURLToPath(new URL('./node-b.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const b = processCaller<NodeBRequests>(nodeB, 'node B');
    const started = await b('start', {
      redisUrl: server.redisUrl,
      redisPrefix: config.scheduler.redisPrefix,
      jwtSecret: config.signaling.jwtSecret,
      units: split.units,
      workers: o.workers,
      ...CLUSTER,
    });
    const bId = started.nodeId as NodeId;
    await waitFor(async () => server.registry.isLive(bId) && (await server.registry.nodes()).some((n) => n.id === bId && n.units.length === split.units.length), {
      timeout: 15_000,
      what: 'node A to see node B and its units',
    });
    console.log(
      `province: ${halls} halls; meeting ${meetingId}: ${siteTokens.length} halls + chair; two nodes, ${o.workers} mediasoup worker(s) each; Node ${process.version}\n` +
        `  node A ${server.registry.id} (pid ${process.pid}): signaling, the chair, ${split.districts - split.units.length} districts\n` +
        `  node B ${bId} (pid ${started.pid}, its own process): NODE_UNITS ${split.units.join(',')} (${split.units.length} of ${split.districts} districts, ${split.hallsOnB} halls)`,
    );

    clients = o.startSites();
    const thread = clients;
    const call = caller<ClientRequests>(thread, 'site thread');
    const storm = await call('storm', { url: server.url, chairToken, siteTokens, concurrency: o.concurrency });
    const room = server.sfu.existingRoom(meetingId as MeetingId);
    if (!room) throw new Error('no room for the meeting');
    const onB = storm.participantIds.filter((id) => {
      const m = room.member(id as never);
      return m instanceof RemotePeer && m.node === bId;
    });
    const ref: ShardRef = { home: server.registry.id, meetingId, peerIds: onB };
    const sitePeersA = storm.participantIds.map((id) => room.peer(id as never)).filter((p): p is Peer => !!p);
    const [flowingA, flowingB] = await Promise.all([mediaFlowing(sitePeersA), b('flowing', ref)]);
    const lastFlowing = Math.max(...flowingA.values(), ...flowingB.flowingAt);
    console.log(
      `\njoin storm (${o.concurrency >= o.sites ? 'all at once' : `${o.concurrency} at a time`}, all through node A): ${storm.joined}/${siteTokens.length} sites joined, ${storm.failed} failed; ` +
        `first connect → all joined ${seconds(storm.allJoinedAt - storm.firstConnectAt)}, → all producing ${seconds(Math.max(...storm.producingAt) - storm.firstConnectAt)}, ` +
        `→ RTP at the server for every producer ${seconds(lastFlowing - storm.firstConnectAt)} ` +
        `(A: ${flowingA.size}/${sitePeersA.reduce((n, p) => n + p.producers.length, 0)} producers, B: ${flowingB.flowingAt.length}/${flowingB.producers})`,
    );
    for (const error of storm.errors) console.log(`  join failure: ${error}`);
    console.log(
      `  media placed: ${sitePeersA.length} sites + the chair on A, ${onB.length} sites on B (${split.hallsOnB} halls are in B's districts; ` +
        `a site B refused or did not take within 10 s stays on A)`,
    );

    // A floor holder on B, so a B camera and voice go to A's sites and the chair (B → A) as the chair's go to B (A → B).
    const floorHolder = onB[0] ?? storm.participantIds[0];
    await settleFloor(room, floorHolder, (participantId) => call('grant-floor', { participantId }));

    // The egress taps, on each node for the peers whose media is there.
    taps.push(...(await tapPeers(room.peers)).values());
    const tapConsumers = taps.flatMap((tap) => tap.consumers);
    const tappedB = await b('tap', ref);
    const byLayer = new Map<string, number>(Object.entries(tappedB.byLayer));
    for (const c of tapConsumers) {
      const key = c.kind === 'audio' ? 'audio' : `video L${c.preferredLayers?.spatialLayer ?? '?'}`;
      byLayer.set(key, (byLayer.get(key) ?? 0) + 1);
    }
    const consumersA = room.peers.reduce((n, p) => n + p.consumers.length, 0);
    console.log(
      `policy consumers: ${consumersA} on A + ${tappedB.consumers} on B (${[...byLayer].map(([k, v]) => `${v} ${k}`).join(', ')}), ` +
        `mirrored by ${tapConsumers.length} + ${tappedB.tapConsumers} egress-tap consumers on ${taps.length} + ${tappedB.taps} plain transports; floor: ${floorHolder} (on ${onB.includes(floorHolder!) ? 'B' : 'A'})`,
    );
    await waitFor(() => tapConsumers.filter((c) => c.kind === 'video').every((c) => c.currentLayers?.spatialLayer === c.preferredLayers?.spatialLayer) || undefined, {
      timeout: 10_000,
      what: 'every tap on node A at its layer',
    }).catch((error: Error) => console.log(`  ${error.message}`));
    if (!tappedB.atLayer) console.log('  timed out waiting for every tap on node B at its layer');

    // The check: a site on B (not the floor holder) and the chair's microphone and camera, both on A.
    const chairProducers = room.member(storm.chairId as never)?.producers.map((p) => p.id) ?? [];
    const watcher = onB.find((id) => id !== floorHolder) ?? onB[0];
    const reception = (): Promise<ChairReception | undefined> =>
      watcher ? b('chair-reception', { ...ref, siteId: watcher, producerIds: chairProducers }) : Promise.resolve(undefined);

    // Steady state.
    const producersA = room.peers.flatMap((p) => p.producers);
    const sampleA = () => nodeSample({ tapConsumers, producers: producersA, workers: aWorkers, pipes: aPipes });
    const sample = async () => {
      const [a, bSample, sent, seen] = await Promise.all([sampleA(), b('sample', ref), call('stats', {}), reception()]);
      return { a, b: bSample, sent: sent.packetsSent, seen, clientElu: thread.performance.eventLoopUtilization() };
    };
    const before = await sample();
    await new Promise((resolve) => setTimeout(resolve, o.steadyMs));
    const after = await sample();
    const links = room.links;
    const kindOf = new Map(room.members.flatMap((m) => m.producers.map((p) => [p.id, p.kind] as const)));
    const kinds = (ids: string[]) => `${ids.length} (${ids.filter((id) => kindOf.get(id) === 'audio').length} audio, ${ids.filter((id) => kindOf.get(id) === 'video').length} video)`;
    const exported = kinds(links?.exportedTo(bId) ?? []);
    const imported = kinds(links?.importedFrom(bId) ?? []);

    const msA = after.a.at - before.a.at;
    const load = loadavg().map((l) => l.toFixed(1)).join(' ');
    console.log(`\nsteady state over ${(msA / 1000).toFixed(1)} s (${room.members.length} participants, load average ${load}):`);
    console.log(`  sent by the sites ${rate(after.sent - before.sent, msA)} packets/s (the sites' thread runs in node A's process)`);
    const rows = [node('A', `${sitePeersA.length} + chair`, consumersA, before.a, after.a), node('B', String(onB.length), tappedB.consumers, before.b, after.b)];
    console.table(rows);
    console.table([
      ...workerRows('A', before.a, after.a, room.peers.map((p) => p.place.slot.index)),
      ...workerRows('B', before.b, after.b, []),
    ]);
    if (after.b.shardPeers !== onB.length)
      console.log(`  node B's shard holds ${after.b.shardPeers} peers, node A placed ${onB.length} there: ${after.b.shardPeers - onB.length} left on B by joins A gave up on`);
    const clientElu = performance.eventLoopUtilization(after.clientElu, before.clientElu).utilization;
    console.log(
      `  node A process (server + sites' thread) CPU ${percent((after.a.nodeCpuUs - before.a.nodeCpuUs) / 1000, msA)}, event loop ${percent(eluOf(before.a, after.a), 1)}, ` +
        `sites' thread event loop ${percent(clientElu, 1)}; node B process CPU ${percent((after.b.nodeCpuUs - before.b.nodeCpuUs) / 1000, after.b.at - before.b.at)}, event loop ${percent(eluOf(before.b, after.b), 1)}`,
    );
    console.log(
      `  link A ⇄ B (${after.a.link.pipes} SRTP pipe transport on A, ${after.b.link.pipes} on B): streams exported A → B ${exported} (B has ${after.b.receivedCount} received), ` +
        `imported B → A ${imported}; ${links?.figures.opened ?? 0} opened since the meeting began; paused streams send nothing`,
    );
    console.log(`    seen from A: ${linkLine(before.a.link, after.a.link, msA)}`);
    console.log(`    seen from B: ${linkLine(before.b.link, after.b.link, after.b.at - before.b.at)}`);
    const rssTotal = [after.a, after.b].reduce((n, s) => n + s.rss.node + s.rss.workers.reduce((x, y) => x + y, 0), 0);
    console.log(
      `  memory: node A ${mb(after.a.rss.node)} MB (sites' thread included) + workers ${mb(sum(after.a.rss.workers))} MB, node B ${mb(after.b.rss.node)} MB + workers ${mb(sum(after.b.rss.workers))} MB ` +
        `= ${(rssTotal / Math.max(1, storm.joined) / 2 ** 20).toFixed(2)} MB per site`,
    );

    // A site on node B sees and hears the chair on node A.
    if (!watcher || !before.seen || !after.seen) console.log('\nFAIL a site on node B sees and hears the chair on node A: no site has its media on B');
    else {
      const kinds = (['audio', 'video'] as const).map((kind) => {
        const s0 = before.seen![kind];
        const s1 = after.seen![kind];
        const ok = s1.consumers > 0 && s1.bytes > s0.bytes && s1.forwarded > s0.forwarded;
        return { ok, text: `${kind}: ${s1.consumers} consumer(s), +${s1.bytes - s0.bytes} bytes (+${s1.packets - s0.packets} packets) arrived from A, +${s1.forwarded - s0.forwarded} packets forwarded to the site` };
      });
      const pass = chairProducers.length === 2 && kinds.every((k) => k.ok);
      console.log(`\n${pass ? 'PASS' : 'FAIL'} a site on node B (${watcher}) sees and hears the chair on node A over ${(msA / 1000).toFixed(1)} s: ${kinds.map((k) => k.text).join('; ')}`);
    }
    await call('close', {});
  } finally {
    for (const tap of taps) tap.close();
    await clients?.terminate();
    if (nodeB) await stopNodeB(nodeB);
    await server.close();
    config.cleanup();
  }
}

/** About half the sites: districts (largest first) given to node B while they bring its halls nearer half of all. */
async function splitDistricts(server: DiemcauServer): Promise<{ units: string[]; districts: number; hallsOnB: number }> {
  const units = await server.store.directory.listUnits();
  const halls = await server.store.directory.listHalls();
  const root = units.find((u) => u.parentId === null);
  const parent = new Map(units.map((u) => [u.id, u.parentId]));
  const size = new Map(units.filter((u) => u.parentId === root?.id).map((u) => [u.id, 0]));
  for (const hall of halls) {
    let unit: string | null | undefined = hall.unitId;
    while (unit && !size.has(unit)) unit = parent.get(unit);
    if (unit) size.set(unit, size.get(unit)! + 1);
  }
  const half = halls.length / 2;
  const chosen: string[] = [];
  let onB = 0;
  for (const [district, n] of [...size].sort((x, y) => y[1] - x[1])) {
    if (Math.abs(onB + n - half) < Math.abs(onB - half)) (chosen.push(district), (onB += n));
  }
  return { units: chosen.sort(), districts: size.size, hallsOnB: onB };
}

async function stopNodeB(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await processCaller<NodeBRequests>(child, 'node B')('close', {}).catch(() => undefined);
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function node(name: string, sites: string, consumers: number, s0: NodeSample, s1: NodeSample) {
  const ms = s1.at - s0.at;
  const ingested = s1.ingest.packets - s0.ingest.packets;
  const lost = s1.ingest.lost - s0.ingest.lost;
  return {
      node: name,
      'sites (media)': sites,
      consumers,
      'received pkt/s': rate(ingested, ms),
      'received Mbit/s': mbit(s1.ingest.bytes - s0.ingest.bytes, ms),
      'loss at ingest': percent(lost, ingested + lost),
      'forwarded pkt/s': rate(s1.forwarded.packets - s0.forwarded.packets, ms),
      'forwarded Mbit/s': mbit(s1.forwarded.bytes - s0.forwarded.bytes, ms),
      'RSS MB (process + workers)': `${mb(s1.rss.node)} + ${mb(sum(s1.rss.workers))}`,
  };
}

function workerRows(name: string, s0: NodeSample, s1: NodeSample, peerSlots: number[]) {
  const ms = s1.at - s0.at;
  return s1.workerPids.map((pid, i) => ({
    node: name,
    worker: i,
    pid,
    ...(peerSlots.length > 0 ? { peers: peerSlots.filter((slot) => slot === i).length } : {}),
    'CPU %': percent((s1.cpu[i] ?? 0) - (s0.cpu[i] ?? 0), ms),
    'RSS MB': mb(s1.rss.workers[i]!),
  }));
}

function linkLine(l0: LinkSample, l1: LinkSample, ms: number): string {
  const lost = l1.lostIn - l0.lostIn;
  const got = l1.packetsIn - l0.packetsIn;
  return (
    `sent ${rate(l1.packetsOut - l0.packetsOut, ms)} packets/s on ${l1.streamsOut} streams, ${mbit(l1.bytesSent - l0.bytesSent, ms)} Mbit/s; ` +
    `received ${rate(got, ms)} packets/s on ${l1.streamsIn} streams, ${mbit(l1.bytesReceived - l0.bytesReceived, ms)} Mbit/s, loss ${percent(lost, got + lost)}, ${l1.kernelDrops - l0.kernelDrops} dropped by the kernel at the pipe socket`
  );
}

function eluOf(s0: NodeSample, s1: NodeSample): number {
  const active = s1.elu.active - s0.elu.active;
  const idle = s1.elu.idle - s0.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const rate = (n: number, ms: number) => ((n * 1000) / ms).toFixed(0);
const mbit = (bytes: number, ms: number) => ((8 * bytes) / ms / 1000).toFixed(1);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
