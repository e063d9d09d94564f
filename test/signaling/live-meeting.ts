/** Shared by the lifecycle, roll-call, lobby and attendance tests: meetings joined with their invitations' links (scheduled with test/helpers/admin-api.ts). */
import type { Test } from 'tap';
import type { types as ms } from 'mediasoup';
import type { ConferenceState, RollCall } from '../../protocol/conference.js';
import type { JoinResponse } from '../../protocol/events.js';
import type { DiemcauServer } from '../../server.js';
import type { AttendanceEntry } from '../../store/records.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { connectSocket, connected, ok, type ClientSocket } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

export interface Joined {
  socket: ClientSocket;
  caps: ms.RtpCapabilities;
  joined: JoinResponse;
  /** The last conference-state (join response, events, meeting-opened, guest-admitted). */
  state(): ConferenceState;
  /** Roll-call pushes received, in order. */
  rollCalls: RollCall[];
}

/** Connects with a join token and joins (no transports yet). */
export async function joinWith(t: Test, server: DiemcauServer, token: string): Promise<Joined> {
  const socket = connectSocket(t, server.url, token);
  await connected(socket);
  const caps = await ok(socket, 'router-capabilities', {});
  const joined = await ok(socket, 'join', { rtpCapabilities: caps });
  let state = joined.conference;
  const rollCalls: RollCall[] = [];
  const newer = (s: ConferenceState) => {
    if (s.version >= state.version) state = s;
  };
  socket.on('conference-state', newer);
  socket.on('meeting-opened', (m) => newer(m.conference));
  socket.on('guest-admitted', (m) => {
    if (!m.waiting) newer(m.conference);
  });
  socket.on('roll-call', (view) => rollCalls.push(view));
  socket.on('new-consumer', (_consumer, ack) => ack({ ok: true, data: null }));
  return { socket, caps, joined, state: () => state, rollCalls };
}

let nextSsrc = 50_000;

/** Creates both transports and publishes a microphone and a 3-layer camera; their producer ids. */
export async function publish(p: Joined): Promise<{ micId: string; cameraId: string }> {
  await ok(p.socket, 'create-transport', { direction: 'recv' });
  const send = await ok(p.socket, 'create-transport', { direction: 'send' });
  const ssrc = (nextSsrc += 10);
  const mic = await ok(p.socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(p.caps, ssrc) });
  const camera = await ok(p.socket, 'produce', {
    transportId: send.id,
    kind: 'video',
    source: 'camera',
    rtpParameters: vp8SimulcastParameters(p.caps, ssrc + 1),
  });
  return { micId: mic.producerId, cameraId: camera.producerId };
}

/** The meeting's attendance log once it holds at least `count` entries (or `until` matches). */
export function attendanceLog(server: DiemcauServer, meetingId: string, until: (log: AttendanceEntry[]) => boolean): Promise<AttendanceEntry[]> {
  return waitFor(
    async () => {
      const log = await server.store.attendance.list(meetingId);
      return until(log) ? log : undefined;
    },
    { what: `the attendance log of ${meetingId}` },
  );
}
