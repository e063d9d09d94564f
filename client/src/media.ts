/** The mediasoup side of the page: device, two transports, our producers and the consumers the server pushes. */
import { Device } from 'mediasoup-client';
import type { Consumer, Producer, Transport, TransportOptions } from 'mediasoup-client/types';
import type { JoinResponse, NewConsumer, TransportInfo } from '../../protocol/events.js';
import type { ConsumerId, ParticipantId, ProducerId, TransportId } from '../../protocol/ids.js';
import type { MediaSource } from '../../protocol/messages.js';
import { request, type ClientSocket, type RequestPayload } from './request.js';

export type Direction = 'send' | 'recv';
type Kind = 'audio' | 'video';
type OwnSource = Extract<MediaSource, 'mic' | 'camera'>;

export interface RemoteMedia {
  consumer: Consumer;
  participantId: ParticipantId;
  kind: Kind;
}

export interface ConferenceOptions {
  socket: ClientSocket;
  /** Media over TCP only, for networks that block UDP (`?transport=tcp`). */
  forceTcp?: boolean;
  /** Called with the peer connection(s) created while a transport was made. */
  onTransport(direction: Direction, transport: Transport): void;
}

/** Three simulcast layers from a 640×480 camera: 160×120, 320×240, 640×480. */
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 100_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
];

export class Conference {
  readonly #socket: ClientSocket;
  readonly #options: ConferenceOptions;
  readonly #device = new Device();
  readonly #producers = new Map<OwnSource, Producer>();
  readonly #remote = new Map<ConsumerId, RemoteMedia>();
  /** Consumers being set up, and participants who left: media for either arriving late is dropped. */
  readonly #pending = new Set<ConsumerId>();
  readonly #departed = new Set<ParticipantId>();
  /** Dynacast: the highest layer anyone watches, per producer (it may arrive before produce() returns). */
  readonly #layersNeeded = new Map<string, number | null>();
  #send: Transport | null = null;
  #recv: Transport | null = null;
  /** The server may push consumers before our receive transport exists; they wait for it. */
  readonly #recvReady: Promise<Transport>;
  #resolveRecv!: (transport: Transport) => void;
  #closed = false;
  #micHeld = false;

  constructor(options: ConferenceOptions) {
    this.#options = options;
    this.#socket = options.socket;
    this.#recvReady = new Promise((resolve) => (this.#resolveRecv = resolve));
  }

  async join(): Promise<JoinResponse> {
    const routerRtpCapabilities = await request(this.#socket, 'router-capabilities', {});
    await this.#device.load({ routerRtpCapabilities: routerRtpCapabilities });
    return request(this.#socket, 'join', { rtpCapabilities: this.#device.rtpCapabilities as ServerTypes<'join'>['rtpCapabilities'] });
  }

  /** Closed: the page ended, or lost its node and rejoins with new media. */
  get closed(): boolean {
    return this.#closed;
  }

  async createTransports(): Promise<void> {
    this.#send = await this.#createTransport('send');
    this.#recv = await this.#createTransport('recv');
    this.#resolveRecv(this.#recv);
  }

  canProduce(kind: Kind): boolean {
    return this.#device.canProduce(kind);
  }

  async publish(stream: MediaStream): Promise<void> {
    const audio = stream.getAudioTracks()[0];
    const video = stream.getVideoTracks()[0];
    if (audio && this.canProduce('audio')) await this.#produce('mic', { track: audio });
    if (video && this.canProduce('video')) {
      await this.#produce('camera', {
        track: video,
        encodings: CAMERA_ENCODINGS,
        codecOptions: { videoGoogleStartBitrate: 1000 },
      });
    }
  }

  hasProducer(source: OwnSource): boolean {
    return this.#producers.has(source);
  }

  async setProducerPaused(source: OwnSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    const producerId = producer.id as ProducerId;
    // Locally first, so the microphone goes quiet at once even if the server is slow.
    if (paused) {
      producer.pause();
      await request(this.#socket, 'pause-producer', { producerId });
    } else {
      producer.resume();
      try {
        await request(this.#socket, 'resume-producer', { producerId });
      } catch (error) {
        // Refused (muted by the chair): stay quiet locally as well.
        producer.pause();
        throw error;
      }
    }
  }

  /** Whether our own producer is paused (by the user or the server's hold). */
  isPaused(source: OwnSource): boolean {
    return this.#producers.get(source)?.paused ?? true;
  }

  /** The device now feeding a producer, for the device picker. */
  deviceId(source: OwnSource): string | undefined {
    return this.#producers.get(source)?.track?.getSettings().deviceId;
  }

  /** Another camera or microphone, without renegotiating: the producer keeps its paused state. */
  async replaceTrack(source: OwnSource, track: MediaStreamTrack): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) {
      track.stop();
      return;
    }
    const old = producer.track;
    await producer.replaceTrack({ track });
    if (old && old !== track) old.stop();
  }

  /** Whether the server holds our microphone muted (everyone but the chair joins muted). */
  readonly #createdPaused = new Map<string, boolean>();

  get micHeld(): boolean {
    return this.#micHeld;
  }

