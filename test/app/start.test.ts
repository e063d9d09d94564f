/**
 * `npm start`'s program: starts with working defaults (its own redis-server with AOF in DATA_DIR),
 * serves the client, the API and /healthz, prints the first admin's one-time password once,
 * stops on SIGTERM (Redis too), and loses nothing across a restart.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startProgram } from '../helpers/program.js';

const dataDir = mkdtempSync(join(tmpdir(), 'diemcau-start-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (env: Record<string, string>) => startProgram(t, dataDir, env);

const login = (url: string, username: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

let oneTimePassword = '';

t.test('starts, serves, and stops cleanly', async (t) => {
  const server = run({ ADMIN_PASSWORD: '' });
  const [, url] = await server.printed(/running at (http:\/\/\S+)/);
  t.match(server.output(), /npm run token -- --meeting/, 'says how to make a join link');
  const [, password] = await server.printed(/one-time password\s+(\S+)/);
  oneTimePassword = password as string;
  t.ok(oneTimePassword.length >= 12, 'a one-time admin password is printed on first start');
  const health = await fetch(`${url}/healthz`);
  t.equal(health.status, 200);
  const body = (await health.json()) as { node: { id: string } };
  t.same(body, { status: 'ok', workers: 1, liveWorkers: 1, redis: true, node: { id: body.node.id, peers: 1, participants: 0 } }, 'one node: itself');
  t.match(body.node.id, /^[A-Za-z0-9][A-Za-z0-9_.-]*-\d+-[0-9a-f]{6}$/, 'the default node id is host name, pid and a random part');
  const signedIn = await login(url as string, 'admin', oneTimePassword);
  t.equal(signedIn.status, 200, 'the printed password signs in');
  const { token } = (await signedIn.json()) as { token: string };
  const unit = await fetch(`${url}/api/units`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ id: 'd-restart', name: 'Huyện Khởi Động Lại', kind: 'district', parentId: 'province' }),
  });
  t.equal(unit.status, 201, 'a unit is written');
  const page = await fetch(`${url}/join?token=x`);
  t.equal(page.status, 200);
  t.match(await page.text(), /<html lang="vi">/, 'serves the join page');
  const missing = await fetch(`${url}/nope`);
  t.same(await missing.json(), { code: 'NOT_FOUND', message: 'No route GET /nope' });
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'exits 0 on SIGTERM');
  t.notOk(existsSync(join(dataDir, 'redis', 'redis.sock')), 'its redis-server stopped too');
  t.ok(existsSync(join(dataDir, 'redis', 'appendonlydir')), 'Redis kept an append-only file');
});

t.test('a restart of the app and its Redis loses nothing, and prints no new password', async (t) => {
  const server = run({ ADMIN_PASSWORD: '' });
  const [, url] = await server.printed(/running at (http:\/\/\S+)/);
  t.notMatch(server.output(), /one-time password/);
  const signedIn = await login(url as string, 'admin', oneTimePassword);
  t.equal(signedIn.status, 200, 'the first password still signs in');
  const { token } = (await signedIn.json()) as { token: string };
  const unit = await fetch(`${url}/api/units/d-restart`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(unit.status, 200);
  t.match(await unit.json(), { id: 'd-restart', name: 'Huyện Khởi Động Lại', parentId: 'province' }, 'the unit written before the restart is there');
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
});

t.test('without redis-server and REDIS_URL it says what to install', async (t) => {
  const server = run({ PATH: '/nonexistent', REDIS_URL: '' });
  t.equal(await server.exited, 1);
  t.match(server.output(), /redis-server is not installed: run `npm run setup`/);
});

t.test('an unreachable REDIS_URL stops start-up with a clear message', async (t) => {
  const server = run({ REDIS_URL: 'unix:///nonexistent/redis.sock' });
  t.equal(await server.exited, 1);
  t.match(server.output(), /cannot reach Redis at unix:\/\/\/nonexistent\/redis.sock/);
});

t.test('invalid configuration stops start-up with a clear message', async (t) => {
  const server = run({ PORT: 'eighty' });
  t.equal(await server.exited, 1);
  t.match(server.output(), /invalid configuration: PORT must be a port number/);
});
