import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, badRequest } from '../../lib/errors.js';
import type { Meeting } from '../../store/records.js';
import { IllegalTransition, NoSuchOccurrence, STATUS_TRANSITIONS, type Conflict, type SaveResult } from '../../store/meetings.js';
import type { Store } from '../../store/store.js';
import { loadMeetingAccess, type MeetingAccess } from '../access/meetings.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { MeetingCreateBody, MeetingPatchBody, normaliseSchedule, parseInstant } from '../meeting-input.js';
import { checkScope, referenceFields, resolveReferences } from '../meeting-references.js';
import { meetingView, MeetingView } from '../meeting-view.js';
import { expand, formatLocal } from '../recurrence.js';
import { IdParams, responses } from '../schemas.js';

const security = [{ bearerAuth: [] }];
const tags = ['meetings'];
const StatusValue = Type.Union([Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('ended'), Type.Literal('cancelled')]);
const InstantQuery = Type.String({ maxLength: 40, description: 'ISO 8601 instant with an offset' });

const ListQuery = Type.Object(
  {
    from: Type.Optional(InstantQuery),
    to: Type.Optional(InstantQuery),
    unitId: Type.Optional(Type.String({ maxLength: 64, description: 'Hosted, or with a site hall, in this unit’s subtree' })),
    hallId: Type.Optional(Type.String({ maxLength: 64, description: 'The hall hosts it or is a site' })),
    personId: Type.Optional(Type.String({ maxLength: 64, description: 'The person chairs, is a secretary or is invited' })),
    status: Type.Optional(StatusValue),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);
const OneQuery = Type.Object(
  {
    from: Type.Optional(InstantQuery),
    to: Type.Optional(InstantQuery),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Occurrences at most (default 10, or 200 with a range)' })),
  },
  { additionalProperties: false },
);

/**
 * Meetings: schedule (with hall booking checked atomically), list with filters, read, change,
 * cancel (the whole meeting or one occurrence), and move through scheduled → live → ended.
 */
export const meetingRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/api/meetings',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags,
        security,
        summary: 'Schedule a meeting; its halls are booked for every occurrence (409 naming the meeting already there)',
        body: MeetingCreateBody,
        response: responses(201, MeetingView, [400, 401, 403, 404, 409]),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const title = requireTitle(body.title);
      const schedule = normaliseSchedule(body);
      const access = await loadMeetingAccess(store, caller);
      const refs = await resolveReferences(store, access.scope.tree, {
        hostHallId: body.hostHallId,
        sites: body.sites ?? {},
        chairId: body.chairId,
        secretaryIds: body.secretaryIds ?? [],
        invitedPersonIds: body.invitedPersonIds ?? [],
      });
      checkScope(access.scope, refs);
      const now = new Date().toISOString();
      for (let attempt = 0; ; attempt++) {
        const id = `m-${randomBytes(6).toString('hex')}`;
        const meeting: Meeting = {
          id,
          title,
          ...(body.description ? { description: body.description } : {}),
          agenda: body.agenda ?? [],
          ...schedule,
          ...referenceFields(refs),
          status: 'scheduled',
          uid: `${id}@diemcau`,
          sequence: 0,
          createdBy: caller.person.id,
          createdAt: now,
          updatedAt: now,
        };
        const result = await store.meetings.create(meeting);
        if (!result.ok && result.reason === 'exists' && attempt < 3) continue;
        const saved = savedMeeting(result, id);
        return reply.status(201).send(meetingView(saved, true, expand(saved, { from: Date.now(), limit: 10 })));
      }
    },
  );

  app.get(
    '/api/meetings',
    {
      preHandler: requireRole(),
      schema: {
        tags,
        security,
        summary: 'Meetings the caller may see, filtered; a meeting is in a time range when one of its occurrences overlaps it',
        querystring: ListQuery,
        response: responses(200, Type.Object({ meetings: Type.Array(MeetingView) }), [400, 401, 404]),
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : parseInstant(q.from, 'from');
      const to = q.to === undefined ? undefined : parseInstant(q.to, 'to');
      if (from !== undefined && to !== undefined && to <= from) throw badRequest('to must be after from');
      const access = await loadMeetingAccess(store, callerOf(request));
      let unitHalls: Set<string> | undefined;
      if (q.unitId !== undefined) {
        if (!access.scope.tree.has(q.unitId)) throw new AppError('NOT_FOUND', `Unit "${q.unitId}" does not exist`);
        const units = access.scope.tree.subtree(q.unitId);
        unitHalls = new Set((await store.directory.listHalls()).filter((h) => units.has(h.unitId)).map((h) => h.id));
      }
      if (q.hallId !== undefined && !(await store.directory.getHall(q.hallId))) throw new AppError('NOT_FOUND', `Hall "${q.hallId}" does not exist`);
      if (q.personId !== undefined && !(await store.directory.getPerson(q.personId))) throw new AppError('NOT_FOUND', `Person "${q.personId}" does not exist`);
      const meetings = await store.meetings.listMeetings({
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(q.hallId === undefined ? {} : { hallIds: [q.hallId] }),
        ...(q.personId === undefined ? {} : { personId: q.personId }),
        ...(q.status === undefined ? {} : { statuses: [q.status] }),
        limit: Number.MAX_SAFE_INTEGER,
      });
      const inUnit = (m: Meeting) => !unitHalls || [m.hostHallId, ...m.siteHallIds].some((h) => (unitHalls as Set<string>).has(h));
      const ranged = from !== undefined || to !== undefined;
      const visible = meetings.filter((m) => inUnit(m) && access.canSee(m)).slice(0, q.limit ?? 200);
      // Names of host halls and chairs, as GET /api/meetings/:id gives them: an invited official reads where and who.
      const hallIds = [...new Set(visible.map((m) => m.hostHallId))];
      const chairIds = [...new Set(visible.map((m) => m.chairId))];
      const [hallList, chairList] = await Promise.all([store.directory.getHalls(hallIds), store.directory.getPeople(chairIds)]);
      const halls = new Map(hallList.flatMap((h) => (h ? [[h.id, h] as const] : [])));
      const people = new Map(chairList.flatMap((p) => (p ? [[p.id, p] as const] : [])));
      const shown = visible.map((m) => {
        const hall = halls.get(m.hostHallId);
        const chair = people.get(m.chairId);
        return {
          ...meetingView(m, access.canEdit(m), ranged ? expand(m, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), limit: 200 }) : undefined),
          ...(hall ? { hostHallName: hall.name } : {}),
          ...(chair ? { chairName: chair.name } : {}),
        };
      });
      return { meetings: shown };
    },
  );

  app.get(
    '/api/meetings/:id',
    {
      preHandler: requireRole(),
      schema: {
        tags,
        security,
        summary: 'One meeting, with its occurrences in the range asked (or the next ones) and its times in Asia/Ho_Chi_Minh',
        params: IdParams,
        querystring: OneQuery,
        response: responses(200, MeetingView, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : parseInstant(q.from, 'from');
      const to = q.to === undefined ? undefined : parseInstant(q.to, 'to');
      const { access, meeting } = await visibleMeeting(store, request.params.id, callerOf(request));
      const ranged = from !== undefined || to !== undefined;
      const occurrences = expand(meeting, {
        from: from ?? (ranged ? 0 : Date.now()),
        ...(to === undefined ? {} : { to }),
        limit: q.limit ?? (ranged ? 200 : 10),
      });
      // The names too: a caller outside the directory scope of the host hall or chair (an invited official) still reads who and where.
      const [hall, chair] = await Promise.all([store.directory.getHall(meeting.hostHallId), store.directory.getPerson(meeting.chairId)]);
      return {
        ...meetingView(meeting, access.canEdit(meeting), occurrences),
        ...(hall ? { hostHallName: hall.name } : {}),
        ...(chair ? { chairName: chair.name } : {}),
      };
    },
  );

  app.patch(
    '/api/meetings/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags,
        security,
        summary: 'Change a meeting (same rules as scheduling); SEQUENCE rises when time, recurrence, host hall or sites change, or an invitee is taken off or added back',
        params: IdParams,
        body: MeetingPatchBody,
        response: responses(200, MeetingView, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const body = request.body;
      const title = body.title === undefined ? undefined : requireTitle(body.title);
      const access = await loadMeetingAccess(store, callerOf(request));
      const result = await store.meetings.update(request.params.id, async (current) => {
        access.requireEdit(current);
        if (current.status === 'cancelled' || current.status === 'ended') throw new AppError('CONFLICT', `The meeting is ${current.status}: it cannot be changed`);
        const schedule = normaliseSchedule(
          { start: body.start ?? current.start, end: body.end ?? current.end, recurrence: body.recurrence === undefined ? current.recurrence : body.recurrence },
          current.recurrence?.exdates ?? [],
        );
        const refs = await resolveReferences(store, access.scope.tree, {
          hostHallId: body.hostHallId ?? current.hostHallId,
          sites: body.sites ?? { stored: current.siteHallIds },
          chairId: body.chairId ?? current.chairId,
          secretaryIds: body.secretaryIds ?? current.secretaryIds,
          invitedPersonIds: body.invitedPersonIds ?? current.invitedPersonIds,
        });
        checkScope(access.scope, refs, current);
        const { recurrence: _recurrence, description: _description, ...rest } = current;
        const description = body.description ?? current.description;
        return {
          ...rest,
          title: title ?? current.title,
          ...(description ? { description } : {}),
          agenda: body.agenda ?? current.agenda,
          ...schedule,
          ...referenceFields(refs),
        };
      });
      return meetingView(savedMeeting(result, request.params.id), true, expand(savedMeeting(result, request.params.id), { from: Date.now(), limit: 10 }));
    },
  );

  app.post(
    '/api/meetings/:id/cancel',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags,
        security,
        summary: 'Cancel a scheduled meeting: SEQUENCE rises, its halls are freed, invitations become cancellations',
        params: IdParams,
        response: responses(200, MeetingView, [401, 403, 404, 409]),
      },
    },
    async (request) => {
      const access = await loadMeetingAccess(store, callerOf(request));
      const result = await transition(() => store.meetings.setStatus(request.params.id, 'cancelled', { check: (m) => access.requireEdit(m) }));
      return meetingView(savedMeeting(result, request.params.id), true);
    },
  );

  app.post(
    '/api/meetings/:id/occurrences/cancel',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags,
        security,
        summary: 'Cancel one occurrence of a recurring meeting (an EXDATE): SEQUENCE rises, its halls are freed for that time',
        params: IdParams,
        body: Type.Object({ start: InstantQuery }, { additionalProperties: false }),
        response: responses(200, MeetingView, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const start = parseInstant(request.body.start, 'start');
      const access = await loadMeetingAccess(store, callerOf(request));
      const result = await transition(() => store.meetings.cancelOccurrence(request.params.id, start, { check: (m) => access.requireEdit(m) }));
      const meeting = savedMeeting(result, request.params.id);
      return meetingView(meeting, true, expand(meeting, { from: Date.now(), limit: 10 }));
    },
  );

  app.post(
    '/api/meetings/:id/status',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags,
        security,
        summary: 'Start (live) or end a meeting: scheduled → live → ended only; ending frees the halls for the time left. Ending a recurring meeting ends the session being held: while later sessions remain, it goes back to scheduled and lists the session in endedOccurrences',
        params: IdParams,
        body: Type.Object({ status: Type.Union([Type.Literal('live'), Type.Literal('ended')]) }, { additionalProperties: false }),
        response: responses(200, MeetingView, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const access = await loadMeetingAccess(store, callerOf(request));
      const result = await transition(() => store.meetings.setStatus(request.params.id, request.body.status, { check: (m) => access.requireEdit(m) }));
      return meetingView(savedMeeting(result, request.params.id), true);
    },
  );
};

function requireTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw badRequest('title must not be blank');
  return trimmed;
}

async function visibleMeeting(store: Store, id: string, caller: ReturnType<typeof callerOf>): Promise<{ access: MeetingAccess; meeting: Meeting }> {
  const [access, meeting] = await Promise.all([loadMeetingAccess(store, caller), store.meetings.getMeeting(id)]);
  if (!meeting) throw new AppError('NOT_FOUND', `Meeting "${id}" does not exist`);
  access.requireSee(meeting);
  return { access, meeting };
}

/** Store refusals of lifecycle moves → 409 / 400. */
async function transition(write: () => Promise<SaveResult>): Promise<SaveResult> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof IllegalTransition) {
      const allowed = STATUS_TRANSITIONS[error.from];
      throw new AppError('CONFLICT', `The meeting is ${error.from}: it cannot become ${error.to}`, { status: error.from, allowed });
    }
    if (error instanceof NoSuchOccurrence) throw badRequest(error.message);
    throw error;
  }
}

/** The stored meeting, or the AppError that explains why it was not stored. */
function savedMeeting(result: SaveResult, id: string): Meeting {
  if (result.ok) return result.meeting;
  if (result.reason === 'not-found') throw new AppError('NOT_FOUND', `Meeting "${id}" does not exist`);
  if (result.reason === 'exists') throw new AppError('CONFLICT', 'Could not allocate a meeting id: try again');
  if (result.reason === 'missing')
    throw new AppError('CONFLICT', `The ${result.what} "${result.id}" was deleted while this meeting was being saved`, { [result.what === 'hall' ? 'hallId' : 'personId']: result.id });
  throw new AppError('CONFLICT', conflictMessage(result.conflicts), { conflicts: result.conflicts });
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  const first = conflicts[0] as Conflict;
  const hall = first.hallName ? `"${first.hallName}" (${first.hallId})` : `"${first.hallId}"`;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more conflicting booking${conflicts.length > 2 ? 's' : ''})` : '';
  return `Hall ${hall} is already booked by meeting "${first.title}" from ${formatLocal(first.start)} to ${formatLocal(first.end)} (Asia/Ho_Chi_Minh)${more}`;
}
