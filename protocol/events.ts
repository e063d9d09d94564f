/** The Socket.IO event maps: what each side may send, with payloads and acks. */
import type { types as ms } from 'mediasoup';
import type { Role } from './claims.js';
import type { ErrorBody } from './errors.js';
import type { ConsumerId, MeetingId, ParticipantId, ProducerId, SubjectId, TransportId } from './ids.js';
import type {
  ConnectTransportRequest,
  CreateTransportRequest,
  Empty,
  JoinRequest,
  MediaSource,
  ProduceRequest,
  ProducerRequest,
  RestartIceRequest,
} from './messages.js';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (result: Result<T>) => void;

export interface ParticipantInfo {
  id: ParticipantId;
  subjectId: SubjectId;
  name: string;
  role: Role;
}

export interface JoinResponse {
  meetingId: MeetingId;
  self: ParticipantInfo;
  participants: ParticipantInfo[];
}

export interface TransportInfo {
  id: TransportId;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

export interface NewConsumer {
  consumerId: ConsumerId;
  producerId: ProducerId;
  participantId: ParticipantId;
  kind: ms.MediaKind;
  source: MediaSource;
  rtpParameters: ms.RtpParameters;
  producerPaused: boolean;
}

export interface ClientToServerEvents {
  'router-capabilities': (req: Empty, ack: Ack<ms.RtpCapabilities>) => void;
  join: (req: JoinRequest, ack: Ack<JoinResponse>) => void;
  'create-transport': (req: CreateTransportRequest, ack: Ack<TransportInfo>) => void;
  'connect-transport': (req: ConnectTransportRequest, ack: Ack<null>) => void;
  'restart-ice': (req: RestartIceRequest, ack: Ack<ms.IceParameters>) => void;
  produce: (req: ProduceRequest, ack: Ack<{ producerId: ProducerId }>) => void;
  'pause-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  'resume-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  'close-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  leave: (req: Empty, ack: Ack<null>) => void;
}

export interface ServerToClientEvents {
  'participant-joined': (participant: ParticipantInfo) => void;
  'participant-left': (msg: { participantId: ParticipantId }) => void;
  'active-speaker': (msg: { participantId: ParticipantId | null }) => void;
  /** Server-initiated consume: the consumer is resumed once the client acks. */
  'new-consumer': (consumer: NewConsumer, ack: Ack<null>) => void;
  'consumer-closed': (msg: { consumerId: ConsumerId }) => void;
  'consumer-paused': (msg: { consumerId: ConsumerId }) => void;
  'consumer-resumed': (msg: { consumerId: ConsumerId }) => void;
  /** Sent before the server disconnects a participant on purpose. */
  kicked: (msg: ErrorBody) => void;
}

/** Names of the requests, for tables that cover them all (rate limits, tests). */
export type RequestName = keyof ClientToServerEvents;
