/** The load harness's measurements, the same on node A (in-process) and node B (its own process). */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { types as ms } from 'mediasoup';
import type { Peer } from '../../sfu/peer.js';
import type { Room } from '../../sfu/room.js';
import { egressTap, type EgressTap } from '../../test/helpers/egress-tap.js';
import { waitFor } from '../../test/helpers/wait.js';
import type { LinkSample, NodeSample } from './protocol.js';

/** When each producer first showed RTP at the server (Date.now()), polling those not yet seen. */
export async function mediaFlowing(peers: readonly { producers: readonly ms.Producer[] }[]): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const all = peers.flatMap((p) => p.producers);
  await waitFor(
    async () => {
      const pending = all.filter((p) => !seen.has(p.id) && !p.closed);
      await Promise.all(
        pending.map(async (p) => {
          const stats = await p.getStats().catch(() => []);
          if (stats.some((s) => s.byteCount > 0)) seen.set(p.id, Date.now());
        }),
      );
      return pending.length === 0 || seen.size === all.length;
    },
    { timeout: 120_000, interval: 250, what: 'RTP at every producer' },
  ).catch((error: Error) => console.log(`  ${error.message}: ${seen.size}/${all.length}`));
  return seen;
}

export async function packetSum(consumers: ms.Consumer[], type: 'outbound-rtp') {
  let packets = 0;
  let bytes = 0;
  for (const stats of await Promise.all(consumers.map((c) => c.getStats().catch(() => [])))) {
    for (const s of stats) if (s.type === type) ((packets += s.packetCount), (bytes += s.byteCount));
  }
  return { packets, bytes };
}

export async function ingestSum(producers: ms.Producer[]) {
  let packets = 0;
  let bytes = 0;
  let lost = 0;
  for (const stats of await Promise.all(producers.map((p) => p.getStats().catch(() => [])))) {
    for (const s of stats) ((packets += s.packetCount), (bytes += s.byteCount), (lost += Math.max(0, s.packetsLost)));
  }
  return { packets, bytes, lost };
}

export async function workerCpuMs(worker: ms.Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) * 1024 : NaN;
}

/** A local UDP port nobody listens on: the taps' packets end in the kernel. */
export async function unusedUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  s.close();
  return port;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function percent(value: number, of: number): string {
  return of > 0 ? `${((100 * value) / of).toFixed(1)} %` : 'n/a';
}

/**
 * The cascade's pipe transports on these workers (SRTP pipes; the intra-node pipes between a
 * node's own routers have none), with the streams crossing them, found through mediasoup's
 * observer events: the bench needs no access to the links' internals. Watch before the meeting's
 * routers exist.
 */
export class PipeWatch {
  readonly transports = new Set<ms.PipeTransport>();
  readonly producers = new Set<ms.Producer>();
  readonly consumers = new Set<ms.Consumer>();

  constructor(workers: readonly ms.Worker[]) {
    for (const worker of workers) {
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newtransport', (transport) => {
          if (transport.type !== 'pipe' || !(transport as ms.PipeTransport).srtpParameters) return;
          const pipe = transport as ms.PipeTransport;
          this.transports.add(pipe);
          pipe.observer.once('close', () => this.transports.delete(pipe));
          pipe.observer.on('newproducer', (p) => (this.producers.add(p), p.observer.once('close', () => this.producers.delete(p))));
          pipe.observer.on('newconsumer', (c) => (this.consumers.add(c), c.observer.once('close', () => this.consumers.delete(c))));
        }),
      );
    }
  }

  async sample(): Promise<LinkSample> {
    const transportStats = (await Promise.all([...this.transports].map((t) => t.getStats().catch(() => [])))).flat();
    const out = await packetSum([...this.consumers], 'outbound-rtp');
    const into = await ingestSum([...this.producers]);
    return {
      pipes: this.transports.size,
      bytesSent: transportStats.reduce((n, s) => n + s.bytesSent, 0),
      bytesReceived: transportStats.reduce((n, s) => n + s.bytesReceived, 0),
      streamsOut: this.consumers.size,
      packetsOut: out.packets,
      streamsIn: this.producers.size,
      packetsIn: into.packets,
      lostIn: into.lost,
      kernelDrops: udpDrops(new Set([...this.transports].map((t) => t.tuple.localPort))),
    };
  }
}

/** Datagrams the kernel dropped at these local UDP ports (full receive buffer: the worker did not read in time), from /proc/net/udp. */
export function udpDrops(ports: ReadonlySet<number>): number {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const port = parseInt(f[1]?.split(':')[1] ?? '', 16);
    if (ports.has(port)) drops += Number(f[f.length - 1]) || 0;
  }
  return drops;
}

/** One node's counters now: its taps' forwarding, its sites' ingest, its workers, its process, its link. */
export async function nodeSample(parts: { tapConsumers: ms.Consumer[]; producers: ms.Producer[]; workers: readonly ms.Worker[]; pipes: PipeWatch }): Promise<NodeSample> {
  const [forwarded, ingest, cpu, link] = await Promise.all([
    packetSum(parts.tapConsumers, 'outbound-rtp'),
    ingestSum(parts.producers),
    Promise.all(parts.workers.map(workerCpuMs)),
    parts.pipes.sample(),
  ]);
  const usage = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return {
    at: performance.now(),
    forwarded,
    ingest,
    cpu,
    nodeCpuUs: usage.user + usage.system,
    elu: { idle: elu.idle, active: elu.active, utilization: elu.utilization },
    link,
    rss: { node: process.memoryUsage().rss, workers: parts.workers.map((w) => rssOf(w.pid)) },
    workerPids: parts.workers.map((w) => w.pid),
  };
}

/**
 * Gives the floor to `holder` (so the middle layer and a second voice are in play, as in a real
 * session) and waits until everyone else consumes it and every consumer is resumed; a wait that
 * runs out is printed, not thrown: the figures still say what happened.
 */
export async function settleFloor(room: Room, holder: string | undefined, grant: (participantId: string) => Promise<unknown>): Promise<void> {
  if (!holder) return;
  await grant(holder);
  const held = () => new Set(room.member(holder as never)?.producers.map((p) => p.id) ?? []);
  await waitFor(() => room.members.filter((m) => m.id !== holder).every((m) => m.consumers.some((c) => held().has(c.producerId))), {
    timeout: 30_000,
    what: 'everyone to consume the floor holder',
  }).catch((error: Error) => console.log(`  ${error.message}`));
  await room.settled();
  await waitFor(() => room.members.every((m) => m.consumers.every((c) => !c.paused)), { timeout: 30_000, what: 'consumers resumed' }).catch((error: Error) =>
    console.log(`  ${error.message}`),
  );
}

/**
 * The egress taps: for each peer, a plain transport on its router consuming what it consumes at
 * the same layers, to a port nobody reads — the forwarding the sites' connected links would cause.
 */
export async function tapPeers(peers: readonly Peer[]): Promise<Map<Peer, EgressTap>> {
  const sink = await unusedUdpPort();
  const taps = new Map<Peer, EgressTap>();
  for (const peer of peers) {
    const wanted = peer.consumers.map((c) => ({ producerId: c.producerId, rtpCapabilities: peer.rtpCapabilities, spatialLayer: c.preferredLayers?.spatialLayer }));
    if (wanted.length > 0) taps.set(peer, await egressTap(peer.place.router, { ip: '127.0.0.1', port: sink }, wanted));
  }
  return taps;
}
