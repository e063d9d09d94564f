import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type { TSchema } from '@sinclair/typebox';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MediaPeer } from '../sfu/media-peer.js';
import type { Room } from '../sfu/room.js';
import type { Sfu } from '../sfu/sfu.js';
import type { JoinClaims } from '../protocol/claims.js';
import type { ClientToServerEvents, JoinResponse, NewConsumer, ParticipantInfo, ServerToClientEvents } from '../protocol/events.js';
import type { MeetingId, ParticipantId, SubjectId } from '../protocol/ids.js';
import * as msg from '../protocol/messages.js';
import type { SignalingConfig } from './config.js';
import type { AdmissionVerdict } from './live-store.js';
import type { Conference } from './conference/conference.js';
import type { Conferences } from './conference/registry.js';
import type { Member } from './conference/live-state.js';
import { authorize } from './conference/permissions.js';
import { registerControlRequests } from './conference/requests.js';
import { TokenBucket } from './rate-limit.js';
import { withAck, type Handler } from './with-ack.js';

export type SocketData = { claims: JoinClaims; verdict: AdmissionVerdict };
export type MeetingSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type MeetingServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SessionDeps {
  sfu: Sfu;
  conferences: Conferences;
  config: SignalingConfig;
  log: Logger;
  /** Broadcasts to everyone in a meeting go through io.to(meetingId). */
  io: MeetingServer;
  /** Called once per room a session holds, so room-wide events are wired once. */
  watchRoom(room: Room): void;
}

/** Refused requests after which a socket is taken to be flooding and is cut off. */
const FLOOD_STRIKES = 100;

/** One participant's connection: turns protocol requests into sfu calls and sfu events into messages. */
export class Session {
  readonly participant: ParticipantInfo;
  readonly meetingId: MeetingId;
  readonly #bucket: TokenBucket;
  #roomHeld: Promise<Room> | undefined;
  #peer: MediaPeer | undefined;
  #conference: Conference | undefined;
  #strikes = 0;
  #ended = false;

  constructor(
    private readonly socket: MeetingSocket,
    private readonly deps: SessionDeps,
  ) {
    const { claims } = socket.data;
    this.meetingId = claims.meetingId as MeetingId;
    this.participant = {
      id: randomUUID() as ParticipantId,
      subjectId: claims.sub as SubjectId,
      name: claims.name,
      role: claims.role,
    };
    this.#bucket = new TokenBucket(deps.config.rateBurst, deps.config.ratePerSecond);
    this.#register();
    socket.on('disconnect', () => this.end());
  }

