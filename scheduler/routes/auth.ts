import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../lib/errors.js';
import { Person, Unit } from '../../store/records.js';
import { callerOf, requireRole } from '../auth/plugin.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { ApiContext } from '../context.js';
import { responses } from '../schemas.js';
import { UnitTree } from '../unit-tree.js';

const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
const Session = Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), person: Person });
const Me = Type.Object({ person: Person, unit: Type.Union([Unit, Type.Null()]), unitPath: Type.Array(Unit) });

// A hash computed once so an unknown username costs as much time as a wrong password.
const dummyHash = hashPassword('not-a-password-of-anyone');

/** Sign-in (rate-limited per username and per address), the caller's own record, password change. */
export const authRoutes: FastifyPluginAsyncTypebox<ApiContext> = async (app, { store, config }) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in; returns a bearer token',
        body: Credentials,
        response: responses(200, Session, [400, 401, 429]),
      },
    },
    async (request) => {
      const username = request.body.username.trim().toLowerCase();
      const limits = [`user:${username}`, `ip:${request.ip}`];
      // One office often signs in from one address: its limit is ten times a username's.
      const allowed = [config.loginAttempts, config.loginAttempts * 10];
      for (const [i, who] of limits.entries()) {
        if ((await store.auth.attempts(who)) >= (allowed[i] as number))
          throw new AppError('RATE_LIMITED', 'Too many sign-in attempts: wait 15 minutes and try again');
      }
      const personId = await store.directory.personIdByUsername(username);
      const stored = personId ? await store.directory.passwordHash(personId) : undefined;
      const ok = await verifyPassword(request.body.password, stored ?? (await dummyHash));
      const person = ok && personId ? await store.directory.getPerson(personId) : undefined;
      if (!person || !stored || person.roles.length === 0) {
        for (const who of limits) await store.auth.recordFailure(who, config.loginWindowSeconds);
        throw new AppError('UNAUTHORIZED', 'Wrong username or password');
      }
      await store.auth.clear(`user:${username}`);
      const token = await app.jwt.sign({ sub: person.id });
      const expiresAt = new Date(Date.now() + config.sessionHours * 3600_000).toISOString();
      return { token, expiresAt, person };
    },
  );

  app.get(
    '/api/me',
    { preHandler: requireRole(), schema: { tags: ['auth'], summary: 'The signed-in person, their unit and its path from the root', security: [{ bearerAuth: [] }], response: responses(200, Me, [401]) } },
    async (request) => {
      const { person } = callerOf(request);
      const tree = new UnitTree(await store.directory.listUnits());
      return { person, unit: tree.get(person.unitId) ?? null, unitPath: tree.path(person.unitId) };
    },
  );

  app.put(
    '/api/me/password',
    {
      preHandler: requireRole(),
      schema: {
        tags: ['auth'],
        summary: 'Change one’s own password',
        security: [{ bearerAuth: [] }],
        body: Type.Object({ currentPassword: Type.String({ maxLength: 200 }), newPassword: Type.String({ minLength: 8, maxLength: 200 }) }),
        response: responses(200, Type.Object({ changed: Type.Literal(true) }), [400, 401, 403]),
      },
    },
    async (request) => {
      const { person } = callerOf(request);
      const stored = await store.directory.passwordHash(person.id);
      if (!stored || !(await verifyPassword(request.body.currentPassword, stored))) throw new AppError('FORBIDDEN', 'The current password is wrong');
      await store.directory.setPasswordHash(person.id, await hashPassword(request.body.newPassword));
      return { changed: true as const };
    },
  );
};
