/**
 * What the live side needs from the scheduler's store, and nothing more: signaling never touches
 * Redis keys. server.ts passes an implementation over the store (store/live.ts); a signaling
 * without one (tests, a media-only node) treats every meeting as ad hoc and logs nothing.
 */
import type { Role } from '../protocol/claims.js';
import type { UnitRef } from '../protocol/conference.js';
import type { AgendaEntry } from '../protocol/events.js';
import type { AttendanceEntry } from '../store/records.js';
import type { AdmissionSnapshot } from './conference/admission.js';

/** A site or official the meeting expects: one of its invitations that was not withdrawn. */
export interface ExpectedSite {
  invitationId: string;
  kind: 'hall' | 'person';
  /** The hall or person id: a join token's `sub`. */
  subjectId: string;
  name: string;
  role: Role;
  unitId: string | null;
  /** Root first, down to unitId. */
  unitPath: UnitRef[];
}

/** A meeting the scheduler holds, as the live side sees it. */
export interface LiveMeeting {
  id: string;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  title: string;
  agenda: AgendaEntry[];
  /** ISO 8601 instants of the session: the occurrence being held, or the next one. */
  start: string;
  end: string;
  /** The unit that owns it (the host hall's unit): the root of the roll call's grouping. */
  unit: UnitRef | null;
  /** Invitations not withdrawn: halls first, then people. */
  expected: ExpectedSite[];
  /** A unit's path, root first (for participants not on the list); empty when unknown. */
  unitPath(unitId: string): UnitRef[];
}

export interface LiveStore {
  /** The meeting, or undefined for a meeting the scheduler does not hold (ad hoc). */
  meeting(meetingId: string): Promise<LiveMeeting | undefined>;
  /**
   * Moves the meeting along its lifecycle (scheduled → live → ended). Ending a recurring meeting
   * with sessions left ends only this session: the series continues, scheduled.
   */
  setStatus(meetingId: string, status: 'live' | 'ended'): Promise<{ seriesContinues: boolean }>;
  /** Appends to the meeting's attendance log. */
  record(meetingId: string, entry: AttendanceEntry): Promise<void>;
  /** The removed links and the lock, as last saved (any meeting id, ad hoc too). */
  admission(meetingId: string): Promise<AdmissionSnapshot | undefined>;
  saveAdmission(meetingId: string, snapshot: AdmissionSnapshot): Promise<void>;
}

/** What the scheduler says of a verified join token it lets through. */
export interface AdmissionVerdict {
  /** Not an invitation of a stored meeting (a guest link): it waits in the lobby until admitted. */
  guest: boolean;
  /** The invitation the link came from. */
  invitationId?: string;
}
