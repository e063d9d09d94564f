import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, toErrorBody } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { ErrorCode } from '../protocol/errors.js';
import type { ApiContext } from './context.js';
import { authPlugin } from './auth/plugin.js';
import { docsPlugin } from './docs.js';
import { ErrorResponse } from './schemas.js';
import { authRoutes } from './routes/auth.js';
import { unitRoutes } from './routes/units.js';
import { hallRoutes } from './routes/halls.js';
import { peopleRoutes } from './routes/people.js';
import { meetingRoutes } from './routes/meetings.js';
import { invitationRoutes } from './routes/invitations.js';
import { feedRoutes } from './routes/feeds.js';
import { attendanceRoutes } from './routes/attendance.js';
import { conflictRoutes } from './routes/conflicts.js';
import { deviceCheckRoutes } from './routes/device-check.js';
import { importRoutes } from './routes/import.js';

export interface SchedulerOptions {
  clientDir: string;
  tls?: { key: Buffer; cert: Buffer } | undefined;
  log: Logger;
  /** The API's dependencies; without them only the client and /healthz are served. */
  api?: ApiContext;
  /** What /healthz reports about the media side, and this node of the cluster (its id, live nodes counting itself, participants joined on it). */
  health(): { workers: number; liveWorkers: number; node?: { id: string; peers: number; participants?: number } };
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** The HTTP app: the REST API with its OpenAPI document, the browser client and /healthz. */
export async function buildScheduler(options: SchedulerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Ids are validated by pattern; the longest parameter is an invitation's join token in
    // /api/invitations/:token/… (a JWT, at most 4 KB like the verifier allows); longer is refused before routing.
    routerOptions: { maxParamLength: 4096 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    ...(options.tls ? { https: options.tls } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const rawStatus = error instanceof AppError ? error.status : (error.statusCode ?? 500);
    // Fastify's own 4xx (validation, bad JSON, wrong content type) keep their status; anything else is ours to explain.
    const status = rawStatus >= 400 && rawStatus < 600 ? rawStatus : 500;
    if (status >= 500) options.log.error('request failed', { url: request.url, error: error instanceof Error ? error.stack : String(error) });
    const body =
      error instanceof AppError || status >= 500
        ? toErrorBody(error)
        : { code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message: error.message };
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.addSchema(ErrorResponse);
  await app.register(docsPlugin);

  app.get('/healthz', { schema: { hide: true } }, async () => {
    const media = options.health();
    const redis = options.api ? await options.api.store.ping() : undefined;
    const ok = media.liveWorkers > 0 && redis !== false;
    return { status: ok ? 'ok' : 'degraded', ...media, ...(redis === undefined ? {} : { redis }) };
  });

  if (options.api) {
    const api = options.api;
    await app.register(async (scope) => {
      await scope.register(authPlugin, { secret: api.jwtSecret, store: api.store, sessionHours: api.config.sessionHours });
      for (const routes of [authRoutes, unitRoutes, hallRoutes, peopleRoutes, meetingRoutes, invitationRoutes, feedRoutes, attendanceRoutes, conflictRoutes, importRoutes]) {
        await scope.register(routes, api);
      }
      if (api.probe) await scope.register(deviceCheckRoutes, { ...api, probe: api.probe });
    });
  }

  const built = existsSync(join(options.clientDir, 'join.html'));
  if (built) {
    await app.register(fastifyStatic, { root: options.clientDir, index: false, wildcard: false });
    app.get('/join', { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').sendFile('join.html'));
    app.get('/app', { schema: { hide: true } }, (_request, reply) => reply.type('text/html; charset=utf-8').sendFile('app.html'));
  } else {
    for (const page of ['/join', '/app'])
      app.get(page, { schema: { hide: true } }, (_request, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('The browser client is not built: run `npm run build`.'),
      );
    options.log.warn('the browser client is not built: run `npm run build`', { clientDir: options.clientDir });
  }
  // The front door is the office web app; sites arrive by their join links (/join?token=…).
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/app'));
  return app;
}
