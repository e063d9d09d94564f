import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MeetingId, ParticipantId } from '../protocol/ids.js';
import { mediaCodecs } from './codecs.js';
import { Peer, type PeerHost, type ProducerAppData } from './peer.js';
import type { WorkerSlot } from './worker-pool.js';

type RoomEvents = {
  'active-speaker': [ParticipantId | null];
  closed: [];
};

/**
 * The media of one meeting: a router on one worker, its peers, and the active speaker.
 * Policy for now: every peer receives every other peer's media (the 240-site policy replaces this).
 */
export class Room extends TypedEmitter<RoomEvents> implements PeerHost {
  readonly #peers = new Map<ParticipantId, Peer>();
  #holders = 0;
  #closed = false;
  #speaker: ms.Producer | undefined;

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
    for (const peer of this.#peers.values()) {
      if (peer.id !== producer.appData.peerId) this.#consume(peer, producer);
    }
  }

  receiverReady(peer: Peer): void {
    for (const other of this.#peers.values()) {
      if (other === peer) continue;
      for (const producer of other.producers) this.#consume(peer, producer);
    }
  }

  peerClosed(peer: Peer): void {
    this.#peers.delete(peer.id);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.router.close();
    this.emit('closed');
  }

  #consume(peer: Peer, producer: ms.Producer<ProducerAppData>): void {
    peer.consume(producer).catch((error: Error) => {
      if (!peer.closed && !producer.closed) this.log.warn('consume failed', { peer: peer.id, producer: producer.id, error: error.message });
    });
  }
}
