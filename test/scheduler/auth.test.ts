import t from 'tap';
import { signJoinToken } from '../../lib/join-token.js';
import { createJoinTokenVerifier } from '../../lib/join-token.js';
import { startApi } from '../helpers/api.js';
import { TEST_ADMIN, TEST_JWT_SECRET } from '../helpers/config.js';

t.test('sign-in, /api/me, password change, session token kinds and the sign-in rate limit', async (t) => {
  const api = await startApi(t, { loginAttempts: 4 });

  await t.test('the first admin signs in and sees itself and its unit', async (t) => {
    const token = await api.login();
    const me = await api.request(token, { method: 'GET', url: '/api/me' });
    t.equal(me.statusCode, 200);
    t.equal(me.json().person.username, TEST_ADMIN.username);
    t.same(me.json().person.roles, ['admin']);
    t.equal(me.json().unit.id, 'province');
    t.same(me.json().unitPath.map((u: { id: string }) => u.id), ['province']);
    t.notOk('password' in me.json().person, 'no password or hash in the answer');
    t.notMatch(me.body, /scrypt/);
  });

  await t.test('no token, a garbage token, a join token: 401 with a code', async (t) => {
    const none = await api.request(undefined, { method: 'GET', url: '/api/me' });
    t.equal(none.statusCode, 401);
    t.equal(none.json().code, 'UNAUTHORIZED');
    const garbage = await api.request('abc.def.ghi', { method: 'GET', url: '/api/me' });
    t.equal(garbage.statusCode, 401);
    const join = signJoinToken(TEST_JWT_SECRET, { sub: 'admin', meetingId: 'm1', role: 'chair', name: 'x' }, { expiresAt: Math.floor(Date.now() / 1000) + 600 });
    const withJoin = await api.request(join, { method: 'GET', url: '/api/me' });
    t.equal(withJoin.statusCode, 401, 'a join token is not an API session');
  });

  await t.test('an API session token does not open a meeting', async (t) => {
    const token = await api.login();
    const verify = createJoinTokenVerifier(TEST_JWT_SECRET);
    t.throws(() => verify(token), { code: 'UNAUTHORIZED' });
  });

  await t.test('wrong password and unknown user answer alike', async (t) => {
    const wrong = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'nope-nope' } });
    const unknown = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'nope-nope' } });
    t.equal(wrong.statusCode, 401);
    t.equal(unknown.statusCode, 401);
    t.equal(wrong.json().message, unknown.json().message);
  });

  await t.test('bad bodies are 400 with a code', async (t) => {
    const malformed = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    t.equal(malformed.statusCode, 400);
    t.equal(malformed.json().code, 'BAD_REQUEST');
    const wrongType = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 5, password: [] } });
    t.equal(wrongType.statusCode, 400);
    const huge = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 'a'.repeat(100_000), password: 'x' } });
    t.equal(huge.statusCode, 400);
  });

  await t.test('password change: the old one stops working', async (t) => {
    const token = await api.login();
    const wrongCurrent = await api.request(token, { method: 'PUT', url: '/api/me/password', payload: { currentPassword: 'bad', newPassword: 'another-password' } });
    t.equal(wrongCurrent.statusCode, 403);
    const changed = await api.request(token, { method: 'PUT', url: '/api/me/password', payload: { currentPassword: TEST_ADMIN.password, newPassword: 'another-password' } });
    t.equal(changed.statusCode, 200);
    await t.rejects(api.login(TEST_ADMIN.username, TEST_ADMIN.password));
    t.ok(await api.login(TEST_ADMIN.username, 'another-password'));
    await api.request(token, { method: 'PUT', url: '/api/me/password', payload: { currentPassword: 'another-password', newPassword: TEST_ADMIN.password } });
  });

  await t.test('sign-in is rate-limited per username', async (t) => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username: 'target', password: `guess-${i}` } });
      statuses.push(r.statusCode);
    }
    t.same(statuses.slice(0, 4), [401, 401, 401, 401]);
    t.equal(statuses[4], 429);
    t.equal(statuses[5], 429);
  });
});

t.test('the OpenAPI document and its UI', async (t) => {
  const api = await startApi(t);
  const doc = await api.request(undefined, { method: 'GET', url: '/docs/json' });
  t.equal(doc.statusCode, 200);
  const paths = doc.json().paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
  t.ok(paths['/api/auth/login']?.post, 'login is documented');
  t.ok(paths['/api/me']?.get?.responses['200'], 'responses are documented');
  const ui = await api.request(undefined, { method: 'GET', url: '/docs/' });
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});
