/**
 * A node's media service for meetings served elsewhere: it answers the home nodes' cascade requests
 * with a shard per (home, meeting), and drops a home's shards when that node leaves the cluster.
 */
import type { types as ms } from 'mediasoup';
import { AppError, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { NodeId, ParticipantId } from '../../protocol/ids.js';
import type { WorkerPool } from '../worker-pool.js';
import type { CascadeBus } from './bus.js';
import { M, type LinkOpen, type MeetingRef, type PeerCall, type PeerRef, type ProducerOffer, type ProducerPause, type ProducerRef } from './messages.js';
import { Shard, type ShardOptions } from './shard.js';

export class CascadeAgent {
  readonly #shards = new Map<string, Promise<Shard>>();
  #closed = false;

  constructor(
    private readonly bus: CascadeBus,
    private readonly pool: WorkerPool,
    private readonly options: ShardOptions,
    private readonly log: Logger,
  ) {
    const on = <P>(method: string, handler: (params: P, from: NodeId) => unknown) => bus.handle(method, (params, from) => handler(params as P, from));
    on<PeerRef & { rtpCapabilities: ms.RtpCapabilities; expected?: number }>(M.peerAdd, async (p, from) =>
      (await this.#shard(from, p.meetingId, true)).addPeer(p.peerId, p.rtpCapabilities, p.expected ?? 0),
    );
    on<PeerCall>(M.peerCall, async (p, from) => (await this.#shard(from, p.meetingId)).call(p.peerId, p.call));
    on<PeerRef>(M.peerClose, async (p, from) => (await this.#existing(from, p.meetingId))?.closePeer(p.peerId as ParticipantId));
    on<LinkOpen>(M.linkOpen, async (p, from) => (await this.#shard(from, p.meetingId, true)).openLink(p));
    on<ProducerOffer>(M.exportProducer, async (p, from) => (await this.#shard(from, p.meetingId)).receive(p));
    on<ProducerRef>(M.exportClose, async (p, from) => (await this.#existing(from, p.meetingId))?.closeReceived(p));
    on<ProducerPause>(M.exportPause, async (p, from) => (await this.#existing(from, p.meetingId))?.pauseReceived(p));
    on<ProducerRef>(M.importProducer, async (p, from) => (await this.#shard(from, p.meetingId)).send(p));
    on<ProducerRef>(M.importClose, async (p, from) => (await this.#existing(from, p.meetingId))?.closeSent(p));
    on<MeetingRef>(M.shardClose, async (p, from) => (await this.#existing(from, p.meetingId))?.close());
  }

  /** Shards open here, and the participants in them (for the node's announced load). */
  get load(): { shards: number } {
    return { shards: this.#shards.size };
  }

  /** Peers placed here by `home` for `meetingId` (tests and benchmarks). */
  async shard(home: NodeId, meetingId: string): Promise<Shard | undefined> {
    return this.#existing(home, meetingId);
  }

  /** The home is gone: its meetings' media here goes too (their sites join again through another node). */
  nodeGone(node: NodeId): void {
    for (const [key, shard] of this.#shards) {
      if (key.startsWith(`${node}/`)) void shard.then((s) => s.close(), () => {});
    }
  }

  close(): void {
    this.#closed = true;
    for (const shard of this.#shards.values()) void shard.then((s) => s.close(), () => {});
    this.#shards.clear();
  }

  async #existing(home: NodeId, meetingId: string): Promise<Shard | undefined> {
    const shard = await this.#shards.get(`${home}/${meetingId}`)?.catch(() => undefined);
    return shard && !shard.closed ? shard : undefined;
  }

  async #shard(home: NodeId, meetingId: string, create = false): Promise<Shard> {
    const key = `${home}/${meetingId}`;
    const existing = await this.#existing(home, meetingId);
    if (existing) return existing;
    if (!create) throw notFound(`No media of meeting ${meetingId} on this node`);
    if (this.#closed) throw new AppError('MEDIA_UNAVAILABLE', 'This node is shutting down');
    let pending = this.#shards.get(key);
    if (pending) return pending;
    pending = Shard.create(home, meetingId, this.pool, this.bus, this.options, this.log, () => {
      if (this.#shards.get(key) === pending) this.#shards.delete(key);
    });
    this.#shards.set(key, pending);
    pending.catch(() => {
      if (this.#shards.get(key) === pending) this.#shards.delete(key);
    });
    return pending;
  }
}
