/**
 * A live meeting on this node: carries out control actions on the live state, then makes the media
 * follow (who is held muted, what each peer consumes) and tells the clients what changed.
 * Permissions are checked before these methods are called (requests.ts, against permissions.ts).
 */
import { AppError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ChatMessage, ConferenceState, FloorTurn, GridPage, LinkQuality, MeetingPhase, RollCall, WaitingInfo } from '../../protocol/conference.js';
import type { AgendaEntry, EnteredMeeting, GuestAdmitted, ParticipantInfo } from '../../protocol/events.js';
import type { HallId, MeetingId, ParticipantId, UnitId } from '../../protocol/ids.js';
import type { MessageAudience } from '../../protocol/messages.js';
import type { MediaPeer } from '../../sfu/media-peer.js';
import { conferencePolicy } from '../../sfu/policy.js';
import type { Room } from '../../sfu/room.js';
import type { AdmissionVerdict, LiveMeeting, LiveStore } from '../live-store.js';
import type { MeetingServer, MeetingSocket } from '../session.js';
import { linkKey, type AdmissionSnapshot } from './admission.js';
import { AttendanceRecorder, by, type Subject } from './attendance.js';
import { LiveState, type Member } from './live-state.js';
import { may } from './permissions.js';
import { buildRollCall, liveMedia, measureLink, type PresentParticipant } from './roll-call.js';

interface Link {
  socket: MeetingSocket;
  peer: MediaPeer;
}

/** Someone connected who is not in the meeting proper: in the waiting room, or a guest in the lobby. */
interface Pending extends Link {
  info: ParticipantInfo;
  claims: JoinClaims;
  where: 'waiting' | 'lobby';
}

/** Everyone connected, in the meeting or not: what the log and the roll call say about them. */
interface Present extends Subject {
  guest: boolean;
}

/** What a participant's join gets: in, or waiting (the meeting is not open), or in the lobby (a guest). */
export type Arrival = EnteredMeeting & { waiting?: WaitingInfo; lobby?: true };

/** The roll call is pushed at most this often; link quality is measured this often while someone watches. */
const ROLL_CALL_PUSH_MS = 1000;
const QUALITY_MS = 3000;
/** The roll call re-reads the meeting (its invitations) from the store at most this often. */
const MEETING_REFRESH_MS = 10_000;

export interface ConferenceDeps {
  meetingId: MeetingId;
  io: MeetingServer;
  log: Logger;
  /** The scheduler's side (status, expected sites, attendance log); absent: nothing is stored. */
  live?: LiveStore | undefined;
  /** The meeting as the scheduler holds it; undefined for an ad-hoc meeting (live at once, no list). */
  meeting?: LiveMeeting | undefined;
  /** Removed links and the lock as last saved. */
  admission?: AdmissionSnapshot | undefined;
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
  readonly #pending = new Map<ParticipantId, Pending>();
  readonly #present = new Map<ParticipantId, Present>();
  /** Guest links admitted once: a guest reconnecting does not wait in the lobby again. */
  readonly #admittedGuests = new Set<string>();
  readonly #live: LiveStore | undefined;
  #meeting: LiveMeeting | undefined;
  readonly #attendance: AttendanceRecorder;
  /** Who granted the turn being granted now (for the log). */
  #grantedBy: JoinClaims | undefined;
  // Roll call.
  #calledAt: number | null = null;
  readonly #confirmations = new Map<string, number>();
  readonly #headcounts = new Map<string, number>();
  readonly #watchers = new Set<ParticipantId>();
  readonly #quality = new Map<ParticipantId, LinkQuality>();
  #qualityTimer: NodeJS.Timeout | undefined;
  /** A pass of link measurements is running: the next tick skips rather than overlapping it. */
  #sampling = false;
  /** When the meeting was last read from the store for the roll call, and that read. */
  #meetingReadAt = 0;
  #meetingRead: Promise<void> = Promise.resolve();
  #pushTimer: NodeJS.Timeout | undefined;
  #lastPush = 0;
  #lastRollCall = '';
  #closed = false;

