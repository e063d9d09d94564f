/** What the server tells clients about a live meeting: its control state and its messages. */
import type { Role } from './claims.js';
import type { ParticipantId, SubjectId } from './ids.js';
import type { MessageAudience } from './messages.js';

/** A request for the floor, in queue order. Times are epoch milliseconds. */
export interface FloorRequestInfo {
  participantId: ParticipantId;
  agendaItem?: string;
  subject?: string;
  requestedAt: number;
}

/** The current turn: who speaks, since when, until when (null: no time limit). */
export interface FloorTurn {
  participantId: ParticipantId;
  agendaItem?: string;
  subject?: string;
  grantedAt: number;
  deadline: number | null;
}

export type FloorChangeReason = 'granted' | 'revoked' | 'expired' | 'left' | 'removed';

/** A participant the chair removed: its join link stays out until it is re-admitted. */
export interface RemovedInfo {
  subjectId: SubjectId;
  name: string;
  removedAt: number;
}

/**
 * The live state of a meeting, sent whole on join and whenever it changes (control actions are
 * human-paced, and it stays a few kB with 240 sites: lists name only who is special).
 */
export interface ConferenceState {
  /** Increases with every change, so a client can drop a stale snapshot. */
  version: number;
  /** The main video everyone watches: the spotlighted participant, else the chair. */
  main: ParticipantId | null;
  /** Set when the chair picked the main video; null when it follows the chair. */
  spotlight: ParticipantId | null;
  floor: FloorTurn | null;
  queue: FloorRequestInfo[];
  /** Who may speak now: the chair, the floor holder, sites the chair unmuted, everyone in free discussion. */
  speakers: ParticipantId[];
  freeDiscussion: boolean;
  locked: boolean;
  /** For the chair and secretary only. */
  removed?: RemovedInfo[];
}

export interface ChatMessage {
  id: number;
  from: ParticipantId;
  name: string;
  role: Role;
  to: MessageAudience;
  text: string;
  at: number;
}

/** A chair or secretary's grid page: who is on it, in order, out of how many. */
export interface GridPage {
  page: number;
  pageSize: number;
  total: number;
  participantIds: ParticipantId[];
}
