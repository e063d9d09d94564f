import fastifyJwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { AccountRole } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { API_AUDIENCE, type Caller, type SessionClaims } from './caller.js';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: SessionClaims;
    user: SessionClaims;
  }
}
declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate`; routes behind it may rely on it. */
    caller: Caller | null;
  }
}

export interface AuthOptions {
  secret: string;
  store: Store;
  sessionHours: number;
}

/** Bearer session tokens: HS256, audience "diemcau:api", the person re-read on every request. */
export const authPlugin = fp<AuthOptions>(async (app, options) => {
  await app.register(fastifyJwt, {
    secret: options.secret,
    sign: { algorithm: 'HS256', aud: API_AUDIENCE, expiresIn: `${options.sessionHours}h` },
    verify: { algorithms: ['HS256'], allowedAud: API_AUDIENCE },
  });
  app.decorateRequest('caller', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    let claims: SessionClaims;
    try {
      claims = await request.jwtVerify<SessionClaims>();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') throw new AppError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
      if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') throw new AppError('TOKEN_EXPIRED', 'Your session has expired: sign in again');
      throw new AppError('UNAUTHORIZED', 'The session token is invalid: sign in again');
    }
    const person = typeof claims.sub === 'string' ? await options.store.directory.getPerson(claims.sub) : undefined;
    if (!person || person.roles.length === 0) throw new AppError('UNAUTHORIZED', 'This account no longer exists or has no role');
    request.caller = { person, roles: new Set(person.roles) };
  });
});

declare module 'fastify' {
  interface FastifyInstance {
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

/** preHandler: signed in, and holding one of `roles` (admin holds them all). */
export function requireRole(...roles: AccountRole[]): preHandlerAsyncHookHandler {
  return async function (this: { authenticate: (r: FastifyRequest, s: FastifyReply) => Promise<void> }, request, reply) {
    await this.authenticate(request, reply);
    const caller = request.caller as Caller;
    if (caller.roles.has('admin') || roles.length === 0 || roles.some((r) => caller.roles.has(r))) return;
    throw new AppError('FORBIDDEN', `This needs the role ${roles.join(' or ')}`);
  };
}

/** The caller of a route behind requireRole. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return request.caller;
}
