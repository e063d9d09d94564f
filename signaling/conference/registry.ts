/** The live meetings of this node, by meeting id. */
import type { Logger } from '../../lib/log.js';
import type { MeetingId } from '../../protocol/ids.js';
import type { MeetingServer } from '../session.js';
import { Conference } from './conference.js';

export class Conferences {
  readonly #byMeeting = new Map<MeetingId, Conference>();

  constructor(private readonly deps: { io: MeetingServer; log: Logger }) {}

  get(meetingId: MeetingId): Conference | undefined {
    return this.#byMeeting.get(meetingId);
  }

  open(meetingId: MeetingId): Conference {
    let conference = this.#byMeeting.get(meetingId);
    if (!conference) this.#byMeeting.set(meetingId, (conference = new Conference({ meetingId, ...this.deps })));
    return conference;
  }

  /** After someone leaves: an empty meeting is forgotten, unless it must remember removed links or its lock. */
  settle(meetingId: MeetingId): void {
    const conference = this.#byMeeting.get(meetingId);
    if (!conference || conference.size > 0 || conference.remembers) return;
    conference.close();
    this.#byMeeting.delete(meetingId);
  }

  count(meetingId: MeetingId): number {
    return this.#byMeeting.get(meetingId)?.size ?? 0;
  }

  close(): void {
    for (const conference of this.#byMeeting.values()) conference.close();
    this.#byMeeting.clear();
  }
}
