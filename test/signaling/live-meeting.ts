/** Shared by the lifecycle, roll-call, lobby and attendance tests: meetings scheduled through the API, joined with their invitations' links. */
import type { Test } from 'tap';
import type { types as ms } from 'mediasoup';
import type { ConferenceState, RollCall } from '../../protocol/conference.js';
import type { JoinResponse } from '../../protocol/events.js';
import type { DiemcauServer } from '../../server.js';
import type { AttendanceEntry } from '../../store/records.js';
import { TEST_ADMIN } from '../helpers/config.js';
import { opusParameters, vp8SimulcastParameters } from '../helpers/rtp-parameters.js';
import { connectSocket, connected, ok, type ClientSocket } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

/** The agenda of every meeting adminApi schedules. */
export const MEETING_AGENDA = [
  { title: 'Báo cáo tình hình kinh tế - xã hội', presenter: 'Sở Kế hoạch và Đầu tư' },
  { title: 'Phòng chống thiên tai' },
  { title: 'Ý kiến các địa phương' },
];

export async function adminApi(server: DiemcauServer) {
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: TEST_ADMIN });
  if (login.statusCode !== 200) throw new Error(`login: ${login.statusCode} ${login.body}`);
  const admin = (login.json() as { token: string }).token;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload ? { payload } : {}) });

  return {
    /** The API as the admin. */
    call: api,
    /** Schedules a meeting starting in a minute (or at `start`), for two hours; returns its id. */
    async schedule(body: {
      title?: string;
      hostHallId?: string;
      siteHallIds?: string[];
      secretaryIds?: string[];
      invitedPersonIds?: string[];
      start?: Date;
      recurrence?: object;
    }) {
      const start = body.start ?? new Date(Date.now() + 60_000);
      const r = await api('POST', '/api/meetings', {
        ...(body.recurrence ? { recurrence: body.recurrence } : {}),
        title: body.title ?? 'Giao ban trực tuyến',
        agenda: MEETING_AGENDA,
        start: start.toISOString(),
        end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
        chairId: 'off-province',
        hostHallId: body.hostHallId ?? 'hall-province',
        sites: { hallIds: body.siteHallIds ?? [] },
        ...(body.secretaryIds ? { secretaryIds: body.secretaryIds } : {}),
        ...(body.invitedPersonIds ? { invitedPersonIds: body.invitedPersonIds } : {}),
      });
      if (r.statusCode !== 201) throw new Error(`schedule: ${r.statusCode} ${r.body}`);
      return (r.json() as { id: string }).id;
    },
    /** The join tokens of a meeting's invitations, by invitation id (h-<hallId>, p-<personId>). */
    async tokens(meetingId: string): Promise<Map<string, string>> {
      const r = await api('GET', `/api/meetings/${meetingId}/invitations`);
      if (r.statusCode !== 200) throw new Error(`invitations: ${r.statusCode} ${r.body}`);
      const rows = (r.json() as { invitations: { id: string; joinUrl: string | null }[] }).invitations;
      return new Map(rows.flatMap((row) => (row.joinUrl ? [[row.id, new URL(row.joinUrl).searchParams.get('token') as string] as const] : [])));
    },
  };
}

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
