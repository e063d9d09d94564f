import type { ParticipantInfo } from '../protocol/events.js';
import type { MeetingId, ParticipantId } from '../protocol/ids.js';

/** Who has joined which meeting on this node. */
export class Roster {
  readonly #meetings = new Map<MeetingId, Map<ParticipantId, ParticipantInfo>>();

  add(meetingId: MeetingId, participant: ParticipantInfo): void {
    let meeting = this.#meetings.get(meetingId);
    if (!meeting) this.#meetings.set(meetingId, (meeting = new Map()));
    meeting.set(participant.id, participant);
  }

  remove(meetingId: MeetingId, participantId: ParticipantId): boolean {
    const meeting = this.#meetings.get(meetingId);
    const removed = meeting?.delete(participantId) ?? false;
    if (meeting?.size === 0) this.#meetings.delete(meetingId);
    return removed;
  }

  list(meetingId: MeetingId): ParticipantInfo[] {
    return [...(this.#meetings.get(meetingId)?.values() ?? [])];
  }

  count(meetingId: MeetingId): number {
    return this.#meetings.get(meetingId)?.size ?? 0;
  }
}
