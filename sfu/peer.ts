import type { types as ms } from 'mediasoup';
import { TypedEmitter } from '../lib/typed-emitter.js';
import { AppError, notFound } from '../lib/errors.js';
import type { ConsumerId, ParticipantId, ProducerId, TransportId } from '../protocol/ids.js';
import type { MediaSource } from '../protocol/messages.js';
import type { NewConsumer, TransportInfo } from '../protocol/events.js';
import type { SpatialLayer } from './policy.js';
import { LinkGuard, type LinkMode } from './link-guard.js';
import type { WorkerSlot } from './worker-pool.js';
import type { MediaPeer } from './media-peer.js';
import { plainListenInfo, type MediaListen } from './listen.js';

export type Direction = 'send' | 'recv';

/** What a producer carries, so receivers know whose media it is. */
export interface ProducerAppData extends ms.AppData {
  peerId: ParticipantId;
  source: MediaSource;
}

/** Where a peer's media lives: one router of its meeting, on one worker. */
export interface PeerPlace {
  readonly router: ms.Router;
  readonly slot: WorkerSlot;
}

/** What a peer needs from its room: the parent side of the cascade. */
export interface PeerHost {
  readonly initialOutgoingBitrate: number;
  /** Where plain RTP transports (ingest) listen. */
  readonly listen: MediaListen;
  producerAdded(producer: ms.Producer<ProducerAppData>): void;
  /** A producer was paused, resumed or closed: what others should receive may change. */
  producerChanged(producer: ms.Producer<ProducerAppData>): void;
  /** The peer has a receive transport: it can now consume what others produce. */
  receiverReady(peer: Peer): void;
  peerClosed(peer: Peer): void;
}

export type PeerEvents = {
  /** A consumer was created paused; resume it with resumeConsumer() once the client is ready. */
  'consumer-created': [NewConsumer];
  'consumer-closed': [ConsumerId];
  'consumer-paused': [ConsumerId];
  'consumer-resumed': [ConsumerId];
  /** Dynacast: the highest spatial layer anyone consumes of this peer's video producer (null: nobody). */
  'layers-needed': [ProducerId, SpatialLayer | null];
  /** The receive link got too weak for any video (audio only), or recovered (full). */
  'link-mode': [LinkMode];
  closed: [];
};

interface TransportEntry {
  transport: ms.WebRtcTransport | ms.PlainTransport;
  direction: Direction;
  connected: boolean;
}

/** Keyframe requests per consumer are spaced at least this far apart. */
const KEYFRAME_INTERVAL_MS = 1000;

