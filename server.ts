import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { signJoinToken } from './lib/join-token.js';
import { createLogger, type Logger } from './lib/log.js';
import type { JoinClaims } from './protocol/claims.js';
import { buildScheduler } from './scheduler/app.js';
import { createSfu, type Sfu } from './sfu/sfu.js';
import { createSignaling, type Signaling } from './signaling/signaling.js';

export interface DiemcauServer {
  /** Base URL of the HTTP side, e.g. http://localhost:3000. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly sfu: Sfu;
  readonly signaling: Signaling;
  readonly log: Logger;
  /** A join token signed with this server's secret; valid from now for `hours` (default 12). */
  signToken(claims: JoinClaims, options?: { notBefore?: number; expiresAt?: number }): string;
  joinUrl(token: string): string;
  close(): Promise<void>;
}

/** Builds and starts the whole service on one machine: media, signaling and the HTTP app. */
export async function createServer(config: Config): Promise<DiemcauServer> {
  const log = createLogger(config.logLevel);
  const sfu = await createSfu(config.sfu, log);
  let app: FastifyInstance | undefined;
  let signaling: Signaling | undefined;
  try {
    app = await buildScheduler({
      clientDir: config.clientDir,
      tls: config.tls,
      log,
      health: () => ({
        workers: sfu.pool.slots.length,
        liveWorkers: sfu.pool.slots.filter((s) => !s.worker.closed).length,
      }),
    });
    signaling = createSignaling({ httpServer: app.server, sfu, config: config.signaling, log });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await signaling?.close();
    await app?.close();
    sfu.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const scheme = config.tls ? 'https' : 'http';
  const url = config.publicUrl ?? `${scheme}://localhost:${port}`;
  let closed = false;

  return {
    url,
    app,
    sfu,
    signaling,
    log,
    signToken: (claims, options = {}) =>
      signJoinToken(config.signaling.jwtSecret, claims, {
        ...options,
        expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 12 * 3600,
      }),
    joinUrl: (token) => `${url}/join?token=${encodeURIComponent(token)}`,
    async close() {
      if (closed) return;
      closed = true;
      await signaling.close();
      await app.close();
      sfu.close();
    },
  };
}
