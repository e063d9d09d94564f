/**
 * A participant of a meeting served here whose media lives on another node (the cascade): every
 * operation is a request to that node's shard, and the shard's reports keep this mirror of its
 * producers and consumers current, so the room and signaling treat it like a local Peer.
 */
import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import { AppError } from '../../lib/errors.js';
import type { NodeId, ParticipantId, ProducerId, TransportId } from '../../protocol/ids.js';
import type { MediaSource } from '../../protocol/messages.js';
import type { TransportInfo } from '../../protocol/events.js';
import type { LinkMode } from '../link-guard.js';
import type { ConsumerView, MediaPeer, ProducerView } from '../media-peer.js';
import type { Direction, PeerEvents, ProducerAppData } from '../peer.js';
import type { SpatialLayer } from '../policy.js';
import type { CascadeBus } from './bus.js';
import { M, type ConsumerState, type PeerCallResult, type PeerEventReport, type PeerOp, type PeerState, type ProducerState } from './messages.js';

/** What a remote peer tells its room. */
export interface RemotePeerHost {
  producerAdded(producer: ProducerView): void;
  producerChanged(producer: ProducerView): void;
  receiverReady(peer: MediaPeer): void;
  peerClosed(peer: MediaPeer): void;
}

class RemoteProducer implements ProducerView {
  closed = false;
  readonly appData: ProducerAppData;
  constructor(
    public state: ProducerState,
    peerId: ParticipantId,
    private readonly stats: () => Promise<ms.ProducerStat[]>,
  ) {
    this.appData = { peerId, source: state.source };
  }
  get id() {
    return this.state.id;
  }
  get kind() {
    return this.state.kind;
  }
  get paused() {
    return this.state.paused;
  }
  get score() {
    return this.state.score.map((score) => ({ score }));
  }
  getStats() {
    return this.stats();
  }
}

class RemoteConsumer implements ConsumerView {
  closed = false;
  readonly observer = new EventEmitter();
  constructor(
    public state: ConsumerState,
    private readonly stats: () => Promise<(ms.ConsumerStat | ms.ProducerStat)[]>,
  ) {}
  get id() {
    return this.state.id;
  }
  get producerId() {
    return this.state.producerId;
  }
  get kind() {
    return this.state.kind;
  }
  get type() {
    return this.state.type;
  }
  get paused() {
    return this.state.paused;
  }
  get preferredLayers() {
    return this.state.spatialLayer === null ? undefined : { spatialLayer: this.state.spatialLayer };
  }
  getStats() {
    return this.stats();
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.observer.emit('close');
  }
}


export class RemotePeer extends TypedEmitter<PeerEvents> implements MediaPeer {
  #state: PeerState;
  readonly #producers = new Map<string, RemoteProducer>();
  readonly #consumers = new Map<string, RemoteConsumer>();
  /** Producers a consume is on its way for. */
  readonly #consuming = new Set<string>();
  #closed = false;

  private constructor(
    readonly id: ParticipantId,
    readonly node: NodeId,
    private readonly meetingId: string,
    private readonly bus: CascadeBus,
    private readonly host: RemotePeerHost,
    state: PeerState,
  ) {
    super();
    this.#state = { ...state, seq: 0 };
    this.#sync(state);
  }

  /** `expected`: the consumers the policy will give it, so its node places it on a worker with room. */
  static async create(
    id: ParticipantId,
    node: NodeId,
    meetingId: string,
    rtpCapabilities: ms.RtpCapabilities,
    expected: number,
    bus: CascadeBus,
    host: RemotePeerHost,
  ): Promise<RemotePeer> {
    let state: PeerState;
    try {
      state = await bus.call<PeerState>(node, M.peerAdd, { meetingId, peerId: id, rtpCapabilities, expected });
    } catch (error) {
      // Too late rather than refused, maybe: the node must not keep a participant the home gave up on.
      bus.notify(node, M.peerClose, { meetingId, peerId: id });
      throw error;
    }
    return new RemotePeer(id, node, meetingId, bus, host, state);
  }

