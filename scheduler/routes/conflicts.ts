import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { Id, Instant } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { loadMeetingAccess } from '../access/meetings.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { MeetingCreateBody, normaliseSchedule, type SitesInput } from '../meeting-input.js';
import { pendingOccurrences } from '../recurrence.js';
import { responses } from '../schemas.js';
import type { UnitTree } from '../unit-tree.js';

/** At most this many conflicts are listed; `more` says the list stopped there. */
const MAX_LISTED = 100;

const ConflictsBody = Type.Composite(
  [
    Type.Pick(MeetingCreateBody, ['start', 'end', 'recurrence']),
    Type.Partial(Type.Pick(MeetingCreateBody, ['hostHallId', 'sites'])),
    Type.Object({ excludeMeetingId: Type.Optional(Id) }),
  ],
  { additionalProperties: false },
);
const ConflictView = Type.Object({
  hallId: Id,
  hallName: Type.Optional(Type.String()),
  meetingId: Id,
  title: Type.String(),
  start: Instant,
  end: Instant,
});
const ConflictsAnswer = Type.Object({
  conflicts: Type.Array(ConflictView),
  more: Type.Boolean({ description: `The list stopped at ${MAX_LISTED}: there are more` }),
  uncheckedHallIds: Type.Array(Id, { description: 'Halls asked about that the caller may not book: not checked' }),
});

/**
 * POST /api/meetings/conflicts: would these times and halls be refused as already booked?
 * The same schedule rules and the same hall selection as scheduling (400/404 alike), and the
 * booking script's own conflict rule (store.meetings.findConflicts); nothing is written.
 */
export const conflictRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.post(
    '/api/meetings/conflicts',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['meetings'],
        security: [{ bearerAuth: [] }],
        summary: 'Check before saving: the bookings that scheduling these times in these halls would conflict with (nothing is written)',
        body: ConflictsBody,
        response: responses(200, ConflictsAnswer, [400, 401, 403, 404]),
      },
    },
    async (request) => {
      const body = request.body;
      const access = await loadMeetingAccess(store, callerOf(request));
      const editing = body.excludeMeetingId === undefined ? undefined : await store.meetings.getMeeting(body.excludeMeetingId);
      if (body.excludeMeetingId !== undefined && !editing) throw new AppError('NOT_FOUND', `Meeting "${body.excludeMeetingId}" does not exist`);
      if (editing) access.requireEdit(editing);
      // As a change would: the meeting's cancelled and already held occurrences stay out.
      const schedule = normaliseSchedule(body, editing?.recurrence?.exdates ?? []);
      const occurrences = pendingOccurrences({ ...schedule, endedOccurrences: editing?.endedOccurrences });
      const asked = await selectedHalls(store, access.scope.tree, body.hostHallId, body.sites ?? {});
      // Halls the caller may book: those it manages, and those the meeting it edits already has.
      const kept = new Set(editing ? [editing.hostHallId, ...editing.siteHallIds] : []);
      const checked = asked.filter((h) => kept.has(h.id) || access.scope.manages(h.unitId)).map((h) => h.id);
      const unchecked = asked.map((h) => h.id).filter((id) => !checked.includes(id));
      const conflicts = await store.meetings.findConflicts(checked, occurrences, { excludeMeetingId: editing?.id, max: MAX_LISTED });
      return { conflicts, more: conflicts.length >= MAX_LISTED, uncheckedHallIds: unchecked };
    },
  );
};

/**
 * The halls a meeting with this host and sites would book, with scheduling's rules
 * (scheduler/meeting-references.ts): 404 naming unknown units or halls; a unit stands for
 * every hall of its subtree. Here the host is optional (the form asks before one is chosen).
 */
async function selectedHalls(store: Store, tree: UnitTree, hostHallId: string | undefined, sites: SitesInput): Promise<{ id: string; unitId: string }[]> {
  const halls = new Map((await store.directory.listHalls()).map((h) => [h.id, h]));
  const unitIds = [...new Set(sites.unitIds ?? [])];
  const unknownUnits = unitIds.filter((u) => !tree.has(u));
  if (unknownUnits.length > 0) throw new AppError('NOT_FOUND', `Unit ${quoted(unknownUnits)} does not exist`, { unitIds: unknownUnits });
  const explicit = [...(hostHallId === undefined ? [] : [hostHallId]), ...(sites.hallIds ?? [])];
  const unknownHalls = [...new Set(explicit.filter((h) => !halls.has(h)))];
  if (unknownHalls.length > 0) throw new AppError('NOT_FOUND', `Hall ${quoted(unknownHalls)} does not exist`, { hallIds: unknownHalls });
  const selected = new Set(explicit);
  const units = new Set(unitIds.flatMap((u) => [...tree.subtree(u)]));
  if (units.size > 0) for (const hall of halls.values()) if (units.has(hall.unitId)) selected.add(hall.id);
  return [...selected].sort().map((id) => halls.get(id) as { id: string; unitId: string });
}

function quoted(ids: readonly string[]): string {
  const shown = ids.slice(0, 5).map((id) => `"${id}"`).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}
