/**
 * Node B of the load harness's two-node mode (`npm run bench:load -- --nodes 2`): a second real
 * process, forked by node A (./two-nodes.ts) with an IPC channel. It runs the whole server on A's
 * Redis (same prefix, same JWT secret) announcing units (NODE_UNITS): the cascade puts the media of
 * those units' sites here, in a shard of A's meeting. A asks it, over IPC, to tap what its peers
 * consume (egress taps, as A does for its own sites) and for its figures.
 */
import type { NodeId } from '../../protocol/ids.js';
import { createServer, type DiemcauServer } from '../../server.js';
import type { Shard } from '../../sfu/cascade/shard.js';
import type { Peer } from '../../sfu/peer.js';
import { testClusterConfig, testConfig, testSchedulerConfig, testSfuConfig } from '../../test/helpers/config.js';
import type { EgressTap } from '../../test/helpers/egress-tap.js';
import { waitFor } from '../../test/helpers/wait.js';
import { mediaFlowing, nodeSample, PipeWatch, tapPeers } from './measure.js';
import type { NodeBRequests, ShardRef } from './protocol.js';
import { serveParent, type Handlers } from '../thread-rpc.js';

let server: DiemcauServer | undefined;
let cleanup = () => {};
let pipes: PipeWatch | undefined;
const taps: EgressTap[] = [];
/** Each peer's tap, by participant id. */
const tapOf = new Map<string, EgressTap>();

async function shardOf(ref: ShardRef): Promise<{ shard: Shard; peers: Peer[] }> {
  const shard = await server?.sfu.agent?.shard(ref.home as NodeId, ref.meetingId);
  if (!shard) throw new Error(`no shard of meeting ${ref.meetingId} on node B`);
  return { shard, peers: ref.peerIds.map((id) => shard.peer(id)).filter((p): p is Peer => !!p) };
}

const workers = () => server?.sfu.pool.slots.map((s) => s.worker) ?? [];

async function close(): Promise<void> {
  for (const tap of taps.splice(0)) tap.close();
  const s = server;
  server = undefined;
  await s?.close();
  cleanup();
}

const handlers: Handlers<NodeBRequests> = {
  async start(o) {
    if (server) throw new Error('node B is already started');
    const config = testConfig({
      logLevel: 'error',
      sfu: testSfuConfig({ workers: o.workers }),
      scheduler: testSchedulerConfig({ redisUrl: o.redisUrl, redisPrefix: o.redisPrefix }),
      cluster: testClusterConfig({ units: o.units, heartbeatMs: o.heartbeatMs, timeoutMs: o.timeoutMs }),
    });
    config.signaling = { ...config.signaling, jwtSecret: o.jwtSecret };
    cleanup = config.cleanup;
    server = await createServer(config);
    pipes = new PipeWatch(workers());
    return { nodeId: server.registry.id, pid: process.pid, workerPids: workers().map((w) => w.pid) };
  },

  async flowing(ref) {
    const { peers } = await shardOf(ref);
    const seen = await mediaFlowing(peers);
    return { flowingAt: [...seen.values()], producers: peers.reduce((n, p) => n + p.producers.length, 0) };
  },

  async tap(ref) {
    const { peers } = await shardOf(ref);
    for (const [peer, tap] of await tapPeers(peers)) {
      taps.push(tap);
      tapOf.set(peer.id, tap);
    }
    const tapConsumers = taps.flatMap((t) => t.consumers);
    const byLayer: Record<string, number> = {};
    for (const c of tapConsumers) {
      const key = c.kind === 'audio' ? 'audio' : `video L${c.preferredLayers?.spatialLayer ?? '?'}`;
      byLayer[key] = (byLayer[key] ?? 0) + 1;
    }
    const atLayer = await waitFor(() => tapConsumers.filter((c) => c.kind === 'video').every((c) => c.currentLayers?.spatialLayer === c.preferredLayers?.spatialLayer) || undefined, {
      timeout: 10_000,
      what: 'every tap on node B at its layer',
    }).then(
      () => true,
      () => false,
    );
    return { peers: peers.length, consumers: peers.reduce((n, p) => n + p.consumers.length, 0), taps: taps.length, tapConsumers: tapConsumers.length, byLayer, atLayer };
  },

  async sample(ref) {
    const { shard, peers } = await shardOf(ref);
    const sample = await nodeSample({ tapConsumers: taps.flatMap((t) => t.consumers), producers: peers.flatMap((p) => p.producers), workers: workers(), pipes: pipes! });
    return { ...sample, shardPeers: shard.peerCount, receivedCount: shard.receivedCount };
  },

  async 'chair-reception'(ref) {
    const { shard } = await shardOf(ref);
    const site = shard.peer(ref.siteId);
    if (!site) throw new Error(`no participant ${ref.siteId} on node B`);
    const wanted = new Set(ref.producerIds);
    const empty = () => ({ consumers: 0, bytes: 0, packets: 0, forwarded: 0 });
    const reception = { audio: empty(), video: empty() };
    // The chair's streams on B are pipe producers with the chair's producer ids, fed by node A.
    const received = [...(pipes?.producers ?? [])].filter((p) => wanted.has(p.id));
    for (const consumer of site.consumers.filter((c) => wanted.has(c.producerId))) {
      const r = reception[consumer.kind];
      r.consumers++;
      const producer = received.find((p) => p.id === consumer.producerId);
      for (const s of await (producer?.getStats() ?? Promise.resolve([])).catch(() => [])) ((r.bytes += s.byteCount), (r.packets += s.packetCount));
    }
    // And what the site's link would be sent of them (its egress tap).
    for (const c of tapOf.get(site.id)?.consumers.filter((c) => wanted.has(c.producerId)) ?? []) {
      for (const s of await c.getStats().catch(() => [])) if (s.type === 'outbound-rtp') reception[c.kind].forwarded += s.packetCount;
    }
    return reception;
  },

  async close() {
    await close();
    return null;
  },
};

serveParent(handlers);
// Node A gone (finished or crashed): so is node B.
process.on('disconnect', () => void close().finally(() => process.exit(0)));
