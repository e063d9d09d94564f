import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AppError, toErrorBody } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';

export interface SchedulerOptions {
  clientDir: string;
  tls?: { key: Buffer; cert: Buffer } | undefined;
  log: Logger;
  /** What /healthz reports about the media side. */
  health(): { workers: number; liveWorkers: number };
}

/** The HTTP app: for now the browser client and /healthz; the scheduler API comes next. */
export async function buildScheduler(options: SchedulerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, ...(options.tls ? { https: options.tls } : {}) });

  app.setErrorHandler((error, request, reply) => {
    const status = error instanceof AppError ? error.status : (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) options.log.error('request failed', { url: request.url, error: error instanceof Error ? error.stack : String(error) });
    const body =
      error instanceof AppError || status >= 500
        ? toErrorBody(error)
        : { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message: (error as Error).message };
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/healthz', async () => {
    const media = options.health();
    return { status: media.liveWorkers > 0 ? 'ok' : 'degraded', ...media };
  });

  const built = existsSync(join(options.clientDir, 'join.html'));
  if (built) {
    await app.register(fastifyStatic, { root: options.clientDir, index: false, wildcard: false });
    app.get('/join', (_request, reply) => reply.type('text/html; charset=utf-8').sendFile('join.html'));
  } else {
    app.get('/join', (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The browser client is not built: run `npm run build`.'),
    );
    options.log.warn('the browser client is not built: run `npm run build`', { clientDir: options.clientDir });
  }
  app.get('/', (_request, reply) => reply.redirect('/join'));
  return app;
}
