import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { createLogger } from '../../lib/log.js';
import { buildScheduler } from '../../scheduler/app.js';
import { bootstrap } from '../../scheduler/bootstrap.js';
import type { SchedulerConfig } from '../../scheduler/config.js';
import { connectRedis } from '../../store/redis.js';
import { createStore, type Store } from '../../store/store.js';
import { TEST_ADMIN, TEST_JWT_SECRET, testSchedulerConfig } from './config.js';
import { startRedis } from './redis.js';

export const TEST_PUBLIC_URL = 'http://diemcau.test';

export interface ApiHarness {
  app: FastifyInstance;
  store: Store;
  redisUrl: string;
  /** Signs in and returns a bearer token (throws with the answer when refused). */
  login(username?: string, password?: string): Promise<string>;
  /** app.inject with `Authorization: Bearer <token>` when a token is given; JSON bodies as objects. */
  request(token: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A fresh app over the same Redis (to test that nothing lives only in memory). */
  rebuild(): Promise<void>;
}

/**
 * The scheduler API alone — a private redis-server, no media — driven with app.inject.
 * The first admin is TEST_ADMIN in the root unit "province".
 */
export async function startApi(t: Test, overrides: Partial<SchedulerConfig> = {}): Promise<ApiHarness> {
  const redisServer = await startRedis(t);
  const redis = await connectRedis(redisServer.url);
  const config = testSchedulerConfig(overrides);
  const store = createStore(redis, config.redisPrefix);
  await bootstrap(store, config);
  const log = createLogger('silent');
  const build = () =>
    buildScheduler({
      clientDir: '/nonexistent',
      log,
      api: { store, config, jwtSecret: TEST_JWT_SECRET, publicUrl: () => TEST_PUBLIC_URL, log },
      health: () => ({ workers: 1, liveWorkers: 1 }),
    });
  const harness: ApiHarness = {
    app: await build(),
    store,
    redisUrl: redisServer.url,
    async login(username = TEST_ADMIN.username, password = TEST_ADMIN.password) {
      const response = await harness.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
      return (response.json() as { token: string }).token;
    },
    request(token, options) {
      return harness.app.inject({ ...options, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers } });
    },
    async rebuild() {
      await harness.app.close();
      harness.app = await build();
    },
  };
  t.teardown(async () => {
    await harness.app.close();
    await redis.close().catch(() => {});
  });
  return harness;
}
