/** `window.diemcau`: the page's state for end-to-end tests and for support staff in the console. */
import type { ChatMessage, ConferenceState, FloorTurn, GridPage, RollCall } from '../../protocol/conference.js';
import type { ParticipantInfo } from '../../protocol/events.js';
import type { Model, Phase } from './model.js';

export type PageState = 'connecting' | 'joined' | 'waiting' | 'lobby' | 'ended' | 'refused' | 'left' | 'error';

export interface Diagnostics {
  state: PageState;
  self: ParticipantInfo | null;
  /** Which screen the page shows: the chair console or the conference view. */
  view: 'console' | 'conference' | null;
  metrics: {
    /** performance.now() when the socket first connected. */
    socketConnectedAt: number | null;
    /** performance.now() when the first remote video frame was decoded. */
    firstRemoteFrameAt: number | null;
  };
  /** The peer connections behind the mediasoup transports. */
  pcs: { send: RTCPeerConnection | null; recv: RTCPeerConnection | null };
  /** The origin of the cluster node the page's socket is connected to; null while it has none. */
  node: string | null;
  /** How many times the page lost its node and joined the meeting again (on whichever node). */
  rejoins: number;
  /** MOVED answers the page was given (each names the node serving the meeting). */
  moves: number;
  // Read from the page's model (getters): what the page knows now.
  readonly phase: Phase;
  readonly conference: ConferenceState | null;
  readonly floor: FloorTurn | null;
  readonly queue: ConferenceState['queue'];
  /** 1-based position of our floor request, or null. */
  readonly queuePosition: number | null;
  /** The server holds our microphone. */
  readonly muted: boolean;
  readonly grid: GridPage | null;
  readonly rollCall: RollCall | null;
  readonly messages: ChatMessage[];
  readonly participants: ParticipantInfo[];
  /** Our own roll-call answer: when the chair last called it, and when we confirmed. */
  readonly presence: { rollCalledAt: number | null; confirmedAt: number | null; headcount: number | null };
  /** All video, or audio only while the receive link is too weak. */
  readonly linkMode: 'full' | 'audio-only';
}

declare global {
  interface Window {
    diemcau: Diagnostics;
  }
}

export function createDiagnostics(model: Model): Diagnostics {
  const diagnostics = {
    state: 'connecting',
    self: null,
    view: null,
    metrics: { socketConnectedAt: null, firstRemoteFrameAt: null },
    pcs: { send: null, recv: null },
    node: null,
    rejoins: 0,
    moves: 0,
    get phase() {
      return model.phase;
    },
    get conference() {
      return model.conference;
    },
    get floor() {
      return model.conference?.floor ?? null;
    },
    get queue() {
      return model.conference?.queue ?? [];
    },
    get queuePosition() {
      return model.queuePosition;
    },
    get muted() {
      return model.muted;
    },
    get grid() {
      return model.grid;
    },
    get rollCall() {
      return model.rollCall;
    },
    get messages() {
      return model.messages;
    },
    get participants() {
      return [...model.participants.values()];
    },
    get presence() {
      return { rollCalledAt: model.rollCalledAt, confirmedAt: model.confirmedAt, headcount: model.headcount };
    },
    get linkMode() {
      return model.linkMode;
    },
  } satisfies Diagnostics as Diagnostics;
  window.diemcau = diagnostics;
  return diagnostics;
}

/**
 * mediasoup-client keeps its RTCPeerConnection private, so we note every one the page
 * creates; `take()` hands over those created since the last call (transport creation is synchronous).
 */
export function trackPeerConnections(): { take(): RTCPeerConnection[] } {
  const Native = window.RTCPeerConnection;
  let created: RTCPeerConnection[] = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      created.push(this);
    }
  };
  return {
    take() {
      const taken = created;
      created = [];
      return taken;
    },
  };
}
