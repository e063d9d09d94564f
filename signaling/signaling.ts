import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { AppError, toErrorBody } from '../lib/errors.js';
import { createJoinTokenVerifier } from '../lib/join-token.js';
import type { Logger } from '../lib/log.js';
import type { Room } from '../sfu/room.js';
import type { Sfu } from '../sfu/sfu.js';
import type { ClientToServerEvents } from '../protocol/events.js';
import type { JoinClaims } from '../protocol/claims.js';
import type { MeetingId } from '../protocol/ids.js';
import type { SignalingConfig } from './config.js';
import { Conferences } from './conference/registry.js';
import type { Conference } from './conference/conference.js';
import type { AdmissionVerdict, LiveStore } from './live-store.js';
import { Session, type MeetingServer, type MeetingSocket } from './session.js';

export interface Signaling {
  readonly io: MeetingServer;
  /** Participants joined to a meeting on this node (in it, or in its waiting room or lobby). */
  participantCount(meetingId: string): number;
  /** Participants joined to any meeting on this node. */
  participantTotal(): number;
  /** The live state of a meeting on this node, if it has one. */
  conference(meetingId: string): Conference | undefined;
  close(): Promise<void>;
}

export interface SignalingDeps {
  httpServer: HttpServer;
  sfu: Sfu;
  config: SignalingConfig;
  log: Logger;
  /**
   * Checks a verified token against what the scheduler holds (meeting cancelled or ended,
   * invitation withdrawn…); its AppError refuses the connection like a bad token.
   */
  admit?: ((claims: JoinClaims) => Promise<AdmissionVerdict | void>) | undefined;
  /** The scheduler's side of live meetings (lifecycle, expected sites, attendance log); none: every meeting is ad hoc. */
  live?: LiveStore | undefined;
}

export function createSignaling({ httpServer, sfu, config, log, admit, live }: SignalingDeps): Signaling {
  const io: Signaling['io'] = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.maxMessageBytes,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });
  const conferences = new Conferences({ io, log, live });
  const verify = createJoinTokenVerifier(config.jwtSecret);
  const watched = new WeakSet<Room>();

  // Handshake: a valid join token or no connection. Its error reaches the client as connect_error.
  io.use(async (socket, next) => {
    try {
      const claims = verify(socket.handshake.auth?.token);
      const verdict = (await admit?.(claims)) ?? { guest: false };
      // A removed link, a newcomer to a locked meeting, or anyone after the end, is refused before it connects.
      await conferences.checkEntry(claims);
      // TODO(cluster): here the join will consult the meeting → node map (NodeRegistry.claimMeeting):
      // when another live node serves this meeting, refuse with where to go (its announced URL) instead
      // of opening a second copy of the meeting here. Not wired yet: every node still serves every join.
      socket.data.claims = claims;
      socket.data.verdict = verdict;
      next();
    } catch (error) {
      // Not a refusal but a failure (e.g. Redis unreachable): say so rather than blame the token.
      if (!(error instanceof AppError)) log.error('join admission failed', { error: error instanceof Error ? error.message : String(error) });
      const body = toErrorBody(error);
      next(Object.assign(new Error(body.message), { data: body }));
    }
  });

  const watchRoom = (room: Room) => {
    if (watched.has(room)) return;
    watched.add(room);
    room.on('active-speaker', (participantId) => io.to(room.meetingId).emit('active-speaker', { participantId }));
  };

  io.on('connection', (socket: MeetingSocket) => {
    new Session(socket, { sfu, conferences, config, log, io, watchRoom });
    // Unknown requests still get an answer, so a client never waits forever.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      if (socket.listeners(event as keyof ClientToServerEvents).length === 0 && typeof ack === 'function') {
        ack({ ok: false, error: { code: 'BAD_REQUEST', message: `Unknown request "${event.slice(0, 64)}"` } });
      }
    });
  });

  return {
    io,
    participantCount: (meetingId) => conferences.count(meetingId as MeetingId),
    participantTotal: () => conferences.total(),
    conference: (meetingId) => conferences.get(meetingId as MeetingId),
    async close() {
      io.disconnectSockets(true);
      // The leaves just logged go out before the store is closed.
      const flushed = conferences.flushed();
      conferences.close();
      await flushed;
      // io.close() would also close the HTTP server, which belongs to its owner.
      io.engine.close();
    },
  };
}
