import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
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
import type { Placement } from './placement.js';
import { Session, type MeetingServer, type MeetingSocket } from './session.js';

export interface Signaling {
  readonly io: MeetingServer;
  /** Participants joined to a meeting on this node (in it, or in its waiting room or lobby). */
  participantCount(meetingId: string): number;
  /** Participants joined to any meeting on this node. */
  participantTotal(): number;
  /** The live state of a meeting on this node, if it has one. */
  conference(meetingId: string): Conference | undefined;
  /**
   * Claims again every meeting this node serves (after it had counted as gone and lost them); a
   * meeting another node took meanwhile is logged, its participants here are left as they are.
   */
  reclaim(): Promise<void>;
  /** A node joined or left the cluster: this node's pages hear the new list of nodes (cluster-nodes). */
  nodesChanged(): Promise<void>;
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
  /** The cluster's meeting → node map; none: this node serves every meeting. */
  placement?: Placement | undefined;
  /** Spreads rooms and broadcasts over the cluster's nodes (the Redis adapter); none: this process only. */
  adapter?: ServerOptions['adapter'] | undefined;
}

export function createSignaling({ httpServer, sfu, config, log, admit, live, placement, adapter }: SignalingDeps): Signaling {
  const io: Signaling['io'] = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.maxMessageBytes,
    pingInterval: 10_000,
    pingTimeout: 10_000,
    ...(adapter ? { adapter } : {}),
    // A page served by one node may be sent to another (a join redirect): every node's origin is allowed.
    ...(placement
      ? {
          cors: {
            origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => {
              if (!origin) return callback(null, false);
              placement.allowsOrigin(origin).then(
                (allow) => callback(null, allow),
                () => callback(null, false),
              );
            },
          },
        }
      : {}),
  });
  /** Handshakes of this node between their claim and their connection, by meeting. */
  const arriving = new Map<MeetingId, number>();
  /** A meeting is given up once nothing of it is left here: no socket, no handshake on its way, no conference. */
  const releaseIfIdle = (meetingId: MeetingId) => {
    if (!placement || arriving.has(meetingId) || conferences.get(meetingId)) return;
    for (const socket of io.of('/').sockets.values()) if (socket.data.claims.meetingId === meetingId) return;
    placement.release(meetingId).catch((error: Error) => log.warn('could not release a meeting', { meetingId, error: error.message }));
  };
  const conferences = new Conferences({ io, log, live, forgotten: releaseIfIdle });
  const verify = createJoinTokenVerifier(config.jwtSecret);
  const watched = new WeakSet<Room>();

  // Handshake: a valid join token or no connection. Its error reaches the client as connect_error.
  io.use(async (socket, next) => {
    try {
      const claims = verify(socket.handshake.auth?.token);
      const verdict = (await admit?.(claims)) ?? { guest: false };
      // A removed link, a newcomer to a locked meeting, or anyone after the end, is refused before it connects.
      await conferences.checkEntry(claims);
      const meetingId = claims.meetingId as MeetingId;
      if (placement) {
        // Held from before the claim until the socket is connected (or dropped), so a departure meanwhile does not release the meeting.
        arriving.set(meetingId, (arriving.get(meetingId) ?? 0) + 1);
        const claim = await placement.claim(meetingId).catch((error: unknown) => {
          settleArrival(meetingId);
          throw error;
        });
        if (!claim.here) {
          settleArrival(meetingId);
          throw new AppError('MOVED', 'This meeting is served by another server of the cluster', { reason: 'other-node', url: claim.url });
        }
        // Socket.IO connects it on the next tick, unless its client has gone meanwhile.
        setImmediate(() => settleArrival(meetingId));
      }
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

  function settleArrival(meetingId: MeetingId): void {
    const left = (arriving.get(meetingId) ?? 1) - 1;
    if (left > 0) arriving.set(meetingId, left);
    else {
      arriving.delete(meetingId);
      releaseIfIdle(meetingId);
    }
  }

  const watchRoom = (room: Room) => {
    if (watched.has(room)) return;
    watched.add(room);
    room.on('active-speaker', (participantId) => io.to(room.meetingId).emit('active-speaker', { participantId }));
  };

  io.on('connection', (socket: MeetingSocket) => {
    new Session(socket, { sfu, conferences, config, log, io, watchRoom });
    // After the session's own handler, which may have dropped the conference (the socket is already out of io's list).
    if (placement) socket.on('disconnect', () => releaseIfIdle(socket.data.claims.meetingId as MeetingId));
    // Where the page goes should this node be lost (the client tries them in turn).
    placement
      ?.nodeUrls()
      .then((urls) => socket.emit('cluster-nodes', { urls }))
      .catch((error: Error) => log.warn('could not list the cluster nodes for a client', { error: error.message }));
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
    async reclaim() {
      if (!placement) return;
      const meetings = new Set([...conferences.meetings(), ...[...io.of('/').sockets.values()].map((s) => s.data.claims.meetingId as MeetingId)]);
      for (const meetingId of meetings) {
        const claim = await placement.claim(meetingId);
        if (!claim.here) log.warn('another node took a meeting this node still serves; newcomers go there', { meetingId, url: claim.url });
      }
    },
    async nodesChanged() {
      if (!placement) return;
      // This node's sockets: every node tells its own.
      io.local.emit('cluster-nodes', { urls: await placement.nodeUrls() });
    },
    async close() {
      // This node's sockets only: with the Redis adapter, io.disconnectSockets would reach every node's.
      io.local.disconnectSockets(true);
      // The leaves just logged go out before the store is closed.
      const flushed = conferences.flushed();
      conferences.close();
      await flushed;
      // io.close() would also close the HTTP server, which belongs to its owner.
      io.engine.close();
    },
  };
}
