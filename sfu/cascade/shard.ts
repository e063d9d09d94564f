/**
 * A media node's part of a meeting served by another node (the home): the participants whose media
 * the home placed here (real Peers), spread over this node's workers like a room spreads its own
 * (a router per worker used, producers piped between them on demand), and one pipe link to the home,
 * on the first router, that carries the producers either side watches of the other. The home decides
 * everything; the shard does it and reports every change of its peers.
 */
import type { types as ms } from 'mediasoup';
import { AppError, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { NodeId, ParticipantId } from '../../protocol/ids.js';
import { Peer, type PeerHost, type PeerPlace, type ProducerAppData } from '../peer.js';
import { Pipes } from '../pipes.js';
import { openRouter, placeParticipant } from '../placement.js';
import type { ExpectedConsumers, WorkerPool, WorkerSlot } from '../worker-pool.js';
import type { CascadeBus } from './bus.js';
import { M, type PeerCallResult, type PeerEventReport, type PeerOp, type PeerState, type PipeEnd, type ProducerOffer, type ProducerPause, type ProducerRef } from './messages.js';
import type { MediaListen } from '../listen.js';
import { connectPipe, createPipe, pipeEnd, receiveAcross, sendAcross } from './pipe-link.js';

export interface ShardOptions {
  listen: MediaListen;
  initialOutgoingBitrate: number;
  /** Placement keeps each worker's consumers under this (as for rooms). */
  consumersPerWorker: number;
}

const PEER_EVENTS = ['consumer-created', 'consumer-closed', 'consumer-paused', 'consumer-resumed', 'layers-needed', 'link-mode', 'closed'] as const;

export class Shard implements PeerHost {
  readonly #peers = new Map<ParticipantId, Peer>();
  /** The home's producers received over the link, by id. */
  readonly #received = new Map<string, Promise<ms.Producer<ProducerAppData>>>();
  /** This node's producers sent to the home: their pipe consumers on the link. */
  readonly #sent = new Map<string, Promise<ms.Consumer>>();
  /** The meeting's router on each worker it uses here; the first (the link's) is `place`. */
  readonly #routers = new Map<WorkerSlot, Promise<PeerPlace>>();
  readonly #pipes = new Pipes();
  /** Participants the home gave up on before their add finished here (it timed out there). */
  readonly #abandoned = new Set<ParticipantId>();
  #pipe: Promise<ms.PipeTransport> | undefined;
  #linkPort: number | undefined;
  #closed = false;
  readonly initialOutgoingBitrate: number;
  readonly listen: MediaListen;

  private constructor(
    readonly home: NodeId,
    readonly meetingId: string,
    /** The first router: the link to the home is on it. */
    readonly place: PeerPlace,
    private readonly pool: WorkerPool,
    private readonly bus: CascadeBus,
    private readonly options: ShardOptions,
    private readonly log: Logger,
    private readonly onClosed: () => void,
  ) {
    this.initialOutgoingBitrate = options.initialOutgoingBitrate;
    this.listen = options.listen;
    this.#routers.set(place.slot, Promise.resolve(place));
    this.#watch(place);
  }

  static async create(home: NodeId, meetingId: string, pool: WorkerPool, bus: CascadeBus, options: ShardOptions, log: Logger, onClosed: () => void): Promise<Shard> {
    const place = await openRouter(pool.leastLoaded(), { meetingId, home });
    return new Shard(home, meetingId, place, pool, bus, options, log.child({ meetingId, home }), onClosed);
  }

  /** The workers this shard uses here. */
  get slots(): WorkerSlot[] {
    return [...this.#routers.keys()];
  }

  get closed(): boolean {
    return this.#closed;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** A participant whose media the home placed here. */
  peer(id: string): Peer | undefined {
    return this.#peers.get(id as ParticipantId);
  }

  /** The local UDP port of the link to the home, once open. */
  get linkPort(): number | undefined {
    return this.#linkPort;
  }

  /** Producers of the home received over the link now. */
  get receivedCount(): number {
    return this.#received.size;
  }

  // ---- PeerHost: every change of a peer is reported home ----

  producerAdded(producer: ms.Producer<ProducerAppData>): void {
    this.#reportFor(producer.appData.peerId, 'producer-added', [producer.id]);
  }

  producerChanged(producer: ms.Producer<ProducerAppData>): void {
    this.#reportFor(producer.appData.peerId, 'changed', []);
  }

  receiverReady(peer: Peer): void {
    this.#report(peer, 'receiver-ready', []);
  }

  peerClosed(peer: Peer): void {
    this.#peers.delete(peer.id);
  }

  // ---- what the home asks ----

  /** Places a participant on a worker with room for the `expected` consumers the home's policy gives it. */
  async addPeer(peerId: ParticipantId, rtpCapabilities: ms.RtpCapabilities, expected: number): Promise<PeerState> {
    this.#assertOpen();
    if (this.#peers.has(peerId)) throw new AppError('ALREADY_JOINED', 'Already joined');
    let peer: Peer | undefined;
    const claim: ExpectedConsumers = { get outstanding() { return Math.max(0, expected - (peer?.consumers.length ?? 0)); } };
    const slot = placeParticipant({ expected, budget: this.options.consumersPerWorker, meeting: this.slots, live: this.pool.live });
    slot.expected.add(claim);
    let place: PeerPlace;
    try {
      place = await this.#routerOn(slot);
      this.#assertOpen();
      if (this.#peers.has(peerId)) throw new AppError('ALREADY_JOINED', 'Already joined');
      if (this.#abandoned.delete(peerId)) throw new AppError('MEETING_CLOSED', 'The home node gave this participant up');
    } catch (error) {
      slot.expected.delete(claim);
      throw error;
    }
    peer = new Peer(peerId, rtpCapabilities, this, place);
    peer.once('closed', () => slot.expected.delete(claim));
    this.#peers.set(peerId, peer);
    for (const event of PEER_EVENTS) peer.on(event, (...args: unknown[]) => this.#report(peer, event, args));
    return peerState(peer);
  }

  async call(peerId: ParticipantId, call: PeerOp): Promise<PeerCallResult> {
    const peer = this.#peer(peerId);
    const result = await this.#run(peer, call);
    return { result: result ?? null, state: peerState(peer) };
  }

  closePeer(peerId: ParticipantId): void {
    const peer = this.#peers.get(peerId);
    if (peer) peer.close();
    // Its add may still be on its way here (this message overtook nothing: the add is awaiting a router).
    else this.#abandoned.add(peerId);
  }

  /** The link's end here, connected to the home's. */
  async openLink(remote: PipeEnd): Promise<PipeEnd> {
    this.#assertOpen();
    if (this.#pipe) throw new AppError('CONFLICT', 'The link to the home node is already open');
    this.#pipe = createPipe(this.place.router, this.listen);
    const pipe = await this.#pipe;
    await connectPipe(pipe, remote);
    this.#linkPort = pipe.tuple.localPort;
    return pipeEnd(pipe);
  }

  /** A producer of the home, for peers here to consume. */
  async receive(offer: ProducerOffer): Promise<void> {
    const pipe = await this.#linked();
    if (this.#received.has(offer.producerId)) throw new AppError('CONFLICT', `Producer ${offer.producerId} is already here`);
    const received = receiveAcross(pipe, offer);
    this.#received.set(offer.producerId, received);
    received.catch(() => this.#received.delete(offer.producerId));
    const producer = await received;
    producer.observer.once('close', () => {
      if (this.#received.get(offer.producerId) === received) this.#received.delete(offer.producerId);
    });
  }

  async closeReceived({ producerId }: ProducerRef): Promise<void> {
    const received = this.#received.get(producerId);
    this.#received.delete(producerId);
    (await received?.catch(() => undefined))?.close();
  }

  async pauseReceived({ producerId, paused }: ProducerPause): Promise<void> {
    const producer = await this.#received.get(producerId)?.catch(() => undefined);
    if (!producer || producer.closed) return;
    if (paused) await producer.pause();
    else await producer.resume();
  }

  /** A producer of a peer here, sent to the home; its pauses and its end follow it there. */
  async send({ producerId }: ProducerRef): Promise<ProducerOffer> {
    const pipe = await this.#linked();
    const { producer, router } = this.#local(producerId);
    if (this.#sent.has(producerId)) throw new AppError('CONFLICT', `Producer ${producerId} is already sent home`);
    let offer: ProducerOffer | undefined;
    const across = async () => {
      const sent = await sendAcross(pipe, producer, this.meetingId);
      offer = sent.offer;
      return sent.consumer;
    };
    // From its own router to the link's first, for as long as it is sent.
    const consumer = (router === this.place.router ? across() : this.#pipes.use(producer, router, this.place.router, across)).then((c) => {
      if (!c || !offer) throw new AppError('CONFLICT', `Producer ${producerId} closed while being sent home`);
      return c;
    });
    this.#sent.set(producerId, consumer);
    consumer.catch(() => this.#sent.delete(producerId));
    const c = await consumer;
    const ref = { meetingId: this.meetingId, producerId };
    c.on('producerpause', () => this.bus.notify(this.home, M.importPause, { ...ref, paused: true }));
    c.on('producerresume', () => this.bus.notify(this.home, M.importPause, { ...ref, paused: false }));
    c.observer.once('close', () => {
      if (this.#sent.get(producerId) === consumer) this.#sent.delete(producerId);
      if (!this.#closed) this.bus.notify(this.home, M.importClosed, ref);
    });
    return offer!;
  }

  async closeSent({ producerId }: ProducerRef): Promise<void> {
    const sent = this.#sent.get(producerId);
    this.#sent.delete(producerId);
    (await sent?.catch(() => undefined))?.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of [...this.#peers.values()]) peer.close();
    this.#pipes.close();
    for (const routing of this.#routers.values()) void routing.then((p) => p.router.close(), () => {});
    this.onClosed();
  }

  async #run(peer: Peer, call: PeerOp): Promise<unknown> {
    switch (call.op) {
      case 'createTransport':
        return peer.createTransport(call.direction, call.forceTcp ? { forceTcp: true } : {});
      case 'createIngestTransport':
        return peer.createIngestTransport();
      case 'connectTransport':
        return peer.connectTransport(call.transportId, call.dtlsParameters);
      case 'restartIce':
        return peer.restartIce(call.transportId);
      case 'produce':
        return peer.produce(call);
      case 'pauseProducer':
        return peer.pauseProducer(call.producerId);
      case 'resumeProducer':
        return peer.resumeProducer(call.producerId);
      case 'closeProducer':
        return peer.closeProducer(call.producerId);
      case 'holdAudio':
        return peer.holdAudio(call.held, { resume: call.resume });
      case 'consume': {
        const { producer, router } = await this.#producer(call.producerId);
        const target = peer.place.router;
        const take = () => peer.consume(producer, call.layer);
        const consumer = router === target ? await take() : await this.#pipes.use(producer, router, target, take);
        return consumer ? { consumerId: consumer.id } : null;
      }
      case 'closeConsumer':
        return peer.closeConsumer(call.consumerId);
      case 'setConsumerLayer': {
        const consumer = peer.consumers.find((c) => c.id === call.consumerId);
        return consumer ? peer.setConsumerLayer(consumer, call.layer) : undefined;
      }
      case 'resumeConsumer':
        return peer.resumeConsumer(call.consumerId);
      case 'announceLayers':
        return peer.announceLayers(call.producerId, call.layer);
      case 'stats':
        return peer.stats();
      case 'producerStats':
        return (peer.producers.find((p) => p.id === call.producerId)?.getStats() ?? Promise.resolve([])).catch(() => []);
      case 'consumerStats':
        return (peer.consumers.find((c) => c.id === call.consumerId)?.getStats() ?? Promise.resolve([])).catch(() => []);
      default:
        throw new AppError('BAD_REQUEST', `Unknown peer operation "${(call as { op: string }).op}"`);
    }
  }

  /** A producer peers here can consume, and its router: a local peer's, or one received from the home (on the link's router). */
  async #producer(producerId: string): Promise<{ producer: ms.Producer<ProducerAppData>; router: ms.Router }> {
    const received = this.#received.get(producerId);
    if (received) return { producer: await received, router: this.place.router };
    return this.#local(producerId);
  }

  #local(producerId: string): { producer: ms.Producer<ProducerAppData>; router: ms.Router } {
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.find((p) => p.id === producerId);
      if (producer) return { producer, router: peer.place.router };
    }
    throw notFound(`No producer ${producerId} on this node`);
  }

  /** The meeting's router on `slot`, created on first use. */
  #routerOn(slot: WorkerSlot): Promise<PeerPlace> {
    const existing = this.#routers.get(slot);
    if (existing) return existing;
    const created = openRouter(slot, { meetingId: this.meetingId, home: this.home }).then((place) => {
      if (this.#closed) {
        place.router.close();
        throw new AppError('MEETING_CLOSED', 'The meeting media has closed on this node');
      }
      this.#watch(place);
      return place;
    });
    this.#routers.set(slot, created);
    created.catch(() => {
      if (this.#routers.get(slot) === created) this.#routers.delete(slot);
    });
    return created;
  }

  /** A worker died: the link's takes the whole shard; another, only the peers placed on it (their pages join again). */
  #watch(place: PeerPlace): void {
    place.router.on('workerclose', () => {
      this.log.warn("a worker under a meeting's media here died; its participants are dropped", { worker: place.slot.index });
      if (place === this.place) return this.close();
      this.#routers.delete(place.slot);
      for (const peer of [...this.#peers.values()]) if (peer.place === place) peer.close();
    });
  }

  async #linked(): Promise<ms.PipeTransport> {
    this.#assertOpen();
    if (!this.#pipe) throw new AppError('CONFLICT', 'The link to the home node is not open');
    return this.#pipe;
  }

  #peer(peerId: ParticipantId): Peer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw notFound(`No participant ${peerId} on this node`);
    return peer;
  }

  #reportFor(peerId: ParticipantId, event: string, args: unknown[]): void {
    const peer = this.#peers.get(peerId);
    if (peer) this.#report(peer, event, args);
  }

  #report(peer: Peer, event: string, args: unknown[]): void {
    const report: PeerEventReport = { meetingId: this.meetingId, peerId: peer.id, event, args, state: peerState(peer) };
    this.bus.notify(this.home, M.peerEvent, report);
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'The meeting media has closed on this node');
  }
}

let snapshots = 0;

export function peerState(peer: Peer): PeerState {
  return {
    seq: ++snapshots,
    closed: peer.closed,
    canReceive: peer.canReceive,
    audioHeld: peer.audioHeld,
    linkMode: peer.linkMode,
    producers: peer.producers.map((p) => ({ id: p.id, kind: p.kind, source: p.appData.source, paused: p.paused, score: p.score.map((s) => s.score) })),
    consumers: peer.consumers.map((c) => ({
      id: c.id,
      producerId: c.producerId,
      kind: c.kind,
      type: c.type,
      paused: c.paused,
      spatialLayer: c.preferredLayers?.spatialLayer ?? null,
    })),
  };
}