  /**
   * Follows the server's mute without asking it (it already paused or resumed its side): held, the
   * microphone goes quiet here too; `micOn` (the floor was granted), it comes back on.
   */
  followServerMute(held: boolean, micOn: boolean): void {
    this.#micHeld = held;
    const mic = this.#producers.get('mic');
    if (held) mic?.pause();
    else if (micOn) mic?.resume();
  }

  /**
   * Dynacast: sends only the simulcast layers somebody consumes. Nobody watching keeps the lowest
   * layer on, so a chair turning its grid page sees this site at once.
   */
  applyLayersNeeded(producerId: string, maxSpatialLayer: number | null): void {
    this.#layersNeeded.set(producerId, maxSpatialLayer);
    const producer = [...this.#producers.values()].find((p) => p.id === producerId);
    if (producer?.kind === 'video' && !producer.closed) producer.setMaxSpatialLayer(maxSpatialLayer ?? 0).catch(() => {});
  }

  /** The new consumer, or null if it was closed while being set up. */
  async consume(msg: NewConsumer): Promise<RemoteMedia | null> {
    const recv = await this.#recvReady;
    if (this.#closed) throw new Error('conference closed');
    this.#pending.add(msg.consumerId);
    let consumer: Consumer;
    try {
      consumer = await recv.consume({
        id: msg.consumerId,
        producerId: msg.producerId,
        kind: msg.kind,
        rtpParameters: msg.rtpParameters,
        appData: { source: msg.source },
      });
    } catch (error) {
      this.#pending.delete(msg.consumerId);
      throw error;
    }
    const stillWanted = this.#pending.delete(msg.consumerId) && !this.#departed.has(msg.participantId);
    if (!stillWanted || this.#closed) {
      consumer.close();
      return null;
    }
    const media: RemoteMedia = { consumer, participantId: msg.participantId, kind: msg.kind };
    this.#remote.set(msg.consumerId, media);
    return media;
  }

  remote(consumerId: ConsumerId): RemoteMedia | undefined {
    return this.#remote.get(consumerId);
  }

  closeConsumer(consumerId: ConsumerId): RemoteMedia | undefined {
    // Closed by the server while we were still setting it up: consume() drops it.
    this.#pending.delete(consumerId);
    const media = this.#remote.get(consumerId);
    if (!media) return undefined;
    media.consumer.close();
    this.#remote.delete(consumerId);
    return media;
  }

  /** Consumers of a participant who left: the server closes them too, we need not wait for it. */
  closeParticipant(participantId: ParticipantId): void {
    this.#departed.add(participantId);
    for (const [id, media] of this.#remote) if (media.participantId === participantId) this.closeConsumer(id);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Closing a transport closes its producers and consumers.
    this.#send?.close();
    this.#recv?.close();
    for (const producer of this.#producers.values()) producer.track?.stop();
    this.#producers.clear();
    this.#remote.clear();
  }

  async #createTransport(direction: Direction): Promise<Transport> {
    const info = await request(this.#socket, 'create-transport', { direction, ...(this.#options.forceTcp ? { forceTcp: true } : {}) });
    // Closed while the request was out: this transport would outlive the media it belonged to.
    if (this.#closed) throw new Error('conference closed');
    const options = transportOptions(info);
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    const transportId = info.id;

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request(this.#socket, 'connect-transport', { transportId, dtlsParameters: dtlsParameters })
        .then(() => callback())
        .catch(errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData['source'] as OwnSource;
        request(this.#socket, 'produce', { transportId, kind, source, rtpParameters: rtpParameters as ServerTypes<'produce'>['rtpParameters'] })
          .then(({ producerId, paused }) => {
            this.#createdPaused.set(producerId, paused);
            callback({ id: producerId });
          })
          .catch(errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && !this.#closed) void this.#restartIce(transport, transportId);
    });
    this.#options.onTransport(direction, transport);
    return transport;
  }

  async #produce(source: OwnSource, options: Parameters<Transport['produce']>[0]): Promise<void> {
    if (!this.#send) throw new Error('no send transport');
    const producer = await this.#send.produce({ ...options, appData: { source } });
    this.#producers.set(source, producer);
    // Match how the server created it: paused when the chair holds the microphone. Not what this
    // side believed when it started, which a floor grant during the request may have changed.
    const paused = this.#createdPaused.get(producer.id);
    this.#createdPaused.delete(producer.id);
    if (source === 'mic' && (paused ?? this.#micHeld)) producer.pause();
    if (this.#layersNeeded.has(producer.id)) this.applyLayersNeeded(producer.id, this.#layersNeeded.get(producer.id) ?? null);
  }

  async #restartIce(transport: Transport, transportId: TransportId): Promise<void> {
    try {
      const iceParameters = await request(this.#socket, 'restart-ice', { transportId });
      await transport.restartIce({ iceParameters });
    } catch {
      // The socket's own disconnect handling tells the user; nothing more to do here.
    }
  }
}

/**
 * mediasoup-client knows one header extension URI that the server's type lacks; the server
 * validates the JSON anyway, so the client's values are passed as the server's types.
 */
type ServerTypes<E extends 'join' | 'produce'> = RequestPayload<E>;

function transportOptions(info: TransportInfo): TransportOptions {
  return {
    id: info.id,
    iceParameters: info.iceParameters,
    iceCandidates: info.iceCandidates,
    dtlsParameters: info.dtlsParameters,
  };
}
