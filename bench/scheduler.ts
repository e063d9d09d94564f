/**
 * Scheduler throughput on this machine, over real HTTP and a real redis-server:
 *   1. a bare Fastify route (the ceiling of this machine and framework),
 *   2. POST /api/meetings with the atomic hall-conflict check (a district's 18 halls each),
 *   3. GET of one invitation's .ics file.
 * Prints requests/s and latency percentiles. `DURATION` seconds per phase (default 5),
 * `CONCURRENCY` requests in flight (default 16).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createLogger } from '../lib/log.js';
import { buildScheduler } from '../scheduler/app.js';
import { bootstrap } from '../scheduler/bootstrap.js';
import { startLocalRedis } from '../store/local-redis.js';
import { connectRedis } from '../store/redis.js';
import { createStore } from '../store/store.js';
import { FIXTURE_PASSWORD, seedProvince } from '../test/helpers/fixtures.js';
import { TEST_JWT_SECRET, testSchedulerConfig } from '../test/helpers/config.js';

const DURATION = Number(process.env.DURATION ?? 5) * 1000;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);

interface Result {
  name: string;
  requests: number;
  failed: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function load(name: string, request: (i: number) => Promise<Response>): Promise<Result> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const end = Date.now() + DURATION;
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < end) {
      const i = next++;
      const t0 = performance.now();
      const response = await request(i);
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (response.status >= 300) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { name, requests: latencies.length, failed, perSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99) };
}

const dir = mkdtempSync(join(tmpdir(), 'diemcau-bench-'));
const redisServer = await startLocalRedis(dir);
const redis = await connectRedis(redisServer.url);
const config = testSchedulerConfig({ redisPrefix: 'bench' });
const store = createStore(redis, config.redisPrefix);
await bootstrap(store, config);
const province = await seedProvince(store, { districts: 13, communes: 17 });
const log = createLogger('silent');
let baseUrl = '';
const app = await buildScheduler({
  clientDir: '/nonexistent',
  log,
  api: { store, config, jwtSecret: TEST_JWT_SECRET, publicUrl: () => baseUrl, log },
  health: () => ({ workers: 1, liveWorkers: 1 }),
});
await app.listen({ host: '127.0.0.1', port: 0 });
baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const bare = Fastify({ logger: false });
bare.get('/bare', async () => ({ ok: true }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare`;

const login = await fetch(`${baseUrl}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'sec-province', password: FIXTURE_PASSWORD }),
});
const { token } = (await login.json()) as { token: string };
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const results: Result[] = [];
results.push(await load('bare Fastify route (GET, JSON)', () => fetch(bareUrl)));

// Meetings one after another in time, each booking a district hall and its 17 communes' halls.
const base = Date.parse('2027-01-04T01:00:00Z');
const districts = province.districts;
results.push(
  await load('POST /api/meetings (conflict check, 18 halls)', (i) => {
    const district = districts[i % districts.length]!;
    const slot = Math.floor(i / districts.length);
    const start = new Date(base + slot * 2 * 3600_000);
    return fetch(`${baseUrl}/api/meetings`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        title: `Giao ban ${i}`,
        agenda: [{ title: 'Tình hình kinh tế - xã hội' }],
        start: start.toISOString(),
        end: new Date(start.getTime() + 3600_000).toISOString(),
        chairId: 'sec-province',
        hostHallId: district.hall.id,
        sites: { unitIds: [district.unit.id] },
        invitedPersonIds: [],
        secretaryIds: [],
      }),
    });
  }),
);

const created = await fetch(`${baseUrl}/api/meetings`, {
  method: 'POST',
  headers: auth,
  body: JSON.stringify({
    title: 'Hội nghị trực tuyến toàn tỉnh',
    agenda: [{ title: 'Khai mạc' }],
    start: '2028-01-05T08:00:00+07:00',
    end: '2028-01-05T11:00:00+07:00',
    chairId: 'sec-province',
    hostHallId: province.rootHall.id,
    sites: { unitIds: ['province'] },
    invitedPersonIds: [],
    secretaryIds: [],
  }),
});
const meeting = (await created.json()) as { id: string };
const invitations = (await (await fetch(`${baseUrl}/api/meetings/${meeting.id}/invitations`, { headers: auth })).json()) as { id: string }[] | { invitations: { id: string }[] };
const list = Array.isArray(invitations) ? invitations : invitations.invitations;
const invitationId = list[1]?.id ?? list[0]?.id;
results.push(
  await load('GET invitation .ics (240-site meeting)', () =>
    fetch(`${baseUrl}/api/meetings/${meeting.id}/invitations/${invitationId}.ics`, { headers: { authorization: auth.authorization } }),
  ),
);

console.log(`\nscheduler benchmark: ${DURATION / 1000} s per phase, ${CONCURRENCY} in flight, ${province.halls.length} halls, Node ${process.version}`);
console.table(
  results.map((r) => ({
    phase: r.name,
    'requests/s': Math.round(r.perSecond),
    'p50 ms': r.p50.toFixed(1),
    'p99 ms': r.p99.toFixed(1),
    requests: r.requests,
    'non-2xx': r.failed,
    'vs bare': `${((100 * r.perSecond) / (results[0] as Result).perSecond).toFixed(1)} %`,
  })),
);

await app.close();
await bare.close();
await redis.close();
await redisServer.stop();
rmSync(dir, { recursive: true, force: true });
