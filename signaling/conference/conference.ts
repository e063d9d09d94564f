/**
 * A live meeting on this node: carries out control actions on the live state, then makes the media
 * follow (who is held muted, what each peer consumes) and tells the clients what changed.
 * Permissions are checked before these methods are called (requests.ts, against permissions.ts).
 */
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ChatMessage, ConferenceState, FloorTurn, GridPage } from '../../protocol/conference.js';
import type { ParticipantInfo } from '../../protocol/events.js';
import type { MeetingId, ParticipantId } from '../../protocol/ids.js';
import type { MessageAudience } from '../../protocol/messages.js';
import type { Peer } from '../../sfu/peer.js';
import { conferencePolicy } from '../../sfu/policy.js';
import type { Room } from '../../sfu/room.js';
import type { MeetingServer, MeetingSocket } from '../session.js';
import { LiveState, type Member } from './live-state.js';
import { may } from './permissions.js';

interface Link {
  socket: MeetingSocket;
  peer: Peer;
}

export interface ConferenceDeps {
  meetingId: MeetingId;
  io: MeetingServer;
  log: Logger;
}

export class Conference {
  readonly state = new LiveState();
  readonly meetingId: MeetingId;
  /** The Socket.IO room of the chair and secretary: they see the full state and control messages. */
  readonly controlRoom: string;
  readonly #links = new Map<ParticipantId, Link>();
  readonly #io: MeetingServer;
  readonly #log: Logger;
  #room: Room | null = null;
  #version = 0;
  #lastView = '';
  readonly #lastGrid = new Map<ParticipantId, string>();
  /** Microphones the server should resume at the next commit (floor granted, site unmuted). */
  readonly #resume = new Set<ParticipantId>();

