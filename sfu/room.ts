import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MeetingId, NodeId, ParticipantId } from '../protocol/ids.js';
import type { CascadeBus } from './cascade/bus.js';
import { NodeLinks } from './cascade/links.js';
import { RemotePeer, type RemotePeerHost } from './cascade/remote-peer.js';
import type { MediaListen } from './listen.js';
import type { MediaPeer, ProducerView } from './media-peer.js';
import type { Trackable } from './on-demand.js';
import { Peer, type PeerHost, type PeerPlace, type ProducerAppData } from './peer.js';
import { Pipes } from './pipes.js';
import { openRouter, placeParticipant } from './placement.js';
import { openCall, type MediaPolicy, type Sender, type SpatialLayer } from './policy.js';
import { SpeakerDetector } from './speaker.js';
import type { ExpectedConsumers, WorkerPool, WorkerSlot } from './worker-pool.js';

type RoomEvents = {
  'active-speaker': [ParticipantId | null];
  closed: [];
};

export interface RoomOptions {
  initialOutgoingBitrate: number;
  /** Placement keeps each worker's consumers under this (see sfu/placement.ts). */
  consumersPerWorker: number;
  /** Where plain RTP ingest and the links to other nodes listen. */
  listen: MediaListen;
  /** The cluster, when participants' media may live on other nodes (the cascade). */
  cascade?: RoomCascade | undefined;
}

export interface RoomCascade {
  readonly bus: CascadeBus;
  /** The node whose media a participant of `unitId` attaches to; null or this node's id: here. */
  nodeFor(unitId: string | undefined): Promise<NodeId | null>;
}

/**
 * The media of one meeting: a router on each worker it uses (participants are placed so that no
 * worker goes over its consumer budget), its peers, the pipes that carry producers between its
 * routers, and the active speaker. What each peer consumes is decided by a policy (sfu/policy.ts);
 * the room makes it so.
 */
export class Room extends TypedEmitter<RoomEvents> implements PeerHost, RemotePeerHost {
  /** Participants whose media is here (Peer) or on another node (RemotePeer). */
  readonly #peers = new Map<ParticipantId, MediaPeer>();
  /** Participants being placed (their router may still be on its way). */
  readonly #joining = new Set<ParticipantId>();
  /** One router per worker the meeting uses, in the order it took them; a promise while being created. */
  readonly #routers = new Map<WorkerSlot, Promise<PeerPlace>>();
  /** The routers created and alive, oldest first. The first is home: it answers rtpCapabilities and hosts the speaker observer. */
  #places: PeerPlace[];
  readonly pipes = new Pipes();
  /** Links to the nodes holding some of the meeting's media, opened when first needed. */
  #links: NodeLinks | undefined;
  #holders = 0;
  #closed = false;
  #speaker: SpeakerDetector;
  #policy: MediaPolicy = openCall;
  /** Reconciliation runs one at a time; a change during a run asks for one more run. */
  #reconciling = false;
  #dirty = false;
  /** Resolves when no reconciliation is running, for callers (and tests) that need the media settled. */
  #idle: Promise<void> = Promise.resolve();
  readonly initialOutgoingBitrate: number;
  readonly listen: MediaListen;

  private constructor(
    readonly meetingId: MeetingId,
    home: PeerPlace,
    speaker: SpeakerDetector,
    private readonly pool: WorkerPool,
    private readonly options: RoomOptions,
    private readonly log: Logger,
  ) {
    super();
    this.initialOutgoingBitrate = options.initialOutgoingBitrate;
    this.listen = options.listen;
    this.#places = [home];
    this.#routers.set(home.slot, Promise.resolve(home));
    this.#watchRouter(home);
    this.#speaker = speaker;
    this.#hearSpeaker(speaker);
  }

  static async create(meetingId: MeetingId, pool: WorkerPool, options: RoomOptions, log: Logger): Promise<Room> {
    const home = await openRouter(pool.leastLoaded(), { meetingId });
    try {
      const speaker = await SpeakerDetector.create(home.router);
      return new Room(meetingId, home, speaker, pool, options, log.child({ meetingId }));
    } catch (error) {
      home.router.close();
      throw error;
    }
  }

