import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { bootstrap } from '../../scheduler/bootstrap.js';
import { DEMO_PROVINCE_NAME, demoProvince, loadDemoProvince } from '../../scheduler/demo-province.js';
import { ID_PATTERN } from '../../protocol/ids.js';
import { startLocalRedis } from '../../store/local-redis.js';
import { connectRedis } from '../../store/redis.js';
import { createStore, type Store } from '../../store/store.js';
import { startApi } from '../helpers/api.js';
import { testSchedulerConfig } from '../helpers/config.js';

const run = promisify(execFile);
const PASSWORD = 'demo-password-1';

async function counts(store: Store) {
  const [units, halls, people] = await Promise.all([store.directory.listUnits(), store.directory.listHalls(), store.directory.listPeople()]);
  return { units: units.length, halls: halls.length, people: people.length };
}

t.test('the generated province: 1 + 13 + 225 units, a hall each; two levels: no districts', async (t) => {
  const three = demoProvince({ now: '2025-01-01T00:00:00.000Z' });
  const byId = new Map([three.root, ...three.units].map((u) => [u.id, u]));
  const districts = three.units.filter((u) => u.parentId === 'province');
  const communes = three.units.filter((u) => u.parentId !== 'province');
  t.equal(byId.size, 239, 'ids are unique');
  t.equal(districts.length, 13);
  t.ok(districts.every((d) => d.kind === 'district'));
  t.equal(communes.length, 225);
  t.ok(communes.every((c) => byId.get(c.parentId as string)?.kind === 'district'), 'every commune’s parent is a district');
  t.ok(communes.every((c) => ['commune', 'ward', 'township'].includes(c.kind)));
  t.ok(districts.some((d) => d.name === 'Thành phố Việt Trì') && communes.some((c) => c.name === 'Xã Tiên Kiên'), 'Vietnamese names with their marks');
  t.equal(three.halls.length, 239);
  t.same(new Set(three.halls.map((h) => h.unitId)), new Set(byId.keys()), 'a hall for each unit');
  t.ok([...byId.keys(), ...three.halls.map((h) => h.id), ...three.people.map((p) => p.id)].every((id) => new RegExp(ID_PATTERN).test(id)), 'ids fit the id pattern');
  t.ok(three.people.length >= 24 && three.people.length <= 80, `a few dozen people (${three.people.length})`);
  const roles = (role: string) => three.accounts.filter((a) => a.role === role);
  t.equal(roles('secretariat').length, 2 + 13, 'the province’s and each district’s secretariat');
  t.ok(three.accounts.some((a) => a.username === 'chutich.tinh' && a.role === 'official'), 'the chairman');
  const operated = new Set(three.halls.filter((h) => h.operatorId).map((h) => h.unitId));
  t.ok(operated.has('province') && districts.every((d) => operated.has(d.id)), 'the province and district halls have operators');
  t.ok(three.people.every((p) => /^[a-z0-9][a-z0-9_.-]{1,63}$/.test(p.username as string)), 'usernames fit the pattern');
  t.same(demoProvince({ now: '2025-01-01T00:00:00.000Z' }), three, 'pure: the same records every time');

  const two = demoProvince({ twoLevel: true });
  t.equal(two.units.length, 148);
  t.ok(two.units.every((u) => u.parentId === 'province' && u.kind !== 'district'), 'communes and wards straight under the province');
  t.equal(two.halls.length, 149);
});

t.test('loading into the store: idempotent, and a seeded secretariat signs in', async (t) => {
  const api = await startApi(t);
  const first = await loadDemoProvince(api.store, { password: PASSWORD });
  t.same(await counts(api.store), { units: 239, halls: 239, people: first.people + 1 }, 'the demo and the bootstrap admin');
  const root = await api.store.directory.getUnit('province');
  t.equal(root?.name, DEMO_PROVINCE_NAME, 'the bootstrap’s root unit is renamed');
  const createdAt = (await api.store.directory.getUnit('d01-c001'))?.createdAt;

  await loadDemoProvince(api.store, { password: PASSWORD });
  t.same(await counts(api.store), { units: 239, halls: 239, people: first.people + 1 }, 'running twice duplicates nothing');
  t.equal((await api.store.directory.getUnit('d01-c001'))?.createdAt, createdAt, 'and keeps createdAt');

  const province = await api.login('vp.tinh', PASSWORD);
  const units = await api.request(province, { method: 'GET', url: '/api/units' });
  t.equal(units.json().length, 239);
  t.ok(units.json().every((u: { manageable: boolean }) => u.manageable), 'the province secretariat manages everything');
  const district = await api.login('vp.viettri', PASSWORD);
  const own = await api.request(district, { method: 'GET', url: '/api/units' });
  t.equal(own.json().filter((u: { manageable: boolean }) => u.manageable).length, 1 + 24, 'a district secretariat manages its district');
  const halls = await api.request(district, { method: 'GET', url: '/api/halls' });
  t.equal(halls.json().length, 25);

  // Two levels in another key space of the same server; the layouts never mix.
  const other = createStore(api.store.redis, 'two-level');
  await bootstrap(other, testSchedulerConfig({ redisPrefix: 'two-level' }));
  await loadDemoProvince(other, { twoLevel: true, password: PASSWORD });
  await loadDemoProvince(other, { twoLevel: true, password: PASSWORD });
  t.same(await counts(other), { units: 149, halls: 149, people: 41 + 1 });
  t.notOk((await other.directory.listUnits()).some((u) => u.kind === 'district'));
  await t.rejects(loadDemoProvince(other, { password: PASSWORD }), /two-level/, 'the three-level demo is not loaded over the two-level one');
  t.same(await counts(other), { units: 149, halls: 149, people: 42 }, 'and nothing was written');
});

t.test('npm run seed:demo: its own redis-server when none runs, the running one otherwise', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-seed-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { ...process.env, DATA_DIR: dataDir, ADMIN_PASSWORD: 'admin-password-1', REDIS_URL: '', REDIS_PREFIX: '' };
  const seed = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts', ...args], { env, timeout: 60_000 });

  const alone = await seed('--password', PASSWORD);
  t.match(alone.stdout, /239 units, 239 halls/);
  t.match(alone.stdout, /^vp\.tinh\s+secretariat\s+Tỉnh Phú Thọ\s+.*demo-password-1$/m, 'the accounts as a table');
  t.match(alone.stdout, /^kt\.viettri\s+operator\s+Thành phố Việt Trì/m);

  // What `npm start` does: its redis-server on DATA_DIR/redis, which kept the data in its AOF.
  const server = await startLocalRedis(join(dataDir, 'redis'));
  t.teardown(() => server.stop());
  const redis = await connectRedis(server.url);
  t.teardown(() => redis.close().catch(() => {}));
  const store = createStore(redis);
  t.same(await counts(store), { units: 239, halls: 239, people: 51 }, 'the data outlived the seed’s own server');

  const again = await seed('--password', 'other-password');
  t.match(again.stdout, /running server's redis-server/);
  t.same(await counts(store), { units: 239, halls: 239, people: 51 }, 'nothing duplicated');
  t.equal(await redis.ping(), 'PONG', 'the running server was left running');

  const refused = await seed('--password', 'short').then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  t.equal(refused?.code, 2);
  t.match(refused?.stderr, /at least 8/);
});
