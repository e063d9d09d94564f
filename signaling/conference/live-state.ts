/**
 * The running state of one meeting on this node: who is here (in join order), who may speak,
 * the floor, the main video, free discussion, admission and each console's grid page.
 * Plain data and rules; conference.ts applies it to the media and tells the clients.
 */
import { AppError, notFound } from '../../lib/errors.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { ConferenceState, GridPage, LobbyGuest, MeetingPhase } from '../../protocol/conference.js';
import type { ParticipantInfo } from '../../protocol/events.js';
import type { ParticipantId } from '../../protocol/ids.js';
import type { ConferenceInputs } from '../../sfu/policy.js';
import { Admission } from './admission.js';
import { Floor } from './floor.js';
import { MessageLog } from './message-log.js';
import { may } from './permissions.js';

/** A console's first grid page until it asks for another: a 3×3 grid fits 1366×768. */
export const DEFAULT_GRID = { page: 0, pageSize: 9 } as const;

export interface Member {
  readonly info: ParticipantInfo;
  readonly claims: JoinClaims;
  /** The grid page a chair or secretary looks at; null for everyone else. */
  grid: { page: number; pageSize: number } | null;
}

export class LiveState {
  readonly floor = new Floor();
  readonly admission = new Admission();
  readonly messages = new MessageLog();
  readonly #members = new Map<ParticipantId, Member>();
  /** Who may speak: the server holds everyone else's microphone. */
  readonly #speakers = new Set<ParticipantId>();
  #spotlight: ParticipantId | null = null;
  #freeDiscussion = false;
  /** Where the meeting is in its lifecycle; an ad-hoc meeting is live at once. */
  phase: MeetingPhase = 'live';
  /** Guests waiting in the lobby (the conference keeps their connections). */
  lobby: LobbyGuest[] = [];

  get size(): number {
    return this.#members.size;
  }

  get members(): IterableIterator<Member> {
    return this.#members.values();
  }

  get freeDiscussion(): boolean {
    return this.#freeDiscussion;
  }

  member(id: ParticipantId): Member | undefined {
    return this.#members.get(id);
  }

  /** A participant named by a request: it must be here. */
  target(id: string): Member {
    const member = this.#members.get(id as ParticipantId);
    if (!member) throw notFound('No such participant in this meeting');
    return member;
  }

  hasSubject(subject: string): boolean {
    for (const m of this.#members.values()) if (m.claims.sub === subject) return true;
    return false;
  }

  mayspeak(id: ParticipantId): boolean {
    return this.#speakers.has(id);
  }

  add(info: ParticipantInfo, claims: JoinClaims): Member {
    const member: Member = { info, claims, grid: may(claims.role, 'view-grid') ? { ...DEFAULT_GRID } : null };
    this.#members.set(info.id, member);
    if (may(claims.role, 'speak-freely') || (this.#freeDiscussion && may(claims.role, 'produce'))) this.#speakers.add(info.id);
    return member;
  }

  /** A participant has gone (left or removed): its turn, request, spotlight and voice go with it. */
  delete(id: ParticipantId, reason: 'left' | 'removed'): void {
    if (!this.#members.delete(id)) return;
    this.#speakers.delete(id);
    if (this.#spotlight === id) this.#spotlight = null;
    this.floor.forget(id, reason);
  }

  /** After a turn ends: the former holder goes back to listening, unless it may speak anyway. */
  turnEnded(id: ParticipantId): void {
    if (!this.#freeDiscussion && !this.#speaksFreely(id)) this.#speakers.delete(id);
  }

  turnGranted(id: ParticipantId): void {
    this.#speakers.add(id);
  }

  /** Mutes or lets one participant speak. A chair is never held: muting it only pauses its microphone. */
  setMuted(id: ParticipantId, muted: boolean): void {
    if (!muted) this.#speakers.add(id);
    else if (!this.#speaksFreely(id)) this.#speakers.delete(id);
  }

  /** Mutes everyone but the chair, `except` (the caller) and the floor holder; closes free discussion. How many lost their voice. */
  muteAll(except: ParticipantId): number {
    this.#freeDiscussion = false;
    let muted = 0;
    for (const id of [...this.#speakers]) {
      if (id === except || id === this.floor.holder() || this.#speaksFreely(id)) continue;
      this.#speakers.delete(id);
      muted++;
    }
    return muted;
  }

  /** Open: everyone who publishes may unmute itself. Closed: back to the chair and the floor holder. */
  setFreeDiscussion(open: boolean): void {
    this.#freeDiscussion = open;
    for (const m of this.#members.values()) {
      const id = m.info.id;
      if (open && may(m.claims.role, 'produce')) this.#speakers.add(id);
      if (!open && id !== this.floor.holder() && !this.#speaksFreely(id)) this.#speakers.delete(id);
    }
  }

  setSpotlight(id: ParticipantId | null): void {
    if (id !== null) {
      const member = this.target(id);
      if (!may(member.claims.role, 'produce')) throw new AppError('CONFLICT', 'An observer has no video to show');
    }
    this.#spotlight = id;
  }

  /** The main video: the spotlighted participant, else the first chair to have joined. */
  main(): ParticipantId | null {
    if (this.#spotlight) return this.#spotlight;
    for (const m of this.#members.values()) if (m.claims.role === 'chair') return m.info.id;
    return null;
  }

  setGrid(viewer: ParticipantId, page: number, pageSize: number): GridPage {
    const member = this.target(viewer);
    member.grid = { page, pageSize };
    return this.gridPage(member) as GridPage;
  }

  /** What a console's grid shows: every publishing participant but itself, in join order, one page of it. */
  gridPage(viewer: Member): GridPage | null {
    if (!viewer.grid) return null;
    const { page, pageSize } = viewer.grid;
    const tiles = [...this.#members.values()].filter((m) => m !== viewer && may(m.claims.role, 'produce')).map((m) => m.info.id);
    return { page, pageSize, total: tiles.length, participantIds: tiles.slice(page * pageSize, (page + 1) * pageSize) };
  }

  /** The inputs of the sfu's conference policy. */
  policyInputs(): ConferenceInputs {
    const floor = this.floor.holder();
    const audible = new Set<ParticipantId>();
    for (const m of this.#members.values()) if (this.#speaksFreely(m.info.id)) audible.add(m.info.id);
    if (floor) audible.add(floor);
    const audibleWhenLive = new Set([...this.#speakers].filter((id) => !audible.has(id)));
    const grids = new Map<ParticipantId, ParticipantId[]>();
    for (const m of this.#members.values()) {
      const page = this.gridPage(m);
      if (page) grids.set(m.info.id, page.participantIds);
    }
    return { main: this.main(), floor, audible, audibleWhenLive, grids };
  }

  /** The state without its version; `control` adds what only the chair and secretary see. */
  view(control: boolean): Omit<ConferenceState, 'version'> {
    return {
      main: this.main(),
      spotlight: this.#spotlight,
      floor: this.floor.turn,
      queue: [...this.floor.queue],
      speakers: [...this.#speakers],
      freeDiscussion: this.#freeDiscussion,
      locked: this.admission.locked,
      phase: this.phase,
      ...(control ? { removed: this.admission.removed(), lobby: [...this.lobby] } : {}),
    };
  }

  #speaksFreely(id: ParticipantId): boolean {
    const member = this.#members.get(id);
    return member !== undefined && may(member.claims.role, 'speak-freely');
  }
}
