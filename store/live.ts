/** The live conference's view of the store (signaling/live-store.ts), over meetings, directory and attendance. */
import type { UnitRef } from '../protocol/conference.js';
import type { UnitId } from '../protocol/ids.js';
import type { ExpectedSite, LiveStore } from '../signaling/live-store.js';
import { LiveControlStore } from './live-control.js';
import { IllegalTransition } from './meetings.js';
import type { MeetingStatus } from './records.js';
import { occurrenceAt } from '../scheduler/recurrence.js';
import { UnitTree } from '../scheduler/unit-tree.js';
import type { Store } from './store.js';

const LIFECYCLE = ['scheduled', 'live', 'ended'];

export function createLiveStore(store: Store): LiveStore {
  const control = new LiveControlStore(store.redis, store.keys);
  return {
    async meeting(meetingId) {
      const meeting = await store.meetings.getMeeting(meetingId);
      if (!meeting) return undefined;
      const [invitations, units] = await Promise.all([store.meetings.listInvitations(meetingId), store.directory.listUnits()]);
      const tree = new UnitTree(units);
      const unitPath = (unitId: string): UnitRef[] => tree.path(unitId).map((u) => ({ id: u.id as UnitId, name: u.name }));
      const live = invitations.filter((i) => !i.removed);
      const hallIds = live.flatMap((i) => (i.kind === 'hall' && i.hallId ? [i.hallId] : []));
      const personIds = live.flatMap((i) => (i.kind === 'person' && i.personId ? [i.personId] : []));
      const [halls, people] = await Promise.all([store.directory.getHalls(hallIds), store.directory.getPeople(personIds)]);
      const hallById = new Map(halls.flatMap((h) => (h ? [[h.id, h] as const] : [])));
      const personById = new Map(people.flatMap((p) => (p ? [[p.id, p] as const] : [])));
      const expected: ExpectedSite[] = live.flatMap((i) => {
        const subjectId = i.kind === 'hall' ? i.hallId : i.personId;
        if (!subjectId) return [];
        const record = i.kind === 'hall' ? hallById.get(subjectId) : personById.get(subjectId);
        const unitId = record?.unitId ?? null;
        return [{ invitationId: i.id, kind: i.kind, subjectId, name: record?.name ?? subjectId, role: i.role, unitId, unitPath: unitId ? unitPath(unitId) : [] }];
      });
      const own = tree.get(meeting.unitId);
      const session = occurrenceAt(meeting, Date.now());
      return {
        id: meeting.id,
        status: meeting.status,
        title: meeting.title,
        agenda: meeting.agenda.map((a) => ({ title: a.title, ...(a.presenter ? { presenter: a.presenter } : {}) })),
        start: new Date(session.start).toISOString(),
        end: new Date(session.end).toISOString(),
        unit: own ? { id: own.id as UnitId, name: own.name } : null,
        expected,
        unitPath,
      };
    },
    async setStatus(meetingId, status) {
      // Ending a meeting never opened passes through live; a status already reached is no error.
      const steps: ('live' | 'ended')[] = status === 'ended' ? ['live', 'ended'] : ['live'];
      let reached: MeetingStatus | undefined;
      for (const step of steps) {
        try {
          const result = await store.meetings.setStatus(meetingId, step);
          if (!result.ok) throw new Error(`meeting ${meetingId}: cannot set ${step} (${result.reason})`);
          reached = result.meeting.status;
        } catch (error) {
          // Already there or past it (opened from another console, or by the API): nothing to do.
          if (!(error instanceof IllegalTransition && LIFECYCLE.indexOf(error.from) >= LIFECYCLE.indexOf(step))) throw error;
          reached = error.from;
        }
      }
      // A recurring meeting with sessions left goes back to scheduled: the series continues.
      return { seriesContinues: status === 'ended' && reached === 'scheduled' };
    },
    record: (meetingId, entry) => store.attendance.append(meetingId, entry),
    admission: (meetingId) => control.get(meetingId),
    saveAdmission: (meetingId, snapshot) => control.set(meetingId, snapshot),
  };
}
