/** The Socket.IO event maps: what each side may send, with payloads and acks. */
import type { types as ms } from 'mediasoup';
import type { Role } from './claims.js';
import type { ChatMessage, ConferenceState, FloorChangeReason, FloorTurn, GridPage, RollCall, WaitingInfo } from './conference.js';
import type { ErrorBody } from './errors.js';
import type { ConsumerId, MeetingId, ParticipantId, ProducerId, SubjectId, TransportId } from './ids.js';
import type {
  AdmitRequest,
  ConfirmPresenceRequest,
  HeadcountRequest,
  RollCallRequest,
  FloorRequestPayload,
  FreeDiscussionRequest,
  GrantFloorRequest,
  GridPageRequest,
  LockRequest,
  MuteSiteRequest,
  ParticipantRequest,
  SendMessageRequest,
  SkipFloorRequest,
  SpotlightRequest,
  ConnectTransportRequest,
  CreateTransportRequest,
  CreateIngestTransportRequest,
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

/** What a participant gets on entering the meeting proper: in the join response, or on meeting-opened / guest-admitted. */
export interface EnteredMeeting {
  participants: ParticipantInfo[];
  /** The meeting's live state as this participant may see it. */
  conference: ConferenceState;
  /** Whether the server holds this participant's microphone muted (everyone but the chair joins muted). */
  muted: boolean;
  /** The chair and secretary's first grid page (9 tiles); set-grid-page turns it. */
  grid?: GridPage;
  /** The latest messages this participant may read (at most 50), so a page that comes in late sees them. */
  messages?: ChatMessage[];
}

/**
 * The join ack. Normally the participant is in: create transports and produce. With `waiting`
 * (a scheduled meeting the chair has not opened) or `lobby` (a guest link), it is not: media
 * requests are refused (MEETING_NOT_OPEN, NOT_ADMITTED), `participants` is empty, and it waits for
 * `meeting-opened` or `guest-admitted`, which carry what it then gets (EnteredMeeting).
 */
export interface JoinResponse extends EnteredMeeting {
  meetingId: MeetingId;
  /** The meeting's title, when the scheduler holds it. */
  title?: string;
  /** Its agenda, when the scheduler holds it: a floor request names an item by its index. */
  agenda?: AgendaEntry[];
  self: ParticipantInfo;
  /** In the waiting room: the meeting's title and start. */
  waiting?: WaitingInfo;
  /** A guest in the lobby, waiting for the chair or secretary to admit it. */
  lobby?: true;
}

/** An item of a scheduled meeting's agenda, as the live page shows it. */
export interface AgendaEntry {
  title: string;
  presenter?: string;
}

/** What a guest learns when admitted: in at once (EnteredMeeting), or into the waiting room if the meeting is not open yet. */
export type GuestAdmitted = ({ waiting?: undefined } & EnteredMeeting) | { waiting: WaitingInfo };

export interface TransportInfo {
  id: TransportId;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

/**
 * Where to send plain RTP (RTCP muxed on the same port): the server learns the sender's address from
 * its first packet (comedia). Produce on `transportId` with SSRC-signalled encodings.
 */
export interface IngestTransportInfo {
  transportId: TransportId;
  ip: string;
  port: number;
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
  /** Plain RTP ingest (no WebRTC): for publishers only, once joined. */
  'create-ingest-transport': (req: CreateIngestTransportRequest, ack: Ack<IngestTransportInfo>) => void;
  'connect-transport': (req: ConnectTransportRequest, ack: Ack<null>) => void;
  'restart-ice': (req: RestartIceRequest, ack: Ack<ms.IceParameters>) => void;
  /** `paused`: how the server created it (a microphone held by the chair starts paused); the client matches it. */
  produce: (req: ProduceRequest, ack: Ack<{ producerId: ProducerId; paused: boolean }>) => void;
  'pause-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  'resume-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  'close-producer': (req: ProducerRequest, ack: Ack<null>) => void;
  leave: (req: Empty, ack: Ack<null>) => void;

  // Floor: sites and officials ask, the chair (or secretary) decides.
  'request-floor': (req: FloorRequestPayload, ack: Ack<{ position: number }>) => void;
  'cancel-floor-request': (req: Empty, ack: Ack<null>) => void;
  'grant-floor': (req: GrantFloorRequest, ack: Ack<FloorTurn>) => void;
  'skip-floor': (req: SkipFloorRequest, ack: Ack<null>) => void;
  'revoke-floor': (req: Empty, ack: Ack<null>) => void;
  // Chair controls.
  'mute-site': (req: MuteSiteRequest, ack: Ack<null>) => void;
  'mute-all': (req: Empty, ack: Ack<{ muted: number }>) => void;
  'set-free-discussion': (req: FreeDiscussionRequest, ack: Ack<null>) => void;
  spotlight: (req: SpotlightRequest, ack: Ack<null>) => void;
  'lock-meeting': (req: LockRequest, ack: Ack<null>) => void;
  'remove-participant': (req: ParticipantRequest, ack: Ack<null>) => void;
  /** Lets a removed subject's join links in again. */
  admit: (req: AdmitRequest, ack: Ack<{ admitted: number }>) => void;
  'set-grid-page': (req: GridPageRequest, ack: Ack<GridPage>) => void;
  'send-message': (req: SendMessageRequest, ack: Ack<ChatMessage>) => void;

  // Lifecycle (chair): opening lets the waiting room in; ending tells everyone and disconnects them.
  'open-meeting': (req: Empty, ack: Ack<null>) => void;
  'end-meeting': (req: Empty, ack: Ack<null>) => void;
  // Roll call: chair and secretary read it (and keep getting `roll-call` while watching) and call it;
  // each site or official confirms for itself and enters its headcount.
  'get-roll-call': (req: RollCallRequest, ack: Ack<RollCall>) => void;
  'call-roll': (req: Empty, ack: Ack<{ calledAt: number }>) => void;
  'confirm-presence': (req: ConfirmPresenceRequest, ack: Ack<null>) => void;
  'set-headcount': (req: HeadcountRequest, ack: Ack<null>) => void;
  // Lobby: chair and secretary let guests in or turn them away.
  'admit-guest': (req: ParticipantRequest, ack: Ack<null>) => void;
  'refuse-guest': (req: ParticipantRequest, ack: Ack<null>) => void;
  'admit-all-guests': (req: Empty, ack: Ack<{ admitted: number }>) => void;
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

  /** The live state, whole, whenever it changes (also in the join response). */
  'conference-state': (state: ConferenceState) => void;
  'floor-changed': (msg: { floor: FloorTurn | null; reason: FloorChangeReason }) => void;
  /**
   * To one participant: the server holds its microphone (muted) or let it go. `micOn`: the server
   * resumed it (the floor was granted; resume the local track too); otherwise unmute is up to the user.
   */
  muted: (msg: { muted: boolean; micOn: boolean }) => void;
  message: (msg: ChatMessage) => void;
  /** The chair removed this participant; the server disconnects it right after. */
  removed: (msg: ErrorBody) => void;
  /** A chair or secretary's grid page changed as participants came and went. */
  'grid-page': (page: GridPage) => void;
  /**
   * Dynacast, to a sender: the highest simulcast layer anyone consumes of its producer, or null
   * when nobody does; encodings above it can be switched off.
   */
  'layers-needed': (msg: { producerId: ProducerId; maxSpatialLayer: number | null }) => void;
  /** This participant's receive link got too weak for any video (`audio-only`: the server paused its video), or recovered (`full`). */
  'link-mode': (msg: { mode: 'full' | 'audio-only' }) => void;

  /** To each participant in the waiting room when the chair opens the meeting: it is in now (create transports). */
  'meeting-opened': (msg: EnteredMeeting) => void;
  /** To everyone when the chair ends the meeting; the server disconnects them right after. */
  'meeting-ended': (msg: { at: number }) => void;
  /** To a chair or secretary watching the roll call (get-roll-call), at most once a second as it changes. */
  'roll-call': (view: RollCall) => void;
  /** To everyone: the chair called the roll; sites confirm with confirm-presence. */
  'roll-call-started': (msg: { calledAt: number }) => void;
  /** To a guest in the lobby: admitted (in, or into the waiting room). */
  'guest-admitted': (msg: GuestAdmitted) => void;
  /** To a guest in the lobby: refused; the server disconnects it right after. */
  'guest-refused': (msg: ErrorBody) => void;
  /**
   * On connecting to a node of a cluster: the public URLs of its live nodes (this one included), so
   * a page that loses its node can rejoin on another.
   */
  'cluster-nodes': (msg: { urls: string[] }) => void;
}

/** Names of the requests, for tables that cover them all (rate limits, tests). */
export type RequestName = keyof ClientToServerEvents;
