import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { Id, Unit } from '../../store/records.js';
import { scopeOf, unitRule, visibleUnits } from '../access/directory.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import type { ApiContext } from '../context.js';
import { Deleted, IdParams, responses } from '../schemas.js';
import type { UnitTree } from '../unit-tree.js';
import { ClientId, Name, newId, Nullable } from './directory-schemas.js';

const UnitView = Type.Composite([Unit, Type.Object({ manageable: Type.Boolean({ description: 'Whether the caller may change this unit and create records in it' }) })]);
const Kind = Type.String({ minLength: 1, maxLength: 40, pattern: '\\S', description: 'province, district, commune, ward, agency…' });
const ParentId = Nullable(Id, { description: 'null: a top-level unit (administrators only)' });

const UnitCreate = Type.Object({ id: ClientId, name: Name, kind: Kind, parentId: ParentId }, { additionalProperties: false });
const UnitPatch = Type.Object(
  { name: Type.Optional(Name), kind: Type.Optional(Kind), parentId: Type.Optional(ParentId) },
  { additionalProperties: false, minProperties: 1 },
);
const UnitQuery = Type.Object({ under: Type.Optional(Type.String({ pattern: Id.pattern as string, description: 'Only this unit and its subtree' })) });

const security = [{ bearerAuth: [] }];

/** The administrative tree: read by every account within its scope, changed by the secretariat of the subtree. */
export const unitRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/api/units',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['units'],
        summary: 'Units the caller may see, in tree order (parents first); `manageable` marks those it may change',
        security,
        querystring: UnitQuery,
        response: responses(200, Type.Array(UnitView), [400, 401, 403]),
      },
    },
    async (request) => {
      const view = await store.directory.view();
      const scope = scopeOf(callerOf(request), view);
      const visible = visibleUnits(scope, view);
      const { under } = request.query;
      if (under !== undefined) {
        if (!view.units.has(under)) throw new AppError('BAD_REQUEST', `Unit "${under}" does not exist`);
        if (!visible.has(under)) throw new AppError('FORBIDDEN', `Unit "${under}" is outside your scope`);
      }
      const within = under === undefined ? undefined : scope.tree.subtree(under);
      return treeOrder(scope.tree, view.units.values())
        .filter((u) => visible.has(u.id) && (!within || within.has(u.id)))
        .map((u) => ({ ...u, manageable: visible.get(u.id) as boolean }));
    },
  );

  app.get(
    '/api/units/:id',
    {
      preHandler: requireRole(),
      schema: { tags: ['units'], summary: 'One unit', security, params: IdParams, response: responses(200, UnitView, [400, 401, 403, 404]) },
    },
    async (request) => {
      const view = await store.directory.view();
      const unit = view.units.get(request.params.id);
      if (!unit) throw new AppError('NOT_FOUND', `Unit "${request.params.id}" does not exist`);
      const visible = visibleUnits(scopeOf(callerOf(request), view), view);
      if (!visible.has(unit.id)) throw new AppError('FORBIDDEN', `Unit "${unit.id}" is outside your scope`);
      return { ...unit, manageable: visible.get(unit.id) as boolean };
    },
  );

  app.post(
    '/api/units',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['units'],
        summary: 'Create a unit under one the caller manages (a top-level unit: administrators only)',
        security,
        body: UnitCreate,
        response: responses(201, UnitView, [400, 401, 403, 409]),
      },
    },
    async (request, reply) => {
      const { id, ...rest } = request.body;
      const unit = await store.directory.createUnit({ id: id ?? newId('u'), ...rest }, unitRule(callerOf(request)));
      return reply.code(201).send({ ...unit, manageable: true });
    },
  );

  app.patch(
    '/api/units/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['units'],
        summary: 'Rename a unit, change its kind or move it (within the caller’s scope; never under itself)',
        security,
        params: IdParams,
        body: UnitPatch,
        response: responses(200, UnitView, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const unit = await store.directory.updateUnit(request.params.id, request.body, unitRule(callerOf(request)));
      return { ...unit, manageable: true };
    },
  );

  app.delete(
    '/api/units/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['units'],
        summary: 'Delete a unit that nothing refers to (409 lists child units, halls, people and meetings that do)',
        security,
        params: IdParams,
        response: responses(200, Deleted, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      await store.directory.deleteUnit(request.params.id, unitRule(callerOf(request)));
      return { deleted: true as const };
    },
  );
};

/** Every unit, parents before children, siblings by name (Vietnamese collation). */
function treeOrder(tree: UnitTree, all: Iterable<Unit>): Unit[] {
  const byName = (a: Unit, b: Unit) => a.name.localeCompare(b.name, 'vi', { numeric: true }) || a.id.localeCompare(b.id);
  const ordered: Unit[] = [];
  const seen = new Set<string>();
  const stack = [...tree.roots()].sort(byName).reverse();
  while (stack.length > 0) {
    const unit = stack.pop() as Unit;
    if (seen.has(unit.id)) continue;
    seen.add(unit.id);
    ordered.push(unit);
    stack.push(...tree.children(unit.id).sort(byName).reverse());
  }
  // A unit whose parent is missing (only possible through raw imports) still shows, last.
  for (const unit of all) if (!seen.has(unit.id)) ordered.push(unit);
  return ordered;
}
