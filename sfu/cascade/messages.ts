/**
 * What nodes say to each other about a meeting whose media spans them (the cascade). The home node
 * (where the meeting's signaling lives) asks; a media node (where some participants' transports
 * are) answers and reports. Every message names the meeting; a media node keeps one shard per
 * (home node, meeting).
 */
import type { types as ms } from 'mediasoup';
import type { ParticipantId } from '../../protocol/ids.js';
import type { MediaSource } from '../../protocol/messages.js';
import type { LinkMode } from '../link-guard.js';
import type { SpatialLayer } from '../policy.js';

export const M = {
  // home → media node: requests
  peerAdd: 'cascade.peer.add',
  peerCall: 'cascade.peer.call',
  linkOpen: 'cascade.link.open',
  exportProducer: 'cascade.export',
  importProducer: 'cascade.import',
  // home → media node: notifications
  peerClose: 'cascade.peer.close',
  exportClose: 'cascade.export.close',
  exportPause: 'cascade.export.pause',
  importClose: 'cascade.import.close',
  shardClose: 'cascade.shard.close',
  // media node → home: notifications
  peerEvent: 'cascade.peer.event',
  importPause: 'cascade.import.pause',
  importClosed: 'cascade.import.closed',
} as const;

export interface MeetingRef {
  meetingId: string;
}

export interface PeerRef extends MeetingRef {
  peerId: ParticipantId;
}

export interface ProducerState {
  id: string;
  kind: ms.MediaKind;
  source: MediaSource;
  paused: boolean;
  score: number[];
}

export interface ConsumerState {
  id: string;
  producerId: string;
  kind: ms.MediaKind;
  type: ms.ConsumerType;
  paused: boolean;
  spatialLayer: number | null;
}

/** A remote peer as its media node sees it, sent with every answer and report about it. */
export interface PeerState {
  /** Raised with every snapshot, so an older one arriving late (an answer behind a report) is ignored. */
  seq: number;
  closed: boolean;
  canReceive: boolean;
  audioHeld: boolean;
  linkMode: LinkMode;
  producers: ProducerState[];
  consumers: ConsumerState[];
}

/** The peer operations the home node runs on a media node, by name, with their arguments. */
export type PeerOp =
  | { op: 'createTransport'; direction: 'send' | 'recv'; forceTcp?: boolean }
  | { op: 'createIngestTransport' }
  | { op: 'connectTransport'; transportId: string; dtlsParameters: ms.DtlsParameters }
  | { op: 'restartIce'; transportId: string }
  | { op: 'produce'; transportId: string; kind: ms.MediaKind; source: MediaSource; rtpParameters: ms.RtpParameters }
  | { op: 'pauseProducer' | 'resumeProducer' | 'closeProducer'; producerId: string }
  | { op: 'holdAudio'; held: boolean; resume: boolean }
  | { op: 'consume'; producerId: string; layer: SpatialLayer | null }
  | { op: 'closeConsumer'; consumerId: string }
  | { op: 'setConsumerLayer'; consumerId: string; layer: SpatialLayer }
  | { op: 'resumeConsumer'; consumerId: string }
  | { op: 'announceLayers'; producerId: string; layer: SpatialLayer | null }
  | { op: 'stats' }
  | { op: 'producerStats'; producerId: string }
  | { op: 'consumerStats'; consumerId: string };

export interface PeerCall extends PeerRef {
  call: PeerOp;
}

export interface PeerCallResult {
  result: unknown;
  state: PeerState;
}

export interface PeerEventReport extends PeerRef {
  /** A Peer event name, or 'producer-added' / 'changed' (a producer or consumer changed). */
  event: string;
  args: unknown[];
  state: PeerState;
}

export interface PipeEnd {
  ip: string;
  port: number;
  srtpParameters: ms.SrtpParameters | undefined;
}

export interface LinkOpen extends MeetingRef, PipeEnd {}

/** A producer sent across a link: the receiving side produces it with the same id. */
export interface ProducerOffer extends MeetingRef {
  producerId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  paused: boolean;
  peerId: ParticipantId;
  source: MediaSource;
}

export interface ProducerRef extends MeetingRef {
  producerId: string;
}

export interface ProducerPause extends ProducerRef {
  paused: boolean;
}
