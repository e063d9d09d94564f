/**
 * A media node's part of a meeting served by another node (the home): one router here, the
 * participants whose media the home placed here (real Peers), and one pipe link to the home that
 * carries the producers either side watches of the other. The home decides everything; the shard
 * does it and reports every change of its peers.
 */
import type { types as ms } from 'mediasoup';
import { AppError, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { NodeId, ParticipantId } from '../../protocol/ids.js';
import { mediaCodecs } from '../codecs.js';
import { Peer, type PeerHost, type PeerPlace, type ProducerAppData } from '../peer.js';
import type { WorkerPool } from '../worker-pool.js';
import type { CascadeBus } from './bus.js';
import { M, type PeerCallResult, type PeerEventReport, type PeerOp, type PeerState, type PipeEnd, type ProducerOffer, type ProducerPause, type ProducerRef } from './messages.js';
import { connectPipe, createPipe, pipeEnd, receiveAcross, sendAcross, type PipeListen } from './pipe-link.js';

export interface ShardOptions extends PipeListen {
  initialOutgoingBitrate: number;
}

const PEER_EVENTS = ['consumer-created', 'consumer-closed', 'consumer-paused', 'consumer-resumed', 'layers-needed', 'link-mode', 'closed'] as const;

export class Shard implements PeerHost {
  readonly #peers = new Map<ParticipantId, Peer>();
  /** The home's producers received over the link, by id. */
  readonly #received = new Map<string, Promise<ms.Producer<ProducerAppData>>>();
  /** This node's producers sent to the home: their pipe consumers on the link. */
  readonly #sent = new Map<string, Promise<ms.Consumer>>();
  #pipe: Promise<ms.PipeTransport> | undefined;
  #closed = false;
  readonly initialOutgoingBitrate: number;
  readonly listenIp: string;
  readonly announcedAddress: string | undefined;

  private constructor(
    readonly home: NodeId,
    readonly meetingId: string,
    readonly place: PeerPlace,
    private readonly bus: CascadeBus,
    options: ShardOptions,
    private readonly log: Logger,
    private readonly onClosed: () => void,
  ) {
    this.initialOutgoingBitrate = options.initialOutgoingBitrate;
    this.listenIp = options.listenIp;
    this.announcedAddress = options.announcedAddress;
    place.router.on('workerclose', () => this.close());
  }

  static async create(home: NodeId, meetingId: string, pool: WorkerPool, bus: CascadeBus, options: ShardOptions, log: Logger, onClosed: () => void): Promise<Shard> {
    const slot = pool.leastLoaded();
    slot.routers++;
    let router: ms.Router;
    try {
      router = await slot.worker.createRouter({ mediaCodecs, appData: { meetingId, home } });
    } catch (error) {
      slot.routers--;
      throw error;
    }
    router.observer.once('close', () => slot.routers--);
    return new Shard(home, meetingId, { router, slot }, bus, options, log.child({ meetingId, home }), onClosed);
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

  addPeer(peerId: ParticipantId, rtpCapabilities: ms.RtpCapabilities): PeerState {
    this.#assertOpen();
    if (this.#peers.has(peerId)) throw new AppError('ALREADY_JOINED', 'Already joined');
    const peer = new Peer(peerId, rtpCapabilities, this, this.place);
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
    this.#peers.get(peerId)?.close();
  }

  /** The link's end here, connected to the home's. */
  async openLink(remote: PipeEnd): Promise<PipeEnd> {
    this.#assertOpen();
    if (this.#pipe) throw new AppError('CONFLICT', 'The link to the home node is already open');
    this.#pipe = createPipe(this.place.router, this);
    const pipe = await this.#pipe;
    await connectPipe(pipe, remote);
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
    const producer = this.#local(producerId);
    if (this.#sent.has(producerId)) throw new AppError('CONFLICT', `Producer ${producerId} is already sent home`);
    const sending = sendAcross(pipe, producer, this.meetingId);
    const consumer = sending.then((s) => s.consumer);
    this.#sent.set(producerId, consumer);
    consumer.catch(() => this.#sent.delete(producerId));
    const { consumer: c, offer } = await sending;
    const ref = { meetingId: this.meetingId, producerId };
    c.on('producerpause', () => this.bus.notify(this.home, M.importPause, { ...ref, paused: true }));
    c.on('producerresume', () => this.bus.notify(this.home, M.importPause, { ...ref, paused: false }));
    c.observer.once('close', () => {
      if (this.#sent.get(producerId) === consumer) this.#sent.delete(producerId);
      if (!this.#closed) this.bus.notify(this.home, M.importClosed, ref);
    });
    return offer;
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
    this.place.router.close();
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
        const consumer = await peer.consume(await this.#producer(call.producerId), call.layer);
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

  /** A producer peers here can consume: a local peer's, or one received from the home. */
  async #producer(producerId: string): Promise<ms.Producer<ProducerAppData>> {
    const received = this.#received.get(producerId);
    if (received) return received;
    return this.#local(producerId);
  }

  #local(producerId: string): ms.Producer<ProducerAppData> {
    for (const peer of this.#peers.values()) {
      const producer = peer.producers.find((p) => p.id === producerId);
      if (producer) return producer;
    }
    throw notFound(`No producer ${producerId} on this node`);
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
