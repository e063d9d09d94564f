/** `window.diemcau`: the page's state for end-to-end tests and for support staff in the console. */
import type { ParticipantInfo } from '../../protocol/events.js';

export type PageState = 'connecting' | 'joined' | 'refused' | 'left' | 'error';

export interface Diagnostics {
  state: PageState;
  self: ParticipantInfo | null;
  metrics: {
    /** performance.now() when the socket first connected. */
    socketConnectedAt: number | null;
    /** performance.now() when the first remote video frame was decoded. */
    firstRemoteFrameAt: number | null;
  };
  /** The peer connections behind the mediasoup transports. */
  pcs: { send: RTCPeerConnection | null; recv: RTCPeerConnection | null };
}

declare global {
  interface Window {
    diemcau: Diagnostics;
  }
}

export function createDiagnostics(): Diagnostics {
  const diagnostics: Diagnostics = {
    state: 'connecting',
    self: null,
    metrics: { socketConnectedAt: null, firstRemoteFrameAt: null },
    pcs: { send: null, recv: null },
  };
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
