import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { AppError, notFound } from '../lib/errors.js';
import type { ConsumerId, ParticipantId, ProducerId, TransportId } from '../protocol/ids.js';
import type { MediaSource } from '../protocol/messages.js';
import type { NewConsumer, TransportInfo } from '../protocol/events.js';

export type Direction = 'send' | 'recv';

/** What a producer carries, so receivers know whose media it is. */
export interface ProducerAppData extends ms.AppData {
  peerId: ParticipantId;
  source: MediaSource;
}

/** What a peer needs from its room: the parent side of the cascade. */
export interface PeerHost {
  readonly router: ms.Router;
  readonly webRtcServer: ms.WebRtcServer;
  readonly initialOutgoingBitrate: number;
  producerAdded(producer: ms.Producer<ProducerAppData>): void;
  /** The peer has a receive transport: it can now consume what others produce. */
  receiverReady(peer: Peer): void;
  peerClosed(peer: Peer): void;
}

type PeerEvents = {
  /** A consumer was created paused; resume it with resumeConsumer() once the client is ready. */
  'consumer-created': [NewConsumer];
  'consumer-closed': [ConsumerId];
  'consumer-paused': [ConsumerId];
  'consumer-resumed': [ConsumerId];
  closed: [];
};

interface TransportEntry {
  transport: ms.WebRtcTransport;
  direction: Direction;
  connected: boolean;
}

/** One participant's media: its transports, producers and consumers. Knows nothing of sockets. */
export class Peer extends TypedEmitter<PeerEvents> {
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, ms.Consumer>();
  readonly #pendingSources = new Set<MediaSource>();
  #closed = false;

  constructor(
    readonly id: ParticipantId,
    readonly rtpCapabilities: ms.RtpCapabilities,
    private readonly host: PeerHost,
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get producers(): ms.Producer<ProducerAppData>[] {
    return [...this.#producers.values()];
  }

  get consumers(): ms.Consumer[] {
    return [...this.#consumers.values()];
  }

  /** One transport per direction: asking again replaces the old one (a client reconnecting its media). */
  async createTransport(direction: Direction, options: { forceTcp?: boolean } = {}): Promise<TransportInfo> {
    this.#assertOpen();
    const transport = await this.host.router.createWebRtcTransport({
      webRtcServer: this.host.webRtcServer,
      enableUdp: !options.forceTcp,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: this.host.initialOutgoingBitrate,
      appData: { peerId: this.id, direction },
    });
    if (this.#closed) {
      transport.close();
      throw new AppError('MEETING_CLOSED', 'The participant left while the transport was being created');
    }
    for (const [id, entry] of this.#transports) {
      if (entry.direction === direction) {
        this.#transports.delete(id);
        entry.transport.close();
      }
    }
    this.#transports.set(transport.id, { transport, direction, connected: false });
    transport.on('routerclose', () => this.#transports.delete(transport.id));
    if (direction === 'recv') this.host.receiverReady(this);
    return {
      id: transport.id as TransportId,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const entry = this.#transport(transportId);
    if (entry.connected) throw new AppError('CONFLICT', 'Transport already connected');
    entry.connected = true;
    try {
      await entry.transport.connect({ dtlsParameters });
    } catch (error) {
      entry.connected = false;
      throw error;
    }
  }

  async restartIce(transportId: string): Promise<ms.IceParameters> {
    return this.#transport(transportId).transport.restartIce();
  }

  async produce(req: {
    transportId: string;
    kind: ms.MediaKind;
    source: MediaSource;
    rtpParameters: ms.RtpParameters;
  }): Promise<ProducerId> {
    const entry = this.#transport(req.transportId);
    if (entry.direction !== 'send') throw new AppError('BAD_REQUEST', 'Produce on a send transport');
    const expectedKind = req.source === 'mic' ? 'audio' : 'video';
    if (req.kind !== expectedKind) throw new AppError('BAD_REQUEST', `Source "${req.source}" carries ${expectedKind}`);
    const producing = [...this.#producers.values()].some((p) => p.appData.source === req.source);
    if (producing || this.#pendingSources.has(req.source)) throw new AppError('CONFLICT', `Already producing "${req.source}"`);
    // Reserved across the await, so a double click or a retry cannot produce the same source twice.
    this.#pendingSources.add(req.source);
    let producer: ms.Producer<ProducerAppData>;
    try {
      producer = await entry.transport.produce<ProducerAppData>({
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        appData: { peerId: this.id, source: req.source },
      });
    } finally {
      this.#pendingSources.delete(req.source);
    }
    if (this.#closed) {
      producer.close();
      throw new AppError('MEETING_CLOSED', 'The participant left while producing');
    }
    this.#producers.set(producer.id, producer);
    producer.on('transportclose', () => this.#producers.delete(producer.id));
    this.host.producerAdded(producer);
    return producer.id as ProducerId;
  }

  async pauseProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).pause();
  }

  async resumeProducer(producerId: string): Promise<void> {
    await this.#producer(producerId).resume();
  }

  closeProducer(producerId: string): void {
    const producer = this.#producer(producerId);
    this.#producers.delete(producerId);
    producer.close();
  }

  /** Consumes another peer's producer, paused, when this peer can receive it. */
  async consume(producer: ms.Producer<ProducerAppData>): Promise<void> {
    const recv = [...this.#transports.values()].find((e) => e.direction === 'recv')?.transport;
    if (this.#closed || !recv || producer.closed) return;
    if (!this.host.router.canConsume({ producerId: producer.id, rtpCapabilities: this.rtpCapabilities })) return;
    const consumer = await recv.consume({
      producerId: producer.id,
      rtpCapabilities: this.rtpCapabilities,
      paused: true,
      appData: { peerId: producer.appData.peerId, source: producer.appData.source },
    });
    if (this.#closed || recv.closed) {
      consumer.close();
      return;
    }
    const id = consumer.id as ConsumerId;
    this.#consumers.set(id, consumer);
    consumer.on('transportclose', () => this.#consumers.delete(id));
    consumer.on('producerclose', () => {
      this.#consumers.delete(id);
      this.emit('consumer-closed', id);
    });
    consumer.on('producerpause', () => this.emit('consumer-paused', id));
    consumer.on('producerresume', () => this.emit('consumer-resumed', id));
    this.emit('consumer-created', {
      consumerId: id,
      producerId: producer.id as ProducerId,
      participantId: producer.appData.peerId,
      kind: consumer.kind,
      source: producer.appData.source,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
    });
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw notFound(`No consumer ${consumerId}`);
    await consumer.resume();
  }

  async stats(): Promise<{ transports: ms.WebRtcTransportStat[][]; consumers: number; producers: number }> {
    const transports = await Promise.all([...this.#transports.values()].map((e) => e.transport.getStats()));
    return { transports, consumers: this.#consumers.size, producers: this.#producers.size };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a transport closes its producers and consumers, and others' consumers of those producers.
    for (const { transport } of this.#transports.values()) transport.close();
    this.#transports.clear();
    this.#producers.clear();
    this.#consumers.clear();
    this.host.peerClosed(this);
    this.emit('closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('MEETING_CLOSED', 'This participant has left');
  }

  #transport(transportId: string): TransportEntry {
    this.#assertOpen();
    const entry = this.#transports.get(transportId);
    if (!entry) throw notFound(`No transport ${transportId}`);
    return entry;
  }

  #producer(producerId: string): ms.Producer<ProducerAppData> {
    this.#assertOpen();
    const producer = this.#producers.get(producerId);
    if (!producer) throw notFound(`No producer ${producerId}`);
    return producer;
  }
}