  #register(): void {
    const on = <S extends TSchema, R>(event: keyof ClientToServerEvents, schema: S, handler: Handler<S, R>) => {
      this.socket.on(event, withAck(schema, handler, () => this.#gate(), this.deps.log) as never);
    };
    on('router-capabilities', msg.Empty, async () => (await this.#room()).rtpCapabilities);
    on('join', msg.JoinRequest, (req) => this.#join(req));
    on('create-transport', msg.CreateTransportRequest, (req) => this.#media().createTransport(req.direction, req));
    on('create-ingest-transport', msg.CreateIngestTransportRequest, async () => {
      authorize(this.socket.data.claims, 'produce');
      const { id, ip, port } = await this.#media().createIngestTransport();
      return { transportId: id, ip, port };
    });
    on('connect-transport', msg.ConnectTransportRequest, async (req) => {
      await this.#media().connectTransport(req.transportId, req.dtlsParameters);
      return null;
    });
    on('restart-ice', msg.RestartIceRequest, (req) => this.#media().restartIce(req.transportId));
    on('produce', msg.ProduceRequest, async (req) => {
      authorize(this.socket.data.claims, 'produce');
      const peer = this.#media();
      const producerId = await peer.produce(req);
      this.#conference?.mediaChanged();
      return { producerId, paused: peer.producers.find((p) => p.id === producerId)?.paused ?? false };
    });
    on('pause-producer', msg.ProducerRequest, async (req) => {
      await this.#media().pauseProducer(req.producerId);
      this.#conference?.mediaChanged();
      return null;
    });
    on('resume-producer', msg.ProducerRequest, async (req) => {
      await this.#media().resumeProducer(req.producerId);
      this.#conference?.mediaChanged();
      return null;
    });
    on('close-producer', msg.ProducerRequest, async (req) => {
      await this.#media().closeProducer(req.producerId);
      this.#conference?.mediaChanged();
      return null;
    });
    on('leave', msg.Empty, () => {
      this.end();
      // After the ack has gone out.
      setImmediate(() => this.socket.disconnect(true));
      return null;
    });
    registerControlRequests(on, {
      claims: this.socket.data.claims,
      joined: () => this.#inConference(),
      arrived: () => {
        this.#joined();
        if (!this.#conference) throw new AppError('NOT_JOINED', 'Join the meeting first');
        return { conference: this.#conference, id: this.participant.id };
      },
    });
  }

  async #join(req: msg.JoinRequest): Promise<JoinResponse> {
    if (this.#peer) throw new AppError('ALREADY_JOINED', 'Already joined');
    const room = await this.#room();
    if (this.#ended) throw new AppError('MEETING_CLOSED', 'This connection has ended');
    const conference = await this.deps.conferences.open(this.meetingId);
    if (this.#ended) throw new AppError('MEETING_CLOSED', 'This connection has ended');
    // Checked again: the meeting may have been locked or ended, or this link removed, since the handshake.
    conference.checkEntry(this.socket.data.claims);
    const peer = await room.join(this.participant.id, req.rtpCapabilities, { unitId: this.socket.data.claims.unitId });
    if (this.#ended) {
      peer.close();
      throw new AppError('MEETING_CLOSED', 'This connection has ended');
    }
    this.#peer = peer;
    peer.on('consumer-created', (consumer) => this.#offerConsumer(peer, consumer));
    peer.on('consumer-closed', (consumerId) => this.socket.emit('consumer-closed', { consumerId }));
    peer.on('consumer-paused', (consumerId) => this.socket.emit('consumer-paused', { consumerId }));
    peer.on('consumer-resumed', (consumerId) => this.socket.emit('consumer-resumed', { consumerId }));
    peer.on('layers-needed', (producerId, maxSpatialLayer) => this.socket.emit('layers-needed', { producerId, maxSpatialLayer }));
    peer.on('link-mode', (mode) => {
      this.deps.log.info('receive link', { participant: peer.id, mode });
      this.socket.emit('link-mode', { mode });
    });
    peer.on('closed', () => {
      if (this.#ended) return;
      // The media side went away under us: the whole meeting's (its last worker died), or only this
      // participant's (its worker or its media node): tell the client, which joins again, and hang up.
      this.socket.emit(
        'kicked',
        room.closed
          ? { code: 'MEETING_CLOSED', message: 'The meeting media has closed' }
          : { code: 'MEDIA_UNAVAILABLE', message: 'Your media server went away: join again' },
      );
      this.socket.disconnect(true);
    });
    const arrival = conference.arrive(this.socket, this.participant, this.socket.data.claims, peer, room, this.socket.data.verdict);
    this.#conference = conference;
    this.deps.log.info('participant joined', {
      meetingId: this.meetingId,
      participant: this.participant.id,
      role: this.participant.role,
      ...(arrival.lobby ? { lobby: true } : arrival.waiting ? { waiting: true } : {}),
    });
    const agenda = conference.agenda;
    return { meetingId: this.meetingId, ...(conference.title ? { title: conference.title } : {}), ...(agenda ? { agenda } : {}), self: this.participant, ...arrival };
  }

  #inConference(): { conference: Conference; me: Member } {
    this.#joined();
    this.#conference?.gate(this.participant.id);
    const me = this.#conference?.state.member(this.participant.id);
    if (!this.#conference || !me) throw new AppError('NOT_JOINED', 'Join the meeting first');
    return { conference: this.#conference, me };
  }

  /** Server-initiated consume: the consumer starts paused and is resumed once the client says it is ready. */
  #offerConsumer(peer: MediaPeer, consumer: NewConsumer): void {
    this.socket
      .timeout(this.deps.config.consumerAckTimeoutMs)
      .emitWithAck('new-consumer', consumer)
      .then(async (result) => {
        if (!result.ok) this.deps.log.warn('client refused a consumer', { participant: peer.id, error: result.error });
        // The policy may have closed it meanwhile (a page turned, a turn ended): nothing to resume then.
        else if (peer.consumers.some((c) => c.id === consumer.consumerId)) await peer.resumeConsumer(consumer.consumerId);
      })
      .catch((error: Error) => {
        if (!peer.closed) this.deps.log.warn('consumer not resumed', { participant: peer.id, error: error.message });
      });
  }

  #room(): Promise<Room> {
    if (!this.#roomHeld) {
      // end() releases what this holds, whenever it resolves.
      this.#roomHeld = this.deps.sfu.holdRoom(this.meetingId).then((room) => {
        this.deps.watchRoom(room);
        return room;
      });
      this.#roomHeld.catch(() => (this.#roomHeld = undefined));
    }
    return this.#roomHeld;
  }

  #joined(): MediaPeer {
    if (!this.#peer || this.#peer.closed) throw new AppError('NOT_JOINED', 'Join the meeting first');
    return this.#peer;
  }

  /** The peer, for media requests: only once in the meeting proper (not in the waiting room or lobby). */
  #media(): MediaPeer {
    const peer = this.#joined();
    this.#conference?.gate(this.participant.id);
    return peer;
  }

  #gate(): void {
    if (this.#bucket.take()) return;
    if (++this.#strikes >= FLOOD_STRIKES) {
      this.deps.log.warn('socket flooding, disconnecting', { participant: this.participant.id });
      this.socket.emit('kicked', { code: 'RATE_LIMITED', message: 'Too many requests' });
      this.socket.disconnect(true);
    }
    throw new AppError('RATE_LIMITED', 'Too many requests: slow down');
  }

  /** Idempotent: closes this participant's media and tells the others. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const peer = this.#peer;
    if (peer) {
      peer.close();
      const wasIn = this.#conference?.leave(this.participant.id) ?? false;
      this.deps.conferences.settle(this.meetingId);
      if (wasIn) this.deps.io.to(this.meetingId).emit('participant-left', { participantId: this.participant.id });
      this.deps.log.info('participant left', { meetingId: this.meetingId, participant: this.participant.id });
    }
    this.#roomHeld?.then((room) => room.release()).catch(() => {});
  }
}
