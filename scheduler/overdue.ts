import type { Logger } from '../lib/log.js';
import type { Store } from '../store/store.js';
import { MAX_OVERRUN_MS } from './join-admission.js';
import { occurrenceAt } from './recurrence.js';

/** How often the server looks for live meetings nobody ended. */
export const OVERDUE_SWEEP_MS = 10 * 60_000;

/**
 * Ends the live meetings nobody ended (the node running them stopped, or every page closed while
 * it was down) once their session is MAX_OVERRUN_MS past its scheduled end, as the chair would:
 * a one-off meeting becomes `ended`, a recurring one ends that session. The attendance log gets
 * the `ended` entry, at the scheduled end or the last thing logged, whichever is later, so the
 * report stops counting presence. Meetings this node still holds people in (`held`) are left
 * alone. Returns the ids it ended.
 */
export async function endOverdueMeetings(store: Store, now: number, held: (meetingId: string) => boolean, log: Logger): Promise<string[]> {
  const ended: string[] = [];
  for (const meeting of await store.meetings.listMeetings({ statuses: ['live'] })) {
    const session = occurrenceAt(meeting, now);
    if (now < session.end + MAX_OVERRUN_MS || held(meeting.id)) continue;
    try {
      const last = await store.attendance.last(meeting.id);
      const at = Math.max(session.end, last ? Date.parse(last.at) : 0);
      const result = await store.meetings.setStatus(meeting.id, 'ended', { now: () => new Date(now) });
      if (!result.ok) continue;
      await store.attendance.append(meeting.id, { at: new Date(at).toISOString(), type: 'ended' });
      ended.push(meeting.id);
      log.info('ended a live meeting nobody ended', { meetingId: meeting.id, sessionEnd: new Date(session.end).toISOString() });
    } catch (error) {
      // Changed meanwhile (ended or cancelled by someone else): nothing to do.
      log.warn('could not end an overdue meeting', { meetingId: meeting.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return ended;
}
