/** The floor (phát biểu): an ordered queue of requests and at most one turn, with an optional time limit. */
import { AppError, conflict, notFound } from '../../lib/errors.js';
import { TypedEmitter } from '../../lib/typed-emitter.js';
import type { FloorChangeReason, FloorRequestInfo, FloorTurn } from '../../protocol/conference.js';
import type { ParticipantId } from '../../protocol/ids.js';

type FloorEvents = {
  /** The turn changed: `previous` lost the floor (if any), `turn` holds it now (if any). */
  turn: [turn: FloorTurn | null, previous: FloorTurn | null, reason: FloorChangeReason];
  /** The queue changed. */
  queue: [];
};

export interface FloorClock {
  now(): number;
}

export class Floor extends TypedEmitter<FloorEvents> {
  #queue: FloorRequestInfo[] = [];
  #turn: FloorTurn | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly clock: FloorClock = { now: () => Date.now() }) {
    super();
  }

  get turn(): FloorTurn | null {
    return this.#turn;
  }

  get queue(): readonly FloorRequestInfo[] {
    return this.#queue;
  }

  holder(): ParticipantId | null {
    return this.#turn?.participantId ?? null;
  }

  /** Queues a request; the answer is its 1-based position. */
  request(participantId: ParticipantId, about: { agendaItem?: string; agendaTitle?: string; subject?: string }): number {
    if (this.#turn?.participantId === participantId) throw conflict('You already have the floor');
    if (this.#queue.some((r) => r.participantId === participantId)) throw conflict('You have already asked for the floor');
    this.#queue.push({ participantId, ...about, requestedAt: this.clock.now() });
    this.emit('queue');
    return this.#queue.length;
  }

  /** Withdraws a participant's request; false if it had none. */
  cancel(participantId: ParticipantId): boolean {
    const before = this.#queue.length;
    this.#queue = this.#queue.filter((r) => r.participantId !== participantId);
    if (this.#queue.length === before) return false;
    this.emit('queue');
    return true;
  }

  /** Gives the floor to `participantId` (or the head of the queue); whoever had it loses it. */
  grant(participantId: ParticipantId | undefined, timeLimitSeconds?: number): FloorTurn {
    const id = participantId ?? this.#queue[0]?.participantId;
    if (id === undefined) throw notFound('Nobody has asked for the floor');
    const request = this.#queue.find((r) => r.participantId === id);
    if (request) this.cancel(id);
    const now = this.clock.now();
    const turn: FloorTurn = {
      participantId: id,
      ...(request?.agendaItem === undefined ? {} : { agendaItem: request.agendaItem }),
      ...(request?.agendaTitle === undefined ? {} : { agendaTitle: request.agendaTitle }),
      ...(request?.subject === undefined ? {} : { subject: request.subject }),
      grantedAt: now,
      deadline: timeLimitSeconds === undefined ? null : now + timeLimitSeconds * 1000,
    };
    this.#setTurn(turn, 'granted');
    if (timeLimitSeconds !== undefined) {
      this.#timer = setTimeout(() => {
        if (this.#turn === turn) this.#setTurn(null, 'expired');
      }, timeLimitSeconds * 1000);
    }
    return turn;
  }

  /** Passes over a request (the head of the queue by default) without granting it. */
  skip(participantId: ParticipantId | undefined): FloorRequestInfo {
    const request = participantId === undefined ? this.#queue[0] : this.#queue.find((r) => r.participantId === participantId);
    if (!request) throw notFound(participantId === undefined ? 'The queue is empty' : 'That participant has not asked for the floor');
    this.cancel(request.participantId);
    return request;
  }

  /** Ends the current turn. */
  revoke(reason: FloorChangeReason = 'revoked'): FloorTurn {
    const turn = this.#turn;
    if (!turn) throw new AppError('CONFLICT', 'Nobody has the floor');
    this.#setTurn(null, reason);
    return turn;
  }

  /** A participant has gone: its turn ends and its request leaves the queue. */
  forget(participantId: ParticipantId, reason: FloorChangeReason): void {
    this.cancel(participantId);
    if (this.#turn?.participantId === participantId) this.#setTurn(null, reason);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #setTurn(turn: FloorTurn | null, reason: FloorChangeReason): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const previous = this.#turn;
    this.#turn = turn;
    this.emit('turn', turn, previous, reason);
  }
}
