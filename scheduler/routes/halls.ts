import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { Hall, Id } from '../../store/records.js';
import { canSeeHall, hallRule, scopeOf, visibleUnits } from '../access/directory.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { Deleted, IdParams, responses } from '../schemas.js';
import { Clearable, ClientId, ListQuery, Name, newId, Nullable, OptionalText } from './directory-schemas.js';

const OperatorId = Nullable(Id, { description: 'A person with the operator role, or null' });
const HallCreate = Type.Object(
  { id: ClientId, name: Name, unitId: Id, operatorId: Type.Optional(OperatorId), location: OptionalText(300) },
  { additionalProperties: false },
);
const HallPatch = Type.Object(
  { name: Type.Optional(Name), unitId: Type.Optional(Id), operatorId: Type.Optional(OperatorId), location: Clearable(300) },
  { additionalProperties: false, minProperties: 1 },
);
const HallQuery = Type.Object({
  ...ListQuery,
  operatorId: Type.Optional(Type.String({ pattern: Id.pattern as string, description: 'Only halls this person operates' })),
});

const security = [{ bearerAuth: [] }];

/** Halls (điểm cầu): kept by the secretariat of their unit; their operators read them and may rename them. */
export const hallRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/api/halls',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['halls'],
        summary: 'Halls the caller may see (secretariat: its subtree; operator: its halls; official: its unit’s)',
        security,
        querystring: HallQuery,
        response: responses(200, Type.Array(Hall), [400, 401, 403]),
      },
    },
    async (request) => {
      const view = await store.directory.view();
      const scope = scopeOf(callerOf(request), view);
      const { unitId, operatorId } = request.query;
      let within: Set<string> | undefined;
      if (unitId !== undefined) {
        if (!view.units.has(unitId)) throw new AppError('BAD_REQUEST', `Unit "${unitId}" does not exist`);
        if (!visibleUnits(scope, view).has(unitId)) throw new AppError('FORBIDDEN', `Unit "${unitId}" is outside your scope`);
        within = scope.tree.subtree(unitId);
      }
      return [...view.halls.values()]
        .filter((h) => canSeeHall(scope, h) && (!within || within.has(h.unitId)) && (operatorId === undefined || h.operatorId === operatorId))
        .sort((a, b) => a.name.localeCompare(b.name, 'vi', { numeric: true }) || a.id.localeCompare(b.id));
    },
  );

  app.get(
    '/api/halls/:id',
    { preHandler: requireRole(), schema: { tags: ['halls'], summary: 'One hall', security, params: IdParams, response: responses(200, Hall, [400, 401, 403, 404]) } },
    async (request) => {
      const view = await store.directory.view();
      const hall = view.halls.get(request.params.id);
      if (!hall) throw new AppError('NOT_FOUND', `Hall "${request.params.id}" does not exist`);
      if (!canSeeHall(scopeOf(callerOf(request), view), hall)) throw new AppError('FORBIDDEN', `Hall "${hall.id}" is outside your scope`);
      return hall;
    },
  );

  app.post(
    '/api/halls',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['halls'],
        summary: 'Create a hall in a unit the caller manages; its operator must hold the operator role',
        security,
        body: HallCreate,
        response: responses(201, Hall, [400, 401, 403, 409]),
      },
    },
    async (request, reply) => {
      const { id, operatorId, ...rest } = request.body;
      const hall = await store.directory.createHall({ id: id ?? newId('h'), operatorId: operatorId ?? null, ...rest }, hallRule(callerOf(request)));
      return reply.code(201).send(hall);
    },
  );

  app.patch(
    '/api/halls/:id',
    {
      preHandler: requireRole('secretariat', 'operator'),
      schema: {
        tags: ['halls'],
        summary: 'Change a hall (its operator may change only the name and location)',
        security,
        params: IdParams,
        body: HallPatch,
        response: responses(200, Hall, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => store.directory.updateHall(request.params.id, request.body, hallRule(callerOf(request))),
  );

  app.delete(
    '/api/halls/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['halls'],
        summary: 'Delete a hall no meeting books or names (409 lists the meetings)',
        security,
        params: IdParams,
        response: responses(200, Deleted, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      await store.directory.deleteHall(request.params.id, hallRule(callerOf(request)));
      await store.feeds.revoke({ kind: 'hall', id: request.params.id });
      return { deleted: true as const };
    },
  );
};