  constructor({ meetingId, io, log }: ConferenceDeps) {
    this.meetingId = meetingId;
    this.controlRoom = `${meetingId}#control`;
    this.#io = io;
    this.#log = log.child({ meetingId });
    this.state.floor.on('turn', (turn, previous, reason) => {
      if (previous) this.state.turnEnded(previous.participantId);
      if (turn) {
        this.state.turnGranted(turn.participantId);
        this.#resume.add(turn.participantId);
      }
      this.#io.to(this.meetingId).emit('floor-changed', { floor: turn, reason });
      this.#commit();
    });
    this.state.floor.on('queue', () => this.#commit());
  }

  get size(): number {
    return this.state.size;
  }

  /** Anything to keep once everyone has gone: removed links, a lock. */
  get remembers(): boolean {
    return this.state.admission.remembers;
  }

  /** Refuses a removed link or a newcomer to a locked meeting; called at the handshake and again at join. */
  checkEntry(claims: JoinClaims): void {
    this.state.admission.check(claims, this.state.hasSubject(claims.sub));
  }

  participants(): ParticipantInfo[] {
    return [...this.state.members].map((m) => m.info);
  }

  /** A participant joins: it is held muted unless it may speak, before it can produce anything. */
  join(
    socket: MeetingSocket,
    info: ParticipantInfo,
    claims: JoinClaims,
    peer: Peer,
    room: Room,
  ): { conference: ConferenceState; muted: boolean; grid?: GridPage } {
    this.checkEntry(claims);
    const member = this.state.add(info, claims);
    this.#links.set(info.id, { socket, peer });
    this.#room = room;
    const grid = this.state.gridPage(member);
    if (grid) {
      void socket.join(this.controlRoom);
      // It goes out in the join response; grid-page events are for later changes.
      this.#lastGrid.set(info.id, JSON.stringify(grid));
    }
    this.#commit();
    return { conference: this.#snapshot(member), muted: peer.audioHeld, ...(grid ? { grid } : {}) };
  }

  leave(id: ParticipantId): void {
    if (!this.#links.delete(id)) return;
    this.#lastGrid.delete(id);
    this.state.delete(id, 'left');
    this.#commit();
  }

  requestFloor(id: ParticipantId, about: { agendaItem?: string; subject?: string }): number {
    return this.state.floor.request(id, about);
  }

  cancelFloorRequest(id: ParticipantId): void {
    if (!this.state.floor.cancel(id)) throw new AppError('NOT_FOUND', 'You have not asked for the floor');
  }

  grantFloor(target: string | undefined, timeLimitSeconds?: number): FloorTurn {
    if (target !== undefined && !may(this.state.target(target).claims.role, 'produce')) {
      throw new AppError('CONFLICT', 'An observer cannot be given the floor');
    }
    return this.state.floor.grant(target as ParticipantId | undefined, timeLimitSeconds);
  }

  skipFloor(target: string | undefined): void {
    this.state.floor.skip(target as ParticipantId | undefined);
  }

  revokeFloor(): void {
    this.state.floor.revoke();
  }

  mute(target: Member, muted: boolean): void {
    if (may(target.claims.role, 'speak-freely')) throw new AppError('CONFLICT', 'The chair mutes its own microphone');
    this.state.setMuted(target.info.id, muted);
    if (!muted) this.#resume.add(target.info.id);
    this.#commit();
  }

  muteAll(caller: ParticipantId): number {
    const muted = this.state.muteAll(caller);
    this.#commit();
    return muted;
  }

  setFreeDiscussion(open: boolean): void {
    this.state.setFreeDiscussion(open);
    this.#commit();
  }

  spotlight(target: string | null): void {
    this.state.setSpotlight(target as ParticipantId | null);
    this.#commit();
  }

  lock(locked: boolean): void {
    this.state.admission.setLocked(locked);
    this.#commit();
  }

  /** Removes a participant: its link stays out of this meeting until it is re-admitted. */
  remove(target: Member): void {
    const id = target.info.id;
    this.state.admission.remove(target.claims, Date.now());
    const link = this.#links.get(id);
    this.#links.delete(id);
    this.#lastGrid.delete(id);
    this.state.delete(id, 'removed');
    this.#commit();
    this.#log.info('participant removed', { participant: id, subject: target.claims.sub });
    if (link) {
      link.socket.emit('removed', { code: 'REMOVED', message: 'The chair removed you from the meeting' });
      link.socket.disconnect(true);
    }
  }

  admit(subjectId: string): number {
    const admitted = this.state.admission.admit(subjectId);
    this.#commit();
    return admitted;
  }

  setGridPage(viewer: ParticipantId, page: number, pageSize: number): GridPage {
    const grid = this.state.setGrid(viewer, page, pageSize);
    // The answer carries the page; the grid-page event is for changes the viewer did not ask for.
    this.#lastGrid.set(viewer, JSON.stringify(grid));
    this.#commit();
    return grid;
  }

  sendMessage(from: Member, text: string, to: MessageAudience): ChatMessage {
    const message = this.state.messages.add({ from: from.info.id, name: from.info.name, role: from.info.role, to, text, at: Date.now() });
    if (to === 'all') {
      this.#io.to(this.meetingId).emit('message', message);
    } else {
      this.#io.to(this.controlRoom).emit('message', message);
      // The sender sees its own report even though it is not in the control room.
      if (!from.grid) this.#links.get(from.info.id)?.socket.emit('message', message);
    }
    return message;
  }

  close(): void {
    this.state.floor.close();
  }

  /** After every change: hold or free microphones, set the media policy, publish the state and grid pages. */
  #commit(): void {
    this.#applyVoices();
    this.#room?.setPolicy(conferencePolicy(this.state.policyInputs()));
    this.#publishState();
    this.#publishGrids();
  }

  #applyVoices(): void {
    for (const [id, { socket, peer }] of this.#links) {
      const held = !this.state.mayspeak(id);
      const resume = !held && this.#resume.has(id);
      if (peer.audioHeld === held && !resume) continue;
      const wasHeld = peer.audioHeld;
      peer
        .holdAudio(held, { resume })
        .then(() => {
          if (wasHeld !== held || resume) socket.emit('muted', { muted: held, micOn: resume && peer.producers.some((p) => p.kind === 'audio') });
        })
        .catch((error: Error) => {
          if (!peer.closed) this.#log.warn('could not apply a mute', { participant: id, error: error.message });
        });
    }
    this.#resume.clear();
  }

  #publishState(): void {
    const control = this.state.view(true);
    const json = JSON.stringify(control);
    if (json === this.#lastView) return;
    this.#lastView = json;
    this.#version++;
    this.#io.to(this.controlRoom).emit('conference-state', { version: this.#version, ...control });
    this.#io.to(this.meetingId).except(this.controlRoom).emit('conference-state', { version: this.#version, ...this.state.view(false) });
  }

  #publishGrids(): void {
    for (const member of this.state.members) {
      const grid = this.state.gridPage(member);
      const link = this.#links.get(member.info.id);
      if (!grid || !link) continue;
      const json = JSON.stringify(grid);
      if (this.#lastGrid.get(member.info.id) === json) continue;
      this.#lastGrid.set(member.info.id, json);
      link.socket.emit('grid-page', grid);
    }
  }

  #snapshot(member: Member): ConferenceState {
    return { version: this.#version, ...this.state.view(member.grid !== null) };
  }
}
