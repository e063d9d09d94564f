/** Node-side conference participants: join, publish a microphone and a simulcast camera, accept consumers. */
import type { Test } from 'tap';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ConferenceState, GridPage } from '../../protocol/conference.js';
import type { NewConsumer } from '../../protocol/events.js';
import type { MeetingId } from '../../protocol/ids.js';
import type { DiemcauServer } from '../../server.js';
import type { Peer } from '../../sfu/peer.js';
import { opusParameters, vp8SimulcastParameters } from './rtp-parameters.js';
import { joinAs, ok, type ClientSocket } from './socket-client.js';
import { nextEmission, type Listenable } from './wait.js';

/** SSRCs unique across the file's participants. */
let nextSsrc = 10_000;

export interface Participant {
  socket: ClientSocket;
  id: string;
  name: string;
  /** The consumers the server has offered and not closed, by consumer id. */
  consumers: Map<string, NewConsumer>;
  /** The last conference-state seen (from the join response, then events). */
  state(): ConferenceState;
  /** The grid page from the join response or the last grid-page event. */
  grid(): GridPage | undefined;
  /** Dynacast: the last layers-needed per own producer. */
  layers: Map<string, number | null>;
  micId?: string;
  cameraId?: string;
  /** The server's side of this participant. */
  peer(): Peer;
}

export interface JoinOptions {
  /** Publish a microphone and a camera (default true). */
  publish?: boolean;
}

/** Joins like the browser client: recv transport, then (unless told not to) a microphone and a 3-layer camera. */
export async function participant(t: Test, server: DiemcauServer, claims: JoinClaims, options: JoinOptions = {}): Promise<Participant> {
  const { socket, caps, joined } = await joinAs(t, server, claims);
  const consumers = new Map<string, NewConsumer>();
  let state = joined.conference;
  let grid: GridPage | undefined = joined.grid;
  socket.on('new-consumer', (consumer, ack) => {
    consumers.set(consumer.consumerId, consumer);
    ack({ ok: true, data: null });
  });
  socket.on('consumer-closed', ({ consumerId }) => consumers.delete(consumerId));
  socket.on('conference-state', (s) => {
    if (s.version >= state.version) state = s;
  });
  socket.on('grid-page', (page) => (grid = page));
  const room = () => {
    const r = server.sfu.existingRoom(claims.meetingId as MeetingId);
    if (!r) throw new Error('no room');
    return r;
  };
  const layers = new Map<string, number | null>();
  socket.on('layers-needed', ({ producerId, maxSpatialLayer }) => layers.set(producerId, maxSpatialLayer));
  const me: Participant = {
    layers,
    socket,
    id: joined.self.id,
    name: claims.name,
    consumers,
    state: () => state,
    grid: () => grid,
    peer: () => {
      const peer = room().peer(joined.self.id);
      if (!peer) throw new Error(`${claims.name} has no peer`);
      return peer;
    },
  };
  await ok(socket, 'create-transport', { direction: 'recv' });
  if (options.publish !== false) {
    const send = await ok(socket, 'create-transport', { direction: 'send' });
    const ssrc = (nextSsrc += 10);
    me.micId = (await ok(socket, 'produce', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(caps, ssrc) })).producerId;
    me.cameraId = (
      await ok(socket, 'produce', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastParameters(caps, ssrc + 1) })
    ).producerId;
  }
  return me;
}

/** What a participant consumes, from the server's side: producer id → spatial layer (null for audio). */
export function consumedBy(p: Participant): Map<string, number | null> {
  return new Map(p.peer().consumers.map((c) => [c.producerId, c.kind === 'video' ? (c.preferredLayers?.spatialLayer ?? null) : null]));
}

/** Counts of a participant's server-side consumers by kind. */
export function counts(p: Participant): { audio: number; video: number } {
  const consumers = p.peer().consumers;
  return { audio: consumers.filter((c) => c.kind === 'audio').length, video: consumers.filter((c) => c.kind === 'video').length };
}

/**
 * Resolves with the next emission of a server event (or rejects after a deadline); call before the action.
 * The default deadline leaves room for a loaded CI machine (many test files, mediasoup workers and
 * Chromium on two cores): it only matters when the event never comes.
 */
export function nextEvent<T>(socket: ClientSocket, event: string, timeout = 15_000, filter: (msg: T) => boolean = () => true): Promise<T> {
  return nextEmission(socket as unknown as Listenable<T>, event, { timeout, filter });
}