  /** The chair ended one session of a recurring meeting that has more. */
  #seriesContinues = false;
  /** Saves of the admission rules, one after another so the last decision is the one kept. */
  #saving: Promise<void> = Promise.resolve();

  constructor({ meetingId, io, log, live, meeting, admission }: ConferenceDeps) {
    this.meetingId = meetingId;
    this.controlRoom = `${meetingId}#control`;
    this.#io = io;
    this.#log = log.child({ meetingId });
    this.#live = live;
    this.#meeting = meeting;
    this.#attendance = new AttendanceRecorder(meetingId, live, this.#log);
    // A scheduled meeting waits for its chair; an ad-hoc one, or one already opened, is live.
    if (meeting?.status === 'scheduled') this.state.phase = 'waiting';
    if (admission) this.state.admission.restore(admission);
    this.state.floor.on('turn', (turn, previous, reason) => {
      if (previous) {
        this.state.turnEnded(previous.participantId);
        this.#recordAbout('floor-ended', previous.participantId, agendaOf(previous));
      }
      if (turn) {
        this.state.turnGranted(turn.participantId);
        this.#resume.add(turn.participantId);
        this.#recordAbout('floor-granted', turn.participantId, { ...(this.#grantedBy ? by(this.#grantedBy) : {}), ...agendaOf(turn) });
      }
      this.#io.to(this.meetingId).emit('floor-changed', { floor: turn, reason });
      this.#commit();
    });
    this.state.floor.on('queue', () => this.#commit());
  }

  get size(): number {
    return this.state.size;
  }

  /** Anything to keep once everyone has gone: removed links, a lock, the meeting having ended. */
  get remembers(): boolean {
    return this.state.admission.remembers || (this.state.phase === 'ended' && !this.#seriesContinues);
  }

  /** Everyone connected, in the meeting, the waiting room or the lobby. */
  get connected(): number {
    return this.#present.size;
  }

  /** Refuses an ended meeting, a removed link or a newcomer to a locked meeting; called at the handshake and again at join. */
  checkEntry(claims: JoinClaims): void {
    if (this.state.phase === 'ended') throw new AppError('MEETING_CLOSED', 'This meeting has ended');
    // A hall reconnecting from the waiting room or the lobby is not new either.
    const present = this.state.hasSubject(claims.sub) || [...this.#present.values()].some((p) => p.claims.sub === claims.sub);
    this.state.admission.check(claims, present);
  }

  /** Refuses media to someone not in the meeting proper (the waiting room, the lobby). */
  gate(id: ParticipantId): void {
    const pending = this.#pending.get(id);
    if (pending?.where === 'lobby') throw new AppError('NOT_ADMITTED', 'You are in the lobby: wait for the chair or secretary to admit you');
    if (pending) throw new AppError('MEETING_NOT_OPEN', 'The meeting has not been opened yet: wait for the chair');
  }

  /** Someone connected who may act on its own behalf (roll call): in the meeting or the waiting room, not the lobby. */
  presentSelf(id: ParticipantId): JoinClaims {
    if (this.#pending.get(id)?.where === 'lobby') this.gate(id);
    const present = this.#present.get(id);
    if (!present) throw new AppError('NOT_JOINED', 'Join the meeting first');
    return present.claims;
  }

  /**
   * A participant has joined: a guest goes to the lobby, anyone but the chair and secretary waits in
   * the waiting room while the meeting is not open, everyone else is in.
   */
  arrive(socket: MeetingSocket, info: ParticipantInfo, claims: JoinClaims, peer: MediaPeer, room: Room, verdict: AdmissionVerdict): Arrival {
    this.checkEntry(claims);
    this.#room = room;
    const present: Present = { claims, invitationId: verdict.invitationId, guest: verdict.guest };
    this.#present.set(info.id, present);
    if (verdict.guest && !this.#admittedGuests.has(linkKey(claims))) {
      this.#pending.set(info.id, { socket, peer, info, claims, where: 'lobby' });
      this.state.lobby.push({
        participantId: info.id,
        subjectId: info.subjectId,
        name: info.name,
        role: info.role,
        ...(claims.hallId ? { hallId: claims.hallId as HallId } : {}),
        ...(claims.unitId ? { unitId: claims.unitId as UnitId } : {}),
        since: Date.now(),
      });
      this.#commit();
      this.#log.info('guest in the lobby', { participant: info.id, subject: claims.sub });
      return { participants: [], conference: this.#snapshot(null), muted: true, lobby: true };
    }
    this.#attendance.record('joined', present);
    return this.#admitOrWait(socket, info, claims, peer);
  }

  #admitOrWait(socket: MeetingSocket, info: ParticipantInfo, claims: JoinClaims, peer: MediaPeer): Arrival {
    if (this.state.phase === 'waiting' && !may(claims.role, 'enter-early')) {
      this.#pending.set(info.id, { socket, peer, info, claims, where: 'waiting' });
      this.#rollCallChanged();
      return { participants: [], conference: this.#snapshot(null), muted: true, waiting: this.waitingInfo() };
    }
    return this.#enter(socket, info, claims, peer);
  }

  waitingInfo(): WaitingInfo {
    const m = this.#meeting;
    return m ? { title: m.title, startsAt: m.start, endsAt: m.end } : { title: this.meetingId, startsAt: new Date().toISOString() };
  }

  /** The meeting's title when the scheduler holds it. */
  get title(): string | undefined {
    return this.#meeting?.title;
  }

  participants(): ParticipantInfo[] {
    return [...this.state.members].map((m) => m.info);
  }

  /** A participant enters the meeting proper: it is held muted unless it may speak, before it can produce anything. */
  #enter(socket: MeetingSocket, info: ParticipantInfo, claims: JoinClaims, peer: MediaPeer): EnteredMeeting {
    this.#pending.delete(info.id);
    const participants = this.participants();
    const member = this.state.add(info, claims);
    if (this.state.admission.entered(claims.sub)) this.#saveAdmission();
    this.#links.set(info.id, { socket, peer });
    const grid = this.state.gridPage(member);
    if (grid) {
      void socket.join(this.controlRoom);
      // It goes out in the join response; grid-page events are for later changes.
      this.#lastGrid.set(info.id, JSON.stringify(grid));
    }
    void socket.join(this.meetingId);
    socket.to(this.meetingId).emit('participant-joined', info);
    this.#commit();
    this.#log.info('participant entered', { participant: info.id, role: info.role });
    // What was said before it came in, as far as it may read it: to everyone, or to the chair's side if it is there.
    const messages = this.state.messages.messages.filter((m) => m.to === 'all' || member.grid || m.from === info.id).slice(-50);
    return { participants, conference: this.#snapshot(member), muted: peer.audioHeld, messages, ...(grid ? { grid } : {}) };
  }

  /** Someone disconnected; true if it was in the meeting proper (the others were told it joined). */
  leave(id: ParticipantId): boolean {
    const present = this.#present.get(id);
    if (!present) return false;
    this.#watchers.delete(id);
    this.#quality.delete(id);
    const pending = this.#pending.get(id);
    if (pending) {
      this.#pending.delete(id);
      this.#present.delete(id);
      if (pending.where === 'lobby') {
        this.state.lobby = this.state.lobby.filter((g) => g.participantId !== id);
        this.#commit();
      } else {
        this.#attendance.record('left', present);
        this.#rollCallChanged();
      }
      return false;
    }
    if (!this.#links.delete(id)) return false;
    this.#lastGrid.delete(id);
    // The turn it held ends in here (logged while it is still known).
    this.state.delete(id, 'left');
    this.#present.delete(id);
    this.#attendance.record('left', present);
    this.#commit();
    return true;
  }

  /** A scheduled meeting's request names an item of its agenda by index; an ad-hoc one's is free text. */
  requestFloor(id: ParticipantId, about: { agendaItem?: string; subject?: string }): number {
    const agenda = this.#meeting?.agenda;
    if (!agenda || about.agendaItem === undefined) return this.state.floor.request(id, about);
    const index = /^\d{1,4}$/.test(about.agendaItem) ? Number(about.agendaItem) : -1;
    const item = agenda[index];
    if (!item) throw new AppError('BAD_REQUEST', `"${about.agendaItem}" is not an item of this meeting's agenda (0 to ${agenda.length - 1})`);
    return this.state.floor.request(id, { ...about, agendaItem: String(index), agendaTitle: item.title });
  }

  /** The agenda, when the scheduler holds the meeting. */
  get agenda(): AgendaEntry[] | undefined {
    return this.#meeting?.agenda;
  }

  cancelFloorRequest(id: ParticipantId): void {
    if (!this.state.floor.cancel(id)) throw new AppError('NOT_FOUND', 'You have not asked for the floor');
  }

  grantFloor(target: string | undefined, timeLimitSeconds: number | undefined, grantedBy: JoinClaims): FloorTurn {
    if (target !== undefined && !may(this.state.target(target).claims.role, 'produce')) {
      throw new AppError('CONFLICT', 'An observer cannot be given the floor');
    }
    this.#grantedBy = grantedBy;
    try {
      return this.state.floor.grant(target as ParticipantId | undefined, timeLimitSeconds);
    } finally {
      this.#grantedBy = undefined;
    }
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
    const inside = [...this.state.members].map((m) => m.claims.sub);
    if (this.state.admission.setLocked(locked, inside)) this.#saveAdmission();
    this.#commit();
  }

  /** Removes a participant: its link stays out of this meeting until it is re-admitted. */
  remove(target: Member, removedBy: JoinClaims): void {
    const id = target.info.id;
    this.state.admission.remove(target.claims, Date.now());
    this.#saveAdmission();
    const link = this.#links.get(id);
    this.#links.delete(id);
    this.#lastGrid.delete(id);
    this.#watchers.delete(id);
    this.state.delete(id, 'removed');
    const present = this.#present.get(id);
    this.#present.delete(id);
    if (present) {
      this.#attendance.record('removed', present, by(removedBy));
      // Its presence ends here: its session will find it gone and log nothing more.
      this.#attendance.record('left', present);
    }
    this.#commit();
    // Its session will not say so: it is no longer in the meeting when its socket closes.
    this.#io.to(this.meetingId).except(link ? [link.socket.id] : []).emit('participant-left', { participantId: id });
    this.#log.info('participant removed', { participant: id, subject: target.claims.sub });
    if (link) {
      link.socket.emit('removed', { code: 'REMOVED', message: 'The chair removed you from the meeting' });
      link.socket.disconnect(true);
    }
  }

  admit(subjectId: string): number {
    const admitted = this.state.admission.admit(subjectId);
    if (admitted > 0) this.#saveAdmission();
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
    this.#attendance.record('message', this.#present.get(from.info.id) ?? { claims: from.claims }, { text, to: to === 'all' ? 'all' : 'chair' });
    if (to === 'all') {
      this.#io.to(this.meetingId).emit('message', message);
    } else {
      this.#io.to(this.controlRoom).emit('message', message);
      // The sender sees its own report even though it is not in the control room.
      if (!from.grid) this.#links.get(from.info.id)?.socket.emit('message', message);
    }
    return message;
  }

  // Lifecycle.

  /** The chair opens the meeting: the store says live, and the waiting room comes in. */
  async open(openedBy: JoinClaims): Promise<void> {
    if (this.state.phase !== 'waiting') throw new AppError('CONFLICT', this.state.phase === 'live' ? 'The meeting is already open' : 'The meeting has ended');
    if (this.#meeting) await this.#live?.setStatus(this.meetingId, 'live');
    if (this.state.phase !== 'waiting') return; // opened meanwhile by another chair console
    this.state.phase = 'live';
    this.#attendance.record('opened', undefined, by(openedBy));
    this.#log.info('meeting opened', { by: openedBy.sub });
    for (const pending of [...this.#pending.values()]) {
      if (pending.where !== 'waiting') continue;
      const entered = this.#enter(pending.socket, pending.info, pending.claims, pending.peer);
      pending.socket.emit('meeting-opened', entered);
    }
    this.#commit();
  }

  /** Live, scheduled, and past its session's end: when the last one leaves, the session is over. */
  overdue(now: number): boolean {
    return this.state.phase === 'live' && this.#meeting !== undefined && now >= Date.parse(this.#meeting.end);
  }

  /**
   * The chair ends the meeting (or, with `null`, the server once the last one has left after the
   * scheduled end): the store says ended, everyone is told and disconnected, and nobody comes back.
   */
  async end(endedBy: JoinClaims | null): Promise<void> {
    if (this.state.phase === 'ended') throw new AppError('CONFLICT', 'The meeting has already ended');
    let seriesContinues = false;
    if (this.#meeting) {
      // The live meeting ends whatever the store says; a write that failed is logged for the secretariat.
      const result = await this.#live?.setStatus(this.meetingId, 'ended').catch((error: Error) => {
        this.#log.error('could not record the end of the meeting', { error: error.message });
      });
      seriesContinues = result?.seriesContinues ?? false;
    }
    // Ended meanwhile from another console (the await above let it in).
    if ((this.state.phase as MeetingPhase) === 'ended') return;
    this.state.phase = 'ended';
    if (seriesContinues) {
      // Only this session of a recurring meeting ended: the next starts without its lock and removals,
      // and this conference is forgotten once everyone is gone.
      this.#seriesContinues = true;
      if (this.state.admission.remembers) {
        this.state.admission.reset();
        this.#saveAdmission();
      }
    }
    this.#attendance.record('ended', undefined, endedBy ? by(endedBy) : {});
    this.#log.info('meeting ended', { by: endedBy?.sub ?? 'everyone left after the scheduled end' });
    const at = Date.now();
    const sockets = [...[...this.#links.values()].map((l) => l.socket), ...[...this.#pending.values()].map((p) => p.socket)];
    for (const socket of sockets) socket.emit('meeting-ended', { at });
    this.state.floor.close();
    // After the chair's ack has gone out.
    setImmediate(() => {
      for (const socket of sockets) socket.disconnect(true);
    });
  }

  // Lobby.

  admitGuest(id: string, admittedBy: JoinClaims): void {
    const pending = this.#lobbyGuest(id);
    const present = this.#present.get(pending.info.id) as Present;
    this.#admittedGuests.add(linkKey(pending.claims));
    this.state.lobby = this.state.lobby.filter((g) => g.participantId !== pending.info.id);
    this.#pending.delete(pending.info.id);
    this.#attendance.record('admitted', present, by(admittedBy));
    this.#attendance.record('joined', present);
    const arrival = this.#admitOrWait(pending.socket, pending.info, pending.claims, pending.peer);
    const message: GuestAdmitted = arrival.waiting
      ? { waiting: arrival.waiting }
      : { participants: arrival.participants, conference: arrival.conference, muted: arrival.muted, ...(arrival.grid ? { grid: arrival.grid } : {}) };
    pending.socket.emit('guest-admitted', message);
    this.#commit();
  }

  admitAllGuests(admittedBy: JoinClaims): number {
    const guests = this.state.lobby.map((g) => g.participantId);
    for (const id of guests) this.admitGuest(id, admittedBy);
    return guests.length;
  }

  refuseGuest(id: string): void {
    const pending = this.#lobbyGuest(id);
    this.leave(pending.info.id);
    this.#log.info('guest refused', { participant: pending.info.id, subject: pending.claims.sub });
    pending.socket.emit('guest-refused', { code: 'FORBIDDEN', message: 'The chair did not admit you to this meeting' });
    pending.socket.disconnect(true);
  }

  #lobbyGuest(id: string): Pending {
    const pending = this.#pending.get(id as ParticipantId);
    if (!pending || pending.where !== 'lobby') throw new AppError('NOT_FOUND', 'No such guest in the lobby');
    return pending;
  }

  // Roll call.

  /** The roll call now; `watcher` keeps getting it pushed as it changes (or stops, with watch false). */
  async rollCall(watcher: ParticipantId, watch: boolean): Promise<RollCall> {
    await this.#refreshMeeting();
    if (watch) {
      this.#watchers.add(watcher);
      this.#sampleQuality();
    } else this.#watchers.delete(watcher);
    const view = this.#buildRollCall();
    if (watch) this.#lastRollCall = rollCallKey(view);
    return view;
  }

  callRoll(calledBy: JoinClaims): number {
    const calledAt = Date.now();
    this.#calledAt = calledAt;
    this.#confirmations.clear();
    this.#attendance.record('roll-call', undefined, by(calledBy));
    this.#io.to(this.meetingId).emit('roll-call-started', { calledAt });
    for (const p of this.#pending.values()) if (p.where === 'waiting') p.socket.emit('roll-call-started', { calledAt });
    this.#rollCallChanged();
    return calledAt;
  }

  confirmPresence(id: ParticipantId, headcount: number | undefined): void {
    const claims = this.presentSelf(id);
    this.#confirmations.set(claims.sub, Date.now());
    if (headcount !== undefined) this.#headcounts.set(claims.sub, headcount);
    this.#attendance.record('confirmed', this.#present.get(id), headcount === undefined ? {} : { headcount });
    this.#rollCallChanged();
  }

  setHeadcount(id: ParticipantId, headcount: number): void {
    const claims = this.presentSelf(id);
    this.#headcounts.set(claims.sub, headcount);
    this.#attendance.record('headcount', this.#present.get(id), { headcount });
    this.#rollCallChanged();
  }

  /** A participant's producers changed (produced, paused, resumed, closed): its roll-call state may have. */
  mediaChanged(): void {
    this.#rollCallChanged();
  }

  /** Resolves once the attendance entries and admission rules so far are written (tests, shutdown). */
  flushed(): Promise<void> {
    return Promise.all([this.#attendance.flushed(), this.#saving]).then(() => undefined);
  }

  /** Keeps removed links and the lock in the store; a failed write is logged, the live rules still hold. */
  #saveAdmission(): void {
    const live = this.#live;
    if (!live) return;
    const snapshot = this.state.admission.snapshot();
    this.#saving = this.#saving
      .then(() => live.saveAdmission(this.meetingId, snapshot))
      .catch((error: unknown) => this.#log.error('removed links and lock not saved', { error: error instanceof Error ? error.message : String(error) }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#attendance.stop();
    this.state.floor.close();
    clearTimeout(this.#pushTimer);
    clearInterval(this.#qualityTimer);
    this.#watchers.clear();
  }

  /**
   * Re-reads the meeting (its invitations may have changed since it opened) for the roll call: at
   * most every MEETING_REFRESH_MS, and one read for requests that come together.
   */
  async #refreshMeeting(): Promise<void> {
    const live = this.#live;
    if (!this.#meeting || !live) return;
    if (Date.now() - this.#meetingReadAt < MEETING_REFRESH_MS) return this.#meetingRead;
    this.#meetingReadAt = Date.now();
    this.#meetingRead = (async () => {
      try {
        const fresh = await live.meeting(this.meetingId);
        if (fresh) this.#meeting = fresh;
      } catch (error) {
        this.#log.warn('could not refresh the meeting', { error: error instanceof Error ? error.message : String(error) });
      }
    })();
    return this.#meetingRead;
  }

  #buildRollCall(): RollCall {
    const present: PresentParticipant[] = [];
    for (const [id, p] of this.#present) {
      const pending = this.#pending.get(id);
      if (pending?.where === 'lobby') continue;
      const peer = pending?.peer ?? this.#links.get(id)?.peer;
      present.push({ id, claims: p.claims, guest: p.guest, waiting: pending !== undefined, ...liveMedia(peer), quality: this.#quality.get(id) ?? null });
    }
    return buildRollCall({
      meeting: this.#meeting,
      phase: this.state.phase,
      calledAt: this.#calledAt,
      present,
      confirmations: this.#confirmations,
      headcounts: this.#headcounts,
      now: Date.now(),
    });
  }

  /** Pushes the roll call to its watchers, at most once a second, when it changed. */
  #rollCallChanged(): void {
    if (this.#closed || this.#watchers.size === 0 || this.#pushTimer) return;
    const wait = Math.max(0, this.#lastPush + ROLL_CALL_PUSH_MS - Date.now());
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = undefined;
      if (this.#closed || this.#watchers.size === 0) return;
      const view = this.#buildRollCall();
      const key = rollCallKey(view);
      if (key === this.#lastRollCall) return;
      this.#lastRollCall = key;
      this.#lastPush = Date.now();
      for (const id of this.#watchers) this.#links.get(id)?.socket.emit('roll-call', view);
    }, wait);
  }

  /** Link quality is being measured: someone watches the roll call (the sampler stops at its next tick after the last leaves). */
  get measuringLinks(): boolean {
    return this.#qualityTimer !== undefined || this.#sampling;
  }

  /** While someone watches the roll call, measures every link every few seconds. */
  #sampleQuality(): void {
    if (this.#qualityTimer || this.#closed) return;
    const sample = async () => {
      if (this.#watchers.size === 0 || this.#closed) {
        clearInterval(this.#qualityTimer);
        this.#qualityTimer = undefined;
        return;
      }
      if (this.#sampling) return;
      this.#sampling = true;
      const now = Date.now();
      try {
        await Promise.all(
          [...this.#links].map(async ([id, { peer }]) => {
            if (peer.closed) return;
            try {
              this.#quality.set(id, await measureLink(peer, now));
            } catch {
              // A peer closing mid-measure: its entry goes with it.
            }
          }),
        );
      } finally {
        this.#sampling = false;
      }
      this.#rollCallChanged();
    };
    this.#qualityTimer = setInterval(() => void sample(), QUALITY_MS);
    this.#qualityTimer.unref();
    void sample();
  }

  /** A log entry about a participant still known here. */
  #recordAbout(type: 'floor-granted' | 'floor-ended', id: ParticipantId, extra: { bySubjectId?: string; agendaItem?: number }): void {
    const present = this.#present.get(id);
    if (present) this.#attendance.record(type, present, extra);
  }

  /** After every change: hold or free microphones, set the media policy, publish the state and grid pages. */
  #commit(): void {
    this.#applyVoices();
    this.#room?.setPolicy(conferencePolicy(this.state.policyInputs()));
    this.#publishState();
    this.#publishGrids();
    this.#rollCallChanged();
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

  #snapshot(member: Member | null): ConferenceState {
    return { version: this.#version, ...this.state.view(member !== null && member.grid !== null) };
  }
}

/**
 * The roll call without its timestamps (the view's and each measurement's `at`), to tell whether
 * anything changed: a quality pass that measured the same figures pushes nothing.
 */
function rollCallKey(view: RollCall): string {
  return JSON.stringify(view, (key, value: unknown) => (key === 'at' ? undefined : value));
}

/** The log keeps an agenda item by its index in the meeting's agenda. */
function agendaOf(turn: FloorTurn): { agendaItem?: number } {
  return turn.agendaItem !== undefined && /^\d{1,4}$/.test(turn.agendaItem) ? { agendaItem: Number(turn.agendaItem) } : {};
}
