import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MeetingId, ParticipantId } from '../protocol/ids.js';
import { mediaCodecs } from './codecs.js';
import { Peer, type PeerHost, type ProducerAppData } from './peer.js';
import { openCall, type MediaPolicy, type Sender, type SpatialLayer } from './policy.js';
import type { WorkerSlot } from './worker-pool.js';

type RoomEvents = {
  'active-speaker': [ParticipantId | null];
  closed: [];
};

/**
 * The media of one meeting: a router on one worker, its peers, and the active speaker.
 * What each peer consumes is decided by a policy (sfu/policy.ts); the room makes it so.
 */
export class Room extends TypedEmitter<RoomEvents> implements PeerHost {
  readonly #peers = new Map<ParticipantId, Peer>();
  #holders = 0;
  #closed = false;
  #speaker: ms.Producer | undefined;
  #policy: MediaPolicy = openCall;
  /** Reconciliation runs one at a time; a change during a run asks for one more run. */
  #reconciling = false;
  #dirty = false;
  /** Resolves when no reconciliation is running, for callers (and tests) that need the media settled. */
  #idle: Promise<void> = Promise.resolve();

  private constructor(
    readonly meetingId: MeetingId,
    readonly router: ms.Router,
    readonly slot: WorkerSlot,
    readonly initialOutgoingBitrate: number,
    private readonly speakerObserver: ms.ActiveSpeakerObserver,
    private readonly log: Logger,
  ) {
    super();
    router.on('workerclose', () => this.close());
    speakerObserver.on('dominantspeaker', ({ producer }) => {
      this.#speaker = producer;
      this.emit('active-speaker', (producer.appData as ProducerAppData).peerId);
    });
  }

  static async create(meetingId: MeetingId, slot: WorkerSlot, initialOutgoingBitrate: number, log: Logger): Promise<Room> {
    // Counted before awaiting, so meetings opening at the same moment spread over the workers.
    slot.routers++;
    let router: ms.Router | undefined;
    try {
      router = await slot.worker.createRouter({ mediaCodecs, appData: { meetingId } });
      const observer = await router.createActiveSpeakerObserver({ interval: 300 });
      router.observer.once('close', () => slot.routers--);
      return new Room(meetingId, router, slot, initialOutgoingBitrate, observer, log.child({ meetingId }));
    } catch (error) {
      slot.routers--;
      router?.close();
      throw error;
    }
  }

  get webRtcServer(): ms.WebRtcServer {
    return this.slot.webRtcServer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get peers(): Peer[] {
    return [...this.#peers.values()];
  }

  /** A session holds the room from its first request; the room closes when the last holder lets go. */
  hold(): void {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'The meeting media has closed');
    this.#holders++;
  }

  release(): void {
    if (--this.#holders <= 0) this.close();
  }

  addPeer(id: ParticipantId, rtpCapabilities: ms.RtpCapabilities): Peer {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'The meeting media has closed');
    if (this.#peers.has(id)) throw new AppError('ALREADY_JOINED', 'Already joined');
    const peer = new Peer(id, rtpCapabilities, this);
    this.#peers.set(id, peer);
    return peer;
  }

  peer(id: ParticipantId): Peer | undefined {
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

  producerAdded(producer: ms.Producer<ProducerAppData>): void {
    if (producer.kind === 'audio') {
      this.speakerObserver.addProducer({ producerId: producer.id }).catch((error: Error) => {
        if (!producer.closed) this.log.warn('active speaker observer refused a producer', { error: error.message });
      });
      // The observer says nothing when the speaker's producer goes: nobody is speaking then.
      producer.observer.once('close', () => {
        if (this.#speaker !== producer || this.#closed) return;
        this.#speaker = undefined;
        this.emit('active-speaker', null);
      });
    }
    this.#reconcile();
  }

  producerChanged(): void {
    this.#reconcile();
  }

  receiverReady(): void {
    this.#reconcile();
  }

  peerClosed(peer: Peer): void {
    this.#peers.delete(peer.id);
    this.#reconcile();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.router.close();
    this.emit('closed');
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
    const producers = new Map<string, ms.Producer<ProducerAppData>>();
    const senders: Sender[] = peers.map((peer) => ({
      id: peer.id,
      producers: peer.producers.map((p) => {
        producers.set(p.id, p);
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
        const producer = producers.get(producerId);
        if (producer && !peer.consumes(producerId)) work.push(this.#settle(peer, producerId, peer.consume(producer, layer)));
      }
    }
    await Promise.all(work);
    this.#dynacast(peers);
  }

  /** A consume or layer change that fails because someone just left is normal; anything else is logged. */
  async #settle(peer: Peer, producerId: string, step: Promise<void>): Promise<void> {
    try {
      await step;
    } catch (error) {
      if (!peer.closed && !this.#closed) this.log.warn('consume failed', { peer: peer.id, producer: producerId, error: (error as Error).message });
    }
  }

  /** Dynacast: each sender hears the highest layer anyone consumes of each video producer. */
  #dynacast(peers: Peer[]): void {
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
