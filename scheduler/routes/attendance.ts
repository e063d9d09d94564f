import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import type { Hall, Meeting, Person } from '../../store/records.js';
import { loadMeetingAccess } from '../access/meetings.js';
import { attendanceCsv } from '../attendance-csv.js';
import { reportSession } from '../attendance-session.js';
import { parseInstant } from '../meeting-input.js';
import { AttendanceReport, attendanceReport } from '../attendance-report.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { Caller } from '../auth/caller.js';
import type { ApiContext } from '../context.js';
import { IdParams, responses } from '../schemas.js';
import { UnitTree } from '../unit-tree.js';

/** A recurring meeting's report covers one session: the one starting at `occurrence`. */
const SessionQuery = Type.Object(
  {
    occurrence: Type.Optional(
      Type.String({
        maxLength: 40,
        description: 'A recurring meeting: the start of the session to report (ISO 8601 with offset); by default the one being held or last held',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The attendance report of a meeting from its log (joins, leaves, roll-call confirmations,
 * headcounts, floor turns), during and after it: JSON and CSV. For the secretariat that runs the
 * meeting, admins, and the meeting's chair and secretaries.
 */
export const attendanceRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  const build = async (caller: Caller, meetingId: string, occurrence: string | undefined): Promise<AttendanceReport> => {
    const meeting = await store.meetings.getMeeting(meetingId);
    if (!meeting) throw new AppError('NOT_FOUND', `Meeting "${meetingId}" does not exist`);
    const access = await loadMeetingAccess(store, caller);
    access.requireSee(meeting);
    if (!access.canEdit(meeting) && !runsIt(meeting, caller.person.id))
      throw new AppError('FORBIDDEN', 'The attendance report is for the organising secretariat and the meeting’s chair and secretaries');
    const now = new Date();
    const session = reportSession(meeting, now.getTime(), occurrence === undefined ? undefined : parseInstant(occurrence, 'occurrence'));
    const [invitations, entries, units] = await Promise.all([
      store.meetings.listInvitations(meeting.id),
      store.attendance.list(meeting.id),
      store.directory.listUnits(),
    ]);
    const hallIds = [...new Set(invitations.flatMap((i) => (i.hallId ? [i.hallId] : [])).concat(entries.flatMap((e) => (e.hallId ? [e.hallId] : []))))];
    const personIds = [...new Set([meeting.chairId, ...invitations.flatMap((i) => (i.personId ? [i.personId] : []))])];
    const [halls, people] = await Promise.all([store.directory.getHalls(hallIds), store.directory.getPeople(personIds)]);
    return attendanceReport({
      meeting,
      invitations,
      halls: new Map(halls.filter((h): h is Hall => h !== undefined).map((h) => [h.id, h])),
      people: new Map(people.filter((p): p is Person => p !== undefined).map((p) => [p.id, p])),
      tree: new UnitTree(units),
      entries,
      now,
      session,
    });
  };

  app.get(
    '/api/meetings/:id/attendance',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['attendance'],
        summary: 'The attendance report: per site first join, last leave, minutes present, confirmed, headcount, turns spoken; totals per group (district) and overall',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: SessionQuery,
        response: responses(200, AttendanceReport, [400, 401, 403, 404]),
      },
    },
    (request) => build(callerOf(request), request.params.id, request.query.occurrence),
  );

  app.get(
    '/api/meetings/:id/attendance.csv',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['attendance'],
        summary: 'The attendance report as CSV (UTF-8 with BOM, times in Asia/Ho_Chi_Minh), for spreadsheets and the minutes',
        security: [{ bearerAuth: [] }],
        params: IdParams,
        querystring: SessionQuery,
        response: { ...responses(200, Type.String(), [400, 401, 403, 404]), 200: { description: 'text/csv', content: { 'text/csv': { schema: Type.String() } } } },
      },
    },
    async (request, reply) => {
      const report = await build(callerOf(request), request.params.id, request.query.occurrence);
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="diem-danh-${report.meeting.id}.csv"`)
        .header('cache-control', 'private, no-store');
      return attendanceCsv(report);
    },
  );
};

function runsIt(meeting: Meeting, personId: string): boolean {
  return meeting.chairId === personId || meeting.secretaryIds.includes(personId);
}
