/** What the server tells clients about a live meeting: its control state and its messages. */
import type { Role } from './claims.js';
import type { HallId, ParticipantId, SubjectId, UnitId } from './ids.js';
import type { MessageAudience } from './messages.js';

/** A request for the floor, in queue order. Times are epoch milliseconds. */
export interface FloorRequestInfo {
  participantId: ParticipantId;
  /** A scheduled meeting: the index of an item of its agenda (from 0); an ad-hoc one: free text. */
  agendaItem?: string;
  /** The agenda item's title, for display, when the meeting has an agenda. */
  agendaTitle?: string;
  subject?: string;
  requestedAt: number;
}

/** The current turn: who speaks, since when, until when (null: no time limit). */
export interface FloorTurn {
  participantId: ParticipantId;
  agendaItem?: string;
  agendaTitle?: string;
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
 * Where a meeting is in its lifecycle on the live side. `waiting`: a scheduled meeting the chair has
 * not opened yet (sites wait in the waiting room, without media); `live`; `ended`: the chair ended it.
 */
export type MeetingPhase = 'waiting' | 'live' | 'ended';

/** What a participant in the waiting room is shown: the meeting's title and start (ISO 8601 instant). */
export interface WaitingInfo {
  title: string;
  startsAt: string;
  endsAt?: string;
}

/** A guest (a join link that is no invitation of the meeting) waiting in the lobby for the chair or secretary. */
export interface LobbyGuest {
  participantId: ParticipantId;
  subjectId: SubjectId;
  name: string;
  role: Role;
  hallId?: HallId;
  unitId?: UnitId;
  /** Epoch milliseconds. */
  since: number;
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
  /** waiting (not opened yet), live, ended. */
  phase: MeetingPhase;
  /** For the chair and secretary only. */
  removed?: RemovedInfo[];
  /** For the chair and secretary only: guests waiting to be admitted, in arrival order. */
  lobby?: LobbyGuest[];
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

// Roll call (điểm danh): the chair and secretary's view of every expected site.

/**
 * A site's state, from worst to best: not connected; connected (in the meeting, the waiting room,
 * or neither audio nor video live); audio live; video live; presence confirmed by its operator.
 */
export const ROLL_CALL_STATES = ['absent', 'connected', 'audio', 'video', 'confirmed'] as const;
export type RollCallState = (typeof ROLL_CALL_STATES)[number];

/** A unit on a site's path, root first. */
export interface UnitRef {
  id: UnitId;
  name: string;
}

/** A site's link, as the server sees what it sends; null fields: not measured (yet). */
export interface LinkQuality {
  /** What the site sends to the server, kbit/s. */
  sendKbps: number | null;
  /** Packet loss of its streams as the server receives them, percent (the worst stream). */
  lossPercent: number | null;
  /** Round-trip time, milliseconds. */
  rttMs: number | null;
  /** mediasoup's producer score, 0 (bad) to 10 (good): the worst of its producers. */
  score: number | null;
  /** When it was measured, epoch milliseconds. */
  at: number;
}

export interface RollCallEntry {
  /** Stable key: the invitation id, or `participant:<participantId>` for someone not on the list. */
  key: string;
  kind: 'hall' | 'person';
  subjectId: SubjectId;
  name: string;
  role: Role;
  /** On the meeting's invitation list; false for guests and ad-hoc participants. */
  expected: boolean;
  /** Came in through the lobby. */
  guest: boolean;
  unitId: UnitId | null;
  /** Root first, down to `unitId`; empty when unknown (ad-hoc meetings). */
  unitPath: UnitRef[];
  /** The group it is counted in: the child of the meeting's unit on its path (a district), or its top unit. */
  groupId: UnitId | null;
  state: RollCallState;
  /** Its sessions now connected (a hall may have reconnected). */
  participantIds: ParticipantId[];
  /** In the waiting room (the meeting has not been opened). */
  waiting: boolean;
  audio: boolean;
  video: boolean;
  /** Epoch milliseconds of its operator's confirmation since the roll was last called (or ever, if never called). */
  confirmedAt: number | null;
  /** People in the hall, as its operator entered it. */
  headcount: number | null;
  quality: LinkQuality | null;
}

export interface RollCallTotals {
  /** Entries on the invitation list. */
  expected: number;
  /** Entries (expected or not) with someone connected. */
  connected: number;
  /** Expected entries with someone connected: "212/226 sites connected" is expectedConnected/expected. */
  expectedConnected: number;
  audio: number;
  video: number;
  confirmed: number;
  /** Sum of the headcounts entered. */
  headcount: number;
}

export interface RollCallGroup {
  /** The group's unit; null for entries with no known unit. */
  unit: UnitRef | null;
  totals: RollCallTotals;
}

export interface RollCall {
  /** Epoch milliseconds of this view. */
  at: number;
  phase: MeetingPhase;
  /** When the roll was last called (call-roll), epoch milliseconds; null if never. */
  calledAt: number | null;
  /** The meeting's own unit, the root of the grouping (null for ad-hoc meetings). */
  unit: UnitRef | null;
  /** Expected entries in invitation order (halls, then people), then the others in arrival order. */
  entries: RollCallEntry[];
  groups: RollCallGroup[];
  totals: RollCallTotals;
}