  get closed(): boolean {
    return this.#closed;
  }
  get producers(): RemoteProducer[] {
    return [...this.#producers.values()];
  }
  get consumers(): RemoteConsumer[] {
    return [...this.#consumers.values()];
  }
  get canReceive(): boolean {
    return this.#state.canReceive;
  }
  get audioHeld(): boolean {
    return this.#state.audioHeld;
  }
  get linkMode(): LinkMode {
    return this.#state.linkMode;
  }

  consumes(producerId: string): boolean {
    return this.#consuming.has(producerId) || this.consumers.some((c) => c.producerId === producerId);
  }

  createTransport(direction: Direction, options: { forceTcp?: boolean } = {}): Promise<TransportInfo> {
    return this.#call({ op: 'createTransport', direction, ...(options.forceTcp ? { forceTcp: true } : {}) });
  }
  createIngestTransport(): Promise<{ id: TransportId; ip: string; port: number }> {
    return this.#call({ op: 'createIngestTransport' });
  }
  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    await this.#call({ op: 'connectTransport', transportId, dtlsParameters });
  }
  restartIce(transportId: string): Promise<ms.IceParameters> {
    return this.#call({ op: 'restartIce', transportId });
  }
  produce(req: { transportId: string; kind: ms.MediaKind; source: MediaSource; rtpParameters: ms.RtpParameters }): Promise<ProducerId> {
    return this.#call({ op: 'produce', transportId: req.transportId, kind: req.kind, source: req.source, rtpParameters: req.rtpParameters });
  }
  async pauseProducer(producerId: string): Promise<void> {
    await this.#call({ op: 'pauseProducer', producerId });
  }
  async resumeProducer(producerId: string): Promise<void> {
    await this.#call({ op: 'resumeProducer', producerId });
  }
  async closeProducer(producerId: string): Promise<void> {
    await this.#call({ op: 'closeProducer', producerId });
  }
  async holdAudio(held: boolean, options: { resume?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    await this.#call({ op: 'holdAudio', held, resume: options.resume === true });
  }

  /** Consumes a producer present on the peer's node (its own node's, or exported there); a view of the consumer, or undefined. */
  async consume(producerId: string, layer: SpatialLayer | null): Promise<RemoteConsumer | undefined> {
    if (this.#closed || !this.canReceive || this.consumes(producerId)) return undefined;
    this.#consuming.add(producerId);
    try {
      const made = await this.#call<{ consumerId: string } | null>({ op: 'consume', producerId, layer });
      const consumer = made ? this.#consumers.get(made.consumerId) : undefined;
      return consumer && !consumer.closed ? consumer : undefined;
    } finally {
      this.#consuming.delete(producerId);
    }
  }

  closeConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) return;
    this.#consumers.delete(consumerId);
    consumer.close();
    this.#call({ op: 'closeConsumer', consumerId }).catch(() => {});
  }

  async setConsumerLayer(consumer: ConsumerView, layer: SpatialLayer): Promise<void> {
    if (consumer.closed || consumer.preferredLayers?.spatialLayer === layer) return;
    await this.#call({ op: 'setConsumerLayer', consumerId: consumer.id, layer });
  }

  announceLayers(producerId: string, layer: SpatialLayer | null): void {
    if (this.#closed || !this.#producers.has(producerId)) return;
    this.#call({ op: 'announceLayers', producerId, layer }).catch(() => {});
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.#call({ op: 'resumeConsumer', consumerId });
  }

  /** The shard's transports' stats. */
  stats(): Promise<unknown> {
    return this.#call({ op: 'stats' });
  }

  /** A report from the peer's node: its new state, and the Peer event to pass on. */
  report(report: PeerEventReport): void {
    if (this.#closed) return;
    const added = this.#sync(report.state);
    switch (report.event) {
      case 'producer-added':
        for (const producer of added) this.host.producerAdded(producer);
        return;
      case 'changed':
        for (const producer of this.producers) this.host.producerChanged(producer);
        return;
      case 'receiver-ready':
        this.host.receiverReady(this);
        return;
      case 'closed':
        this.#close(false);
        return;
      default:
        this.emit(report.event as 'consumer-closed', ...(report.args as [never]));
    }
  }

  close(): void {
    this.#close(true);
  }

  /** The node is gone: the peer closes here without a word to it. */
  lost(): void {
    this.#close(false);
  }

  #close(tellNode: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (tellNode) this.bus.notify(this.node, M.peerClose, { meetingId: this.meetingId, peerId: this.id });
    for (const producer of this.#producers.values()) producer.closed = true;
    for (const consumer of this.#consumers.values()) consumer.close();
    this.#producers.clear();
    this.#consumers.clear();
    this.host.peerClosed(this);
    this.emit('closed');
  }

  async #call<T>(call: PeerOp): Promise<T> {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'This participant has left');
    const { result, state } = await this.bus.call<PeerCallResult>(this.node, M.peerCall, { meetingId: this.meetingId, peerId: this.id, call });
    if (!this.#closed) this.#sync(state);
    return result as T;
  }

  /** Takes the node's state; returns the producers new to this mirror. */
  #sync(state: PeerState): RemoteProducer[] {
    if (state.seq < this.#state.seq) return [];
    this.#state = state;
    const added: RemoteProducer[] = [];
    const producers = new Set(state.producers.map((p) => p.id));
    for (const [id, producer] of this.#producers) {
      if (producers.has(id)) continue;
      producer.closed = true;
      this.#producers.delete(id);
    }
    for (const p of state.producers) {
      const existing = this.#producers.get(p.id);
      if (existing) existing.state = p;
      else {
        const producer = new RemoteProducer(p, this.id, () => this.#call({ op: 'producerStats', producerId: p.id }));
        this.#producers.set(p.id, producer);
        added.push(producer);
      }
    }
    const consumers = new Set(state.consumers.map((c) => c.id));
    for (const [id, consumer] of this.#consumers) {
      if (consumers.has(id)) continue;
      this.#consumers.delete(id);
      consumer.close();
    }
    for (const c of state.consumers) {
      const existing = this.#consumers.get(c.id);
      if (existing) existing.state = c;
      else this.#consumers.set(c.id, new RemoteConsumer(c, () => this.#call({ op: 'consumerStats', consumerId: c.id })));
    }
    return added;
  }
}
