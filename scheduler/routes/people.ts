import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { AccountRole, Id, Person } from '../../store/records.js';
import { canSeePerson, personRule, scopeOf, visibleUnits } from '../access/directory.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import { hashPassword } from '../auth/password.js';
import type { ApiContext } from '../context.js';
import { Deleted, IdParams, responses } from '../schemas.js';
import { Clearable, ClientId, fold, ListQuery, Name, newId, Nullable, OptionalText, Password, Roles, Username } from './directory-schemas.js';

const Email = { format: 'email' };
const Account = Type.Object(
  { username: Username, password: Password, roles: Type.Array(AccountRole, { minItems: 1, maxItems: 4, uniqueItems: true }) },
  { additionalProperties: false, description: 'A sign-in account for the person' },
);
const PersonCreate = Type.Object(
  {
    id: ClientId,
    name: Name,
    title: OptionalText(200),
    unitId: Id,
    email: Type.Optional(Type.String({ maxLength: 200, ...Email })),
    phone: OptionalText(40),
    account: Type.Optional(Account),
  },
  { additionalProperties: false },
);
const PersonPatch = Type.Object(
  {
    name: Type.Optional(Name),
    title: Clearable(200),
    unitId: Type.Optional(Id),
    email: Clearable(200, Email),
    phone: Clearable(40),
    username: Type.Optional(Nullable(Username, { description: 'null removes the account' })),
    roles: Type.Optional(Roles),
  },
  { additionalProperties: false, minProperties: 1 },
);
const PeopleQuery = Type.Object({
  ...ListQuery,
  role: Type.Optional(AccountRole),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name or username; marks and case are ignored' })),
});

const security = [{ bearerAuth: [] }];

/** People (cán bộ) and their accounts: kept by the secretariat of their unit; everyone reads their own record. */
export const peopleRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store }) => {
  app.get(
    '/api/people',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['people'],
        summary: 'People the caller may see (secretariat: its subtree; others: themselves)',
        security,
        querystring: PeopleQuery,
        response: responses(200, Type.Array(Person), [400, 401, 403]),
      },
    },
    async (request) => {
      const view = await store.directory.view();
      const scope = scopeOf(callerOf(request), view);
      const { unitId, role, q } = request.query;
      let within: Set<string> | undefined;
      if (unitId !== undefined) {
        if (!view.units.has(unitId)) throw new AppError('BAD_REQUEST', `Unit "${unitId}" does not exist`);
        if (!scope.manages(unitId) && !visibleUnits(scope, view).has(unitId)) throw new AppError('FORBIDDEN', `Unit "${unitId}" is outside your scope`);
        within = scope.tree.subtree(unitId);
      }
      const needle = q === undefined ? '' : fold(q.trim());
      return [...view.people.values()]
        .filter(
          (p) =>
            canSeePerson(scope, p) &&
            (!within || within.has(p.unitId)) &&
            (role === undefined || p.roles.includes(role)) &&
            (needle === '' || fold(p.name).includes(needle) || (p.username ?? '').includes(needle)),
        )
        .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id));
    },
  );

  app.get(
    '/api/people/:id',
    { preHandler: requireRole(), schema: { tags: ['people'], summary: 'One person', security, params: IdParams, response: responses(200, Person, [400, 401, 403, 404]) } },
    async (request) => {
      const view = await store.directory.view();
      const person = view.people.get(request.params.id);
      if (!person) throw new AppError('NOT_FOUND', `Person "${request.params.id}" does not exist`);
      if (!canSeePerson(scopeOf(callerOf(request), view), person)) throw new AppError('FORBIDDEN', `Person "${person.id}" is outside your scope`);
      return person;
    },
  );

  app.post(
    '/api/people',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['people'],
        summary: 'Create a person in a unit the caller manages, optionally with an account (usernames are unique, case-insensitively)',
        security,
        body: PersonCreate,
        response: responses(201, Person, [400, 401, 403, 409]),
      },
    },
    async (request, reply) => {
      const { id, account, ...rest } = request.body;
      const passwordHash = account ? await hashPassword(account.password) : undefined;
      const person = await store.directory.createPerson(
        { id: id ?? newId('p'), ...rest, username: account?.username.toLowerCase(), roles: account?.roles ?? [] },
        passwordHash,
        personRule(callerOf(request)),
      );
      return reply.code(201).send(person);
    },
  );

  app.patch(
    '/api/people/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['people'],
        summary: 'Change a person: details, unit, username or roles (a secretariat never grants admin nor edits an administrator)',
        security,
        params: IdParams,
        body: PersonPatch,
        response: responses(200, Person, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const { username, ...rest } = request.body;
      const changes = username === undefined ? rest : { ...rest, username: username === null ? null : username.toLowerCase() };
      return store.directory.updatePerson(request.params.id, changes, personRule(callerOf(request)));
    },
  );

  app.delete(
    '/api/people/:id',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['people'],
        summary: 'Delete a person who operates no hall and is in no meeting (409 lists them); never oneself',
        security,
        params: IdParams,
        response: responses(200, Deleted, [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      await store.directory.deletePerson(request.params.id, personRule(callerOf(request)));
      await store.feeds.revoke({ kind: 'person', id: request.params.id });
      return { deleted: true as const };
    },
  );

  app.put(
    '/api/people/:id/password',
    {
      preHandler: requireRole('secretariat'),
      schema: {
        tags: ['people'],
        summary: 'Set a new password for a person’s account (administrators, or the secretariat of the person’s unit)',
        security,
        params: IdParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: responses(200, Type.Object({ changed: Type.Literal(true) }), [400, 401, 403, 404, 409]),
      },
    },
    async (request) => {
      const hash = await hashPassword(request.body.password);
      const person = await store.directory.resetPassword(request.params.id, hash, personRule(callerOf(request)));
      // A reset also lifts a sign-in lockout of that account.
      if (person.username) await store.auth.clear(`user:${person.username}`);
      return { changed: true as const };
    },
  );
};
