/**
 * A participant's media as signaling and the room see it, wherever it lives: a Peer on this node
 * (sfu/peer.ts), or a RemotePeer whose transports are on another node of the cascade
 * (sfu/cascade/remote-peer.ts).
 */
import type { types as ms } from 'mediasoup';
import type { TypedEmitter } from '../lib/typed-emitter.js';
import type { ParticipantId, ProducerId, TransportId } from '../protocol/ids.js';
import type { MediaSource } from '../protocol/messages.js';
import type { TransportInfo } from '../protocol/events.js';
import type { LinkMode } from './link-guard.js';
import type { Trackable } from './on-demand.js';
import type { Direction, PeerEvents, ProducerAppData } from './peer.js';
import type { SpatialLayer } from './policy.js';

export interface ProducerView {
  readonly id: string;
  readonly kind: ms.MediaKind;
  readonly appData: ProducerAppData;
  readonly paused: boolean;
  readonly closed: boolean;
  readonly score: readonly { score: number }[];
  getStats(): Promise<ms.ProducerStat[]>;
}

export interface ConsumerView extends Trackable {
  readonly id: string;
  readonly producerId: string;
  readonly kind: ms.MediaKind;
  readonly type: ms.ConsumerType;
  readonly paused: boolean;
  readonly preferredLayers?: { spatialLayer: number } | undefined;
  getStats(): Promise<(ms.ConsumerStat | ms.ProducerStat)[]>;
}

export interface MediaPeer extends TypedEmitter<PeerEvents> {
  readonly id: ParticipantId;
  readonly closed: boolean;
  readonly producers: ProducerView[];
  readonly consumers: ConsumerView[];
  readonly canReceive: boolean;
  readonly audioHeld: boolean;
  readonly linkMode: LinkMode;
  consumes(producerId: string): boolean;
  createTransport(direction: Direction, options?: { forceTcp?: boolean }): Promise<TransportInfo>;
  createIngestTransport(): Promise<{ id: TransportId; ip: string; port: number }>;
  connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void>;
  restartIce(transportId: string): Promise<ms.IceParameters>;
  produce(req: { transportId: string; kind: ms.MediaKind; source: MediaSource; rtpParameters: ms.RtpParameters }): Promise<ProducerId>;
  pauseProducer(producerId: string): Promise<void>;
  resumeProducer(producerId: string): Promise<void>;
  closeProducer(producerId: string): void | Promise<void>;
  holdAudio(held: boolean, options?: { resume?: boolean }): Promise<void>;
  closeConsumer(consumerId: string): void;
  setConsumerLayer(consumer: ConsumerView, layer: SpatialLayer): Promise<void>;
  announceLayers(producerId: string, layer: SpatialLayer | null): void;
  resumeConsumer(consumerId: string): Promise<void>;
  close(): void;
}