/** One participant's media: its transports, producers and consumers. Knows nothing of sockets. */
export class Peer extends TypedEmitter<PeerEvents> implements MediaPeer {
  readonly #transports = new Map<string, TransportEntry>();
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly #consumers = new Map<string, ms.Consumer>();
  readonly #pendingSources = new Set<MediaSource>();
  /** Producers a consumer is being created for, so two reconciliations never consume one twice. */
  readonly #consuming = new Set<string>();
  readonly #lastKeyFrame = new WeakMap<ms.Consumer, number>();
  readonly #layersAnnounced = new Map<string, SpatialLayer | null>();
  #audioHeld = false;
  /** The last release of the hold gave the floor: a microphone born held comes back on. */
  #releasedToSpeak = false;
  /** Video consumers this peer's weak link paused; resumed when it recovers. */
  readonly #linkPaused = new Set<ms.Consumer>();
  readonly #link = new LinkGuard();
  #holding: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly id: ParticipantId,
    readonly rtpCapabilities: ms.RtpCapabilities,
    private readonly host: PeerHost,
    /** The router (and worker) placement gave this peer: its transports, producers and consumers are there. */
    readonly place: PeerPlace,
  ) {
    super();
    this.#link.on('changed', (mode) => this.#applyLinkMode(mode));
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

  /** It has a receive transport, so it can consume. */
  get canReceive(): boolean {
    return [...this.#transports.values()].some((e) => e.direction === 'recv');
  }

  /** Whether the server holds this peer's microphone paused (muted by the chair). */
  get audioHeld(): boolean {
    return this.#audioHeld;
  }

  /** The consumer of a producer, or whether one is being created. */
  consumes(producerId: string): boolean {
    return this.#consuming.has(producerId) || this.consumers.some((c) => c.producerId === producerId);
  }

  /** One transport per direction: asking again replaces the old one (a client reconnecting its media). */
  async createTransport(direction: Direction, options: { forceTcp?: boolean } = {}): Promise<TransportInfo> {
    this.#assertOpen();
    const transport = await this.place.router.createWebRtcTransport({
      webRtcServer: this.place.slot.webRtcServer,
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
    if (direction === 'recv') {
      // Bandwidth estimates of what this peer receives, for the weak-link guard.
      transport.on('trace', (trace) => {
        if (trace.type === 'bwe') this.linkEstimate((trace.info as { availableBitrate?: number }).availableBitrate ?? 0);
      });
      await transport.enableTraceEvent(['bwe']).catch(() => {});
      this.host.receiverReady(this);
    }
    return {
      id: transport.id as TransportId,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A plain RTP send transport for an encoder that speaks RTP without WebRTC (and for tests that send
   * RTP from Node): comedia, so it learns the sender's address from the first packet; RTCP muxed.
   * Produce on it like on a WebRTC send transport.
   */
  async createIngestTransport(): Promise<{ id: TransportId; ip: string; port: number }> {
    this.#assertOpen();
    const transport = await this.place.router.createPlainTransport({
      listenInfo: plainListenInfo(this.host.listen),
      rtcpMux: true,
      comedia: true,
      appData: { peerId: this.id, direction: 'send' },
    });
    if (this.#closed) {
      transport.close();
      throw new AppError('MEETING_CLOSED', 'The participant left while the transport was being created');
    }
    this.#transports.set(transport.id, { transport, direction: 'send', connected: true });
    transport.on('routerclose', () => this.#transports.delete(transport.id));
    return { id: transport.id as TransportId, ip: transport.tuple.localAddress, port: transport.tuple.localPort };
  }

  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const entry = this.#webRtcTransport(transportId);
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
    return this.#webRtcTransport(transportId).transport.restartIce();
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
        // A muted site's microphone is born paused: not one packet gets through.
        paused: req.kind === 'audio' && this.#audioHeld,
        appData: { peerId: this.id, source: req.source },
      });
    } finally {
      this.#pendingSources.delete(req.source);
    }
    // In line with holds: one decided while the worker created this microphone did not see it,
    // and one decided from now on finds it registered.
    try {
      await this.#serially(async () => {
        if (!this.#closed && producer.kind === 'audio') await this.#matchHold(producer);
        if (this.#closed) return;
        this.#producers.set(producer.id, producer);
        producer.on('transportclose', () => this.#producers.delete(producer.id));
        producer.observer.once('close', () => this.#layersAnnounced.delete(producer.id));
      });
    } catch (error) {
      producer.close();
      throw error;
    }
    if (this.#closed) {
      producer.close();
      throw new AppError('MEETING_CLOSED', 'The participant left while producing');
    }
    this.host.producerAdded(producer);
    return producer.id as ProducerId;
  }

  async pauseProducer(producerId: string): Promise<void> {
    const producer = this.#producer(producerId);
    await producer.pause();
    this.host.producerChanged(producer);
  }

  /** A client may resume its own producer, except a microphone the server holds muted. */
  async resumeProducer(producerId: string): Promise<void> {
    const producer = this.#producer(producerId);
    if (producer.kind === 'audio' && this.#audioHeld) throw new AppError('FORBIDDEN', 'Your microphone is muted by the chair');
    await producer.resume();
    this.host.producerChanged(producer);
  }

  closeProducer(producerId: string): void {
    const producer = this.#producer(producerId);
    this.#producers.delete(producerId);
    producer.close();
    this.host.producerChanged(producer);
  }

  /**
   * Server-side mute: holding pauses the microphone and refuses the client's resume; letting go
   * resumes it only when `resume` is set (the floor was granted), otherwise the site unmutes itself.
   */
  async holdAudio(held: boolean, options: { resume?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    // Set at once, so a resume request racing this one (or a microphone being created) sees it.
    this.#audioHeld = held;
    this.#releasedToSpeak = !held && options.resume === true;
    await this.#serially(async () => {
      for (const p of this.producers) {
        if (p.kind !== 'audio' || p.closed) continue;
        // Unconditional: `paused` only changes once the worker answers, so it may be stale here.
        if (held) await p.pause();
        else if (options.resume) await p.resume();
        else continue;
        this.host.producerChanged(p);
      }
    });
  }

  /** A new microphone follows the hold as it stands now, not as it stood when it was requested. */
  async #matchHold(producer: ms.Producer<ProducerAppData>): Promise<void> {
    if (producer.closed) return;
    if (this.#audioHeld && !producer.paused) await producer.pause();
    else if (!this.#audioHeld && producer.paused && this.#releasedToSpeak) await producer.resume();
  }

  /** One after another, so the worker sees holds and releases in the order they were decided. */
  async #serially(step: () => Promise<void>): Promise<void> {
    const run = this.#holding.then(step, step);
    this.#holding = run.catch(() => {});
    await run;
  }

  /**
   * Consumes another peer's producer, paused, when this peer can receive it; video at `layer`.
   * The producer must be on this peer's router: its own, or piped there (same id).
   */
  async consume(producer: ms.Producer<ProducerAppData>, layer: SpatialLayer | null = null): Promise<ms.Consumer | undefined> {
    const recv = [...this.#transports.values()].find((e) => e.direction === 'recv')?.transport;
    if (this.#closed || !recv || producer.closed || this.consumes(producer.id)) return undefined;
    if (!this.place.router.canConsume({ producerId: producer.id, rtpCapabilities: this.rtpCapabilities })) return undefined;
    this.#consuming.add(producer.id);
    let consumer: ms.Consumer;
    try {
      consumer = await recv.consume({
        producerId: producer.id,
        rtpCapabilities: this.rtpCapabilities,
        paused: true,
        ...(layer === null ? {} : { preferredLayers: { spatialLayer: layer } }),
        appData: { peerId: producer.appData.peerId, source: producer.appData.source },
      });
    } finally {
      this.#consuming.delete(producer.id);
    }
    if (this.#closed || recv.closed) {
      consumer.close();
      return undefined;
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
    return consumer;
  }

  /** Closes a consumer the policy no longer wants; the client hears consumer-closed. */
  closeConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) return;
    this.#consumers.delete(consumerId);
    consumer.close();
    this.emit('consumer-closed', consumerId as ConsumerId);
  }

  /** Moves a simulcast consumer to another spatial layer, with a (rate-limited) keyframe to switch at once. */
  async setConsumerLayer(consumer: ms.Consumer, layer: SpatialLayer): Promise<void> {
    if (consumer.closed || (consumer.type !== 'simulcast' && consumer.type !== 'svc')) return;
    if (consumer.preferredLayers?.spatialLayer === layer) return;
    await consumer.setPreferredLayers({ spatialLayer: layer });
    this.requestKeyFrame(consumer);
  }

  /** At most one keyframe request per consumer per second: a burst of switches must not flood the sender. */
  requestKeyFrame(consumer: ms.Consumer): void {
    if (consumer.kind !== 'video' || consumer.closed || consumer.paused) return;
    const now = performance.now();
    if (now - (this.#lastKeyFrame.get(consumer) ?? -Infinity) < KEYFRAME_INTERVAL_MS) return;
    this.#lastKeyFrame.set(consumer, now);
    consumer.requestKeyFrame().catch(() => {});
  }

  /** Dynacast: tells this peer (once per change) the highest layer anyone consumes of its producer. */
  announceLayers(producerId: string, layer: SpatialLayer | null): void {
    if (this.#closed || !this.#producers.has(producerId)) return;
    if (this.#layersAnnounced.has(producerId) && this.#layersAnnounced.get(producerId) === layer) return;
    this.#layersAnnounced.set(producerId, layer);
    this.emit('layers-needed', producerId as ProducerId, layer);
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw notFound(`No consumer ${consumerId}`);
    // On a link too weak for video, a new video consumer waits for the link to recover.
    if (consumer.kind === 'video' && this.#link.mode === 'audio-only') {
      this.#linkPaused.add(consumer);
      return;
    }
    await consumer.resume();
    // The link fell to audio only while the worker resumed it: #applyLinkMode saw it still paused.
    if (consumer.kind === 'video' && this.#link.mode === 'audio-only' && !consumer.closed && !this.#linkPaused.has(consumer)) {
      this.#linkPaused.add(consumer);
      await consumer.pause();
    }
  }

  /** What the receive link gets now: all its video, or audio only. */
  get linkMode(): LinkMode {
    return this.#link.mode;
  }

  /** A bandwidth estimate (bits/s) of this peer's receive link; from the transport's bwe trace. */
  linkEstimate(availableBitrate: number, now?: number): void {
    if (!this.#closed) this.#link.sample(availableBitrate, now);
  }

  #applyLinkMode(mode: LinkMode): void {
    if (this.#closed) return;
    if (mode === 'audio-only') {
      for (const consumer of this.#consumers.values()) {
        if (consumer.kind !== 'video' || consumer.paused || consumer.closed) continue;
        this.#linkPaused.add(consumer);
        consumer.pause().catch(() => {});
      }
    } else {
      for (const consumer of this.#linkPaused) {
        if (consumer.closed) continue;
        consumer.resume().then(() => this.requestKeyFrame(consumer), () => {});
      }
      this.#linkPaused.clear();
    }
    this.emit('link-mode', mode);
  }

  async stats(): Promise<{ transports: (ms.WebRtcTransportStat | ms.PlainTransportStat)[][]; consumers: number; producers: number }> {
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

  #webRtcTransport(transportId: string): TransportEntry & { transport: ms.WebRtcTransport } {
    const entry = this.#transport(transportId);
    if (entry.transport.type !== 'webrtc') throw new AppError('BAD_REQUEST', 'Not a WebRTC transport');
    return entry as TransportEntry & { transport: ms.WebRtcTransport };
  }

  #producer(producerId: string): ms.Producer<ProducerAppData> {
    this.#assertOpen();
    const producer = this.#producers.get(producerId);
    if (!producer) throw notFound(`No producer ${producerId}`);
    return producer;
  }
}