  /** The home router: the meeting's first live one. */
  get router(): ms.Router {
    return this.#home.router;
  }

  /** The home router's worker. */
  get slot(): WorkerSlot {
    return this.#home.slot;
  }

  get webRtcServer(): ms.WebRtcServer {
    return this.#home.slot.webRtcServer;
  }

  /** The meeting's live routers, one per worker it uses, oldest (home) first. */
  get places(): readonly PeerPlace[] {
    return this.#places;
  }

  get #home(): PeerPlace {
    return this.#places[0]!;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  /** The participants whose media is on this node. */
  get peers(): Peer[] {
    return [...this.#peers.values()].filter((p): p is Peer => p instanceof Peer);
  }

  /** Every participant, wherever its media is. */
  get members(): MediaPeer[] {
    return [...this.#peers.values()];
  }

  /** The links to other nodes, once the meeting has media there. */
  get links(): NodeLinks | undefined {
    return this.#links;
  }

  /**
   * A participant's media: on the node the cascade gives its unit, or here (placed on a worker by
   * addPeer). Signaling calls this; addPeer is the local part.
   */
  async join(id: ParticipantId, rtpCapabilities: ms.RtpCapabilities, where: { unitId?: string | undefined } = {}): Promise<MediaPeer> {
    const cascade = this.options.cascade;
    const node = cascade ? await cascade.nodeFor(where.unitId) : null;
    if (!cascade || node === null || node === cascade.bus.self) return this.addPeer(id, rtpCapabilities);
    this.#assertOpen();
    if (this.#peers.has(id) || this.#joining.has(id)) throw new AppError('ALREADY_JOINED', 'Already joined');
    this.#joining.add(id);
    let peer: RemotePeer;
    try {
      const expected = this.#policy.expectedConsumers(id, this.#peers.size + this.#joining.size);
      peer = await RemotePeer.create(id, node, this.meetingId, rtpCapabilities, expected, cascade.bus, this);
    } catch (error) {
      // Its node refused or did not answer in time (a node that stopped heartbeating is not even asked): better here than not at all.
      this.log.warn('a media node did not take a participant; its media stays here', { participant: id, node, error: (error as Error).message });
      this.#joining.delete(id);
      return this.addPeer(id, rtpCapabilities);
    }
    this.#joining.delete(id);
    if (this.#closed) {
      peer.close();
      this.#assertOpen();
    }
    this.#peers.set(id, peer);
    this.log.info('participant media placed on another node', { participant: id, node });
    return peer;
  }

  /** A report from a media node about one of this meeting's participants there. */
  remoteReport(node: NodeId, report: Parameters<RemotePeer['report']>[0]): void {
    const peer = this.#peers.get(report.peerId);
    if (peer instanceof RemotePeer && peer.node === node) peer.report(report);
  }

  /** A media node paused, resumed or ended a producer this node imported. */
  remoteProducer(node: NodeId, producerId: string, change: { paused: boolean } | 'closed'): void {
    if (change === 'closed') this.#links?.importClosed(node, producerId);
    else this.#links?.importPaused(node, producerId, change.paused);
  }

  /** A node left the cluster: the participants whose media it held are gone (their clients join again). */
  nodeGone(node: NodeId): void {
    for (const peer of [...this.#peers.values()]) if (peer instanceof RemotePeer && peer.node === node) peer.lost();
    this.#links?.nodeGone(node);
  }

  /** A session holds the room from its first request; the room closes when the last holder lets go. */
  hold(): void {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'The meeting media has closed');
    this.#holders++;
  }

  release(): void {
    if (--this.#holders <= 0) this.close();
  }

  /**
   * Places a participant on one of the meeting's routers: the first whose worker has room for the
   * consumers the policy expects it to hold, else a new router on the least loaded worker with room.
   */
  async addPeer(id: ParticipantId, rtpCapabilities: ms.RtpCapabilities): Promise<Peer> {
    this.#assertOpen();
    if (this.#peers.has(id) || this.#joining.has(id)) throw new AppError('ALREADY_JOINED', 'Already joined');
    this.#joining.add(id);
    let peer: Peer | undefined;
    const participants = () => this.#peers.size + this.#joining.size;
    // Counted on the worker from now on, so participants joining together spread as they should.
    const claim: ExpectedConsumers = {
      get outstanding() {
        return Math.max(0, policy().expectedConsumers(id, participants()) - (peer?.consumers.length ?? 0));
      },
    };
    const policy = () => this.#policy;
    try {
      for (;;) {
        const slot = placeParticipant({
          expected: claim.outstanding,
          budget: this.options.consumersPerWorker,
          meeting: [...this.#routers.keys()],
          live: this.pool.live,
        });
        slot.expected.add(claim);
        let place: PeerPlace;
        try {
          place = await this.#routerOn(slot);
        } catch (error) {
          slot.expected.delete(claim);
          throw error;
        }
        this.#assertOpen();
        // Its worker died while this waited: place again.
        if (place.router.closed) {
          slot.expected.delete(claim);
          continue;
        }
        peer = new Peer(id, rtpCapabilities, this, place);
        peer.once('closed', () => slot.expected.delete(claim));
        this.#peers.set(id, peer);
        return peer;
      }
    } finally {
      this.#joining.delete(id);
    }
  }

  /** A participant whose media is on this node. */
  peer(id: ParticipantId): Peer | undefined {
    const peer = this.#peers.get(id);
    return peer instanceof Peer ? peer : undefined;
  }

  /** A participant, wherever its media is. */
  member(id: ParticipantId): MediaPeer | undefined {
    return this.#peers.get(id);
  }

  /** Sets what each peer should consume and makes it so: consumers are created, re-layered or closed. */
  setPolicy(policy: MediaPolicy): void {
    this.#policy = policy;
    this.#reconcile();
  }

  /** Resolves once the consumers match the current policy. */
  settled(): Promise<void> {
    return this.#idle;
  }

  producerAdded(producer: ProducerView): void {
    if (producer.kind === 'audio') void this.#listen(this.#speaker, producer);
    this.#reconcile();
  }

  producerChanged(): void {
    this.#reconcile();
  }

  receiverReady(): void {
    this.#reconcile();
  }

  peerClosed(peer: MediaPeer): void {
    if (this.#peers.get(peer.id) === peer) this.#peers.delete(peer.id);
    this.#reconcile();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.pipes.close();
    this.#links?.close();
    this.#speaker.close();
    for (const place of this.#places) place.router.close();
    this.emit('closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'The meeting media has closed');
  }

  /** The meeting's router on `slot`, created on first use; joiners arriving together share one. */
  #routerOn(slot: WorkerSlot): Promise<PeerPlace> {
    const existing = this.#routers.get(slot);
    if (existing) return existing;
    const created = openRouter(slot, { meetingId: this.meetingId }).then((place) => {
      if (this.#closed) {
        place.router.close();
        throw new AppError('MEETING_CLOSED', 'The meeting media has closed');
      }
      this.#places.push(place);
      this.#watchRouter(place);
      this.log.info('meeting spreads to another worker', { worker: slot.index, routers: this.#places.length });
      return place;
    });
    created.catch(() => {
      if (this.#routers.get(slot) === created) this.#routers.delete(slot);
    });
    this.#routers.set(slot, created);
    return created;
  }

  #watchRouter(place: PeerPlace): void {
    place.router.on('workerclose', () => this.#routerLost(place));
  }

  /**
   * A worker died under one of the meeting's routers. The peers placed there lose their media (they
   * are closed, and their sessions hang up so the clients can join again); mediasoup closes the pipes
   * to and from that router, so peers elsewhere lose only their consumers of the dead peers. The
   * meeting carries on on its other routers, and closes when none is left.
   */
  #routerLost(lost: PeerPlace): void {
    if (this.#closed) return;
    const remaining = this.#places.filter((p) => p !== lost);
    // The last one stays listed, closed, as the closed room's router.
    if (remaining.length === 0) {
      this.close();
      return;
    }
    this.#places = remaining;
    this.#routers.delete(lost.slot);
    this.log.warn('a worker of the meeting died; its participants are dropped', { worker: lost.slot.index });
    for (const peer of this.peers) if (peer.place === lost) peer.close();
    if (this.#speaker.router === lost.router) void this.#moveSpeakerDetection();
    this.#reconcile();
  }

  /** The home router died with the speaker observer: observe on the new home, every microphone again. */
  async #moveSpeakerDetection(): Promise<void> {
    this.emit('active-speaker', null);
    try {
      const speaker = await SpeakerDetector.create(this.#home.router);
      if (this.#closed) return speaker.close();
      this.#speaker = speaker;
      this.#hearSpeaker(speaker);
      for (const peer of this.#peers.values()) {
        for (const producer of peer.producers) if (producer.kind === 'audio') void this.#listen(speaker, producer);
      }
    } catch (error) {
      if (!this.#closed) this.log.error('active speaker detection lost', { error: (error as Error).message });
    }
  }

  #hearSpeaker(speaker: SpeakerDetector): void {
    speaker.on('speaker', (participantId) => {
      if (speaker === this.#speaker && !this.#closed) this.emit('active-speaker', participantId);
    });
  }

  /** Dominance is relative, so every microphone goes to the one observer: piped there from its own router if need be. */
  async #listen(speaker: SpeakerDetector, producer: ProducerView): Promise<void> {
    try {
      const owner = this.#peers.get(producer.appData.peerId);
      if (!owner || producer.closed) return;
      if (owner instanceof RemotePeer) {
        // From another node, to the home router (where the links and the observer are); a muted microphone sends nothing.
        if (speaker.router !== this.router) return;
        return await speaker.add(await this.#linksOpen().pinImport(owner.node, producer.id));
      }
      const local = producer as ms.Producer<ProducerAppData>;
      const origin = (owner as Peer).place.router;
      if (origin !== speaker.router) await this.pipes.pin(local, origin, speaker.router);
      await speaker.add(local);
    } catch (error) {
      if (!producer.closed && !speaker.closed && !this.#closed) {
        this.log.warn('active speaker observer refused a producer', { error: (error as Error).message });
      }
    }
  }

  #reconcile(): void {
    if (this.#closed) return;
    this.#dirty = true;
    if (this.#reconciling) return;
    this.#reconciling = true;
    this.#idle = (async () => {
      try {
        while (this.#dirty && !this.#closed) {
          this.#dirty = false;
          await this.#apply();
        }
      } catch (error) {
        this.log.error('media policy failed', { error: error instanceof Error ? error.stack : String(error) });
      } finally {
        this.#reconciling = false;
      }
    })();
  }

  /** One pass: every receiver gets exactly what the policy wants, then senders learn which layers are watched. */
  async #apply(): Promise<void> {
    const peers = [...this.#peers.values()].filter((p) => !p.closed);
    const producers = new Map<string, { producer: ProducerView; owner: MediaPeer }>();
    const senders: Sender[] = peers.map((peer) => ({
      id: peer.id,
      producers: peer.producers.map((p) => {
        producers.set(p.id, { producer: p, owner: peer });
        return { id: p.id, kind: p.kind, source: p.appData.source, paused: p.paused };
      }),
    }));
    const work: Promise<void>[] = [];
    for (const peer of peers) {
      if (!peer.canReceive) continue;
      const wanted = this.#policy.wanted(peer.id, senders);
      for (const consumer of peer.consumers) {
        const layer = wanted.get(consumer.producerId);
        if (layer === undefined) peer.closeConsumer(consumer.id);
        else if (layer !== null) work.push(this.#settle(peer, consumer.producerId, peer.setConsumerLayer(consumer, layer)));
      }
      for (const [producerId, layer] of wanted) {
        const sent = producers.get(producerId);
        if (sent && !peer.consumes(producerId)) work.push(this.#settle(peer, producerId, this.#consume(peer, sent.producer, sent.owner, layer)));
      }
    }
    await Promise.all(work);
    this.#dynacast(peers);
  }

  /**
   * A consumer for `receiver` of `producer`, wherever each of them is: on the same router, across
   * this node's routers (a pipe), from a media node to here (an import), from here to a media node
   * (an export), or between two media nodes (an import, then an export: through this node).
   */
  async #consume(receiver: MediaPeer, producer: ProducerView, owner: MediaPeer, layer: SpatialLayer | null): Promise<Trackable | undefined> {
    if (receiver instanceof RemotePeer) {
      if (owner instanceof RemotePeer && owner.node === receiver.node) return receiver.consume(producer.id, layer);
      const send = (atHome: ms.Producer<ProducerAppData>) => this.#linksOpen().useExport(receiver.node, atHome, () => receiver.consume(producer.id, layer));
      if (owner instanceof RemotePeer) return this.#linksOpen().useImport(owner.node, producer.id, send);
      return this.#local(producer as ms.Producer<ProducerAppData>, (owner as Peer).place.router, this.router, () => send(producer as ms.Producer<ProducerAppData>));
    }
    const local = receiver as Peer;
    const target = local.place.router;
    const take = (p: ms.Producer<ProducerAppData>) => () => local.consume(p, layer);
    if (owner instanceof RemotePeer) {
      return this.#linksOpen().useImport(owner.node, producer.id, (imported) => this.#local(imported, this.router, target, take(imported)));
    }
    const own = producer as ms.Producer<ProducerAppData>;
    return this.#local(own, (owner as Peer).place.router, target, take(own));
  }

  /** Runs `consume` once `producer` (on `origin`) is available on `target`: at once, or over a pipe. */
  #local<T extends Trackable>(producer: ms.Producer, origin: ms.Router, target: ms.Router, consume: () => Promise<T | undefined>): Promise<T | undefined> {
    return origin === target ? consume() : this.pipes.use(producer, origin, target, consume);
  }

  #linksOpen(): NodeLinks {
    const cascade = this.options.cascade;
    if (!cascade) throw new Error('this room has no cascade');
    this.#links ??= new NodeLinks(this.meetingId, this.router, cascade.bus, this.listen, this.log);
    return this.#links;
  }

  /** A consume or layer change that fails because someone just left is normal; anything else is logged. */
  async #settle(peer: MediaPeer, producerId: string, step: Promise<unknown>): Promise<void> {
    try {
      await step;
    } catch (error) {
      const gone = peer.closed || this.#closed || !this.#peers.size || (peer instanceof Peer && peer.place.router.closed) || this.#producerGone(producerId);
      if (!gone) this.log.warn('consume failed', { peer: peer.id, producer: producerId, error: (error as Error).message });
    }
  }

  #producerGone(producerId: string): boolean {
    for (const peer of this.#peers.values()) if (peer.producers.some((p) => p.id === producerId && !p.closed)) return false;
    return true;
  }

  /** Dynacast: each sender hears the highest layer anyone consumes of each video producer. */
  #dynacast(peers: MediaPeer[]): void {
    const needed = new Map<string, SpatialLayer>();
    for (const peer of peers) {
      for (const consumer of peer.consumers) {
        if (consumer.kind !== 'video') continue;
        const layer = (consumer.preferredLayers?.spatialLayer ?? 2) as SpatialLayer;
        needed.set(consumer.producerId, Math.max(needed.get(consumer.producerId) ?? 0, layer) as SpatialLayer);
      }
    }
    for (const peer of peers) {
      for (const producer of peer.producers) {
        if (producer.kind === 'video') peer.announceLayers(producer.id, needed.get(producer.id) ?? null);
      }
    }
  }
}
