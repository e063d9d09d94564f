import t from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startApi, type ApiHarness } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
async function as(api: ApiHarness, username?: string, password = FIXTURE_PASSWORD): Promise<Client> {
  const token = username ? await api.login(username, password) : await api.login();
  return (options) => api.request(token, options);
}
const ids = (r: LightMyRequestResponse) => (r.json() as { id: string }[]).map((p) => p.id).sort();
const signIn = (api: ApiHarness, username: string, password: string) =>
  api.request(undefined, { method: 'POST', url: '/api/auth/login', payload: { username, password } });

t.test('people and accounts: scope, CRUD, grants, references and bad input', async (t) => {
  const api = await startApi(t);
  const province = await seedProvince(api.store);
  const admin = await as(api);
  const secD1 = await as(api, 'sec-d1');
  const d1People = ['sec-d1', 'op-d1', 'off-d1', ...['c1', 'c2', 'c3'].flatMap((c) => [`op-d1-${c}`, `off-d1-${c}`])].sort();

  await t.test('lists follow the caller’s scope', async (t) => {
    t.equal((await admin({ method: 'GET', url: '/api/people' })).json().length, province.people.length + 1, 'everyone, and the admin');
    const d1 = await secD1({ method: 'GET', url: '/api/people' });
    t.same(ids(d1), d1People);
    t.notMatch(d1.body, /d2|Huyện 2/);
    t.same(ids(await secD1({ method: 'GET', url: '/api/people?role=operator&unitId=d1' })), ['op-d1', 'op-d1-c1', 'op-d1-c2', 'op-d1-c3']);
    t.same(ids(await secD1({ method: 'GET', url: '/api/people?q=ky%20thuat%20xa%202' })), ['op-d1-c2'], 'search ignores marks and case');
    const d2 = await secD1({ method: 'GET', url: '/api/people?unitId=d2' });
    t.equal(d2.statusCode, 403);
    t.notMatch(d2.body, /off-d2|Huyện 2/);
    const other = await secD1({ method: 'GET', url: '/api/people/off-d2' });
    t.equal(other.statusCode, 403);
    t.notMatch(other.body, /Lãnh đạo/);

    const official = await as(api, 'off-d1-c1');
    t.same(ids(await official({ method: 'GET', url: '/api/people' })), ['off-d1-c1'], 'an official sees only itself');
    t.equal((await official({ method: 'GET', url: '/api/people?unitId=d2' })).statusCode, 403, 'an official cannot list another unit');
    t.same(ids(await official({ method: 'GET', url: '/api/people?unitId=d1' })), ['off-d1-c1'], 'nor its own unit’s other people');
    t.equal((await official({ method: 'GET', url: '/api/people/op-d1-c1' })).statusCode, 403);
    const self = await official({ method: 'GET', url: '/api/people/off-d1-c1' });
    t.equal(self.statusCode, 200);
    t.equal(self.json().name, 'Lãnh đạo Xã 1 Huyện 1');
    t.equal((await secD1({ method: 'GET', url: '/api/people/ghost' })).statusCode, 404);
  });

  await t.test('create with an account: stored lower-case, no hash returned, signs in', async (t) => {
    const made = await secD1({
      method: 'POST',
      url: '/api/people',
      payload: {
        id: 'p-nva',
        name: 'Nguyễn Văn An',
        title: 'Chủ tịch UBND xã',
        unitId: 'd1-c1',
        email: 'an.nv@example.vn',
        phone: '0912 345 678',
        account: { username: 'NguyenVanAn', password: 'mat-khau-an-toan', roles: ['official', 'operator'] },
      },
    });
    t.equal(made.statusCode, 201);
    t.match(made.json(), { id: 'p-nva', username: 'nguyenvanan', roles: ['official', 'operator'], unitId: 'd1-c1', email: 'an.nv@example.vn' });
    t.notMatch(made.body, /scrypt|mat-khau/, 'neither hash nor password in the answer');
    t.equal((await signIn(api, 'NGUYENVANAN', 'mat-khau-an-toan')).statusCode, 200, 'usernames are case-insensitive');

    const noAccount = await secD1({ method: 'POST', url: '/api/people', payload: { name: 'Trần Thị Bình', unitId: 'd1' } });
    t.equal(noAccount.statusCode, 201);
    t.match(noAccount.json(), { id: /^p-[0-9a-f]{10}$/, roles: [] });
    t.notOk('username' in noAccount.json());

    const count = (await admin({ method: 'GET', url: '/api/people' })).json().length;
    const refusals: [string, number, object][] = [
      ['a taken username in another case', 409, { name: 'X', unitId: 'd1', account: { username: 'nguyenVANan', password: 'password-1', roles: ['official'] } }],
      ['a taken id', 409, { id: 'off-d1', name: 'X', unitId: 'd1' }],
      ['the admin role', 403, { name: 'X', unitId: 'd1', account: { username: 'wannabe', password: 'password-1', roles: ['admin'] } }],
      ['a unit of district 2', 403, { name: 'X', unitId: 'd2-c1' }],
      ['an unknown unit', 400, { name: 'X', unitId: 'ghost' }],
      ['a short password', 400, { name: 'X', unitId: 'd1', account: { username: 'shorty', password: 'short', roles: ['official'] } }],
      ['no role', 400, { name: 'X', unitId: 'd1', account: { username: 'norole', password: 'password-1', roles: [] } }],
      ['an unknown role', 400, { name: 'X', unitId: 'd1', account: { username: 'x1', password: 'password-1', roles: ['king'] } }],
      ['a bad email', 400, { name: 'X', unitId: 'd1', email: 'not-an-email' }],
      ['a bad username', 400, { name: 'X', unitId: 'd1', account: { username: 'has space', password: 'password-1', roles: ['official'] } }],
    ];
    for (const [what, status, payload] of refusals) {
      const r = await secD1({ method: 'POST', url: '/api/people', payload });
      t.equal(r.statusCode, status, what);
      t.notMatch(r.body, /Huyện 2/, `${what}: no district 2 data`);
    }
    t.equal((await admin({ method: 'GET', url: '/api/people' })).json().length, count, 'nothing was created by the refusals');
    t.equal((await signIn(api, 'wannabe', 'password-1')).statusCode, 401);
    const province = await as(api, 'sec-province');
    t.equal((await province({ method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'province', account: { username: 'x-admin', password: 'password-1', roles: ['admin'] } } })).statusCode, 403, 'no secretariat grants admin');
    const byAdmin = await admin({ method: 'POST', url: '/api/people', payload: { id: 'admin-d1', name: 'Quản trị huyện', unitId: 'd1', account: { username: 'admin-d1', password: 'password-1', roles: ['admin'] } } });
    t.equal(byAdmin.statusCode, 201, 'an admin grants admin');
    const operator = await as(api, 'op-d1');
    t.equal((await operator({ method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'd1' } })).statusCode, 403, 'operators do not create people');
  });

  await t.test('two creations with one username at once: exactly one wins', async (t) => {
    for (let round = 0; round < 3; round++) {
      const username = `tranh-chap-${round}`;
      const answers = await Promise.all(
        ['a', 'b', 'c'].map((suffix) =>
          secD1({ method: 'POST', url: '/api/people', payload: { id: `race-${round}-${suffix}`, name: `Người ${suffix}`, unitId: 'd1', account: { username, password: 'password-1', roles: ['official'] } } }),
        ),
      );
      const statuses = answers.map((a) => a.statusCode).sort();
      t.same(statuses, [201, 409, 409], `round ${round}`);
      const winner = answers.find((a) => a.statusCode === 201)?.json().id;
      t.equal(await api.store.directory.personIdByUsername(username), winner, 'the username points at the winner');
      const stored = await api.store.directory.getPeople(['a', 'b', 'c'].map((s) => `race-${round}-${s}`));
      t.equal(stored.filter(Boolean).length, 1, 'only the winner was stored');
    }
  });

  await t.test('update: details, unit, username and roles within the rules', async (t) => {
    const edited = await secD1({ method: 'PATCH', url: '/api/people/p-nva', payload: { title: null, phone: '0987 000 111', unitId: 'd1-c2', username: 'an.nguyen' } });
    t.equal(edited.statusCode, 200);
    t.match(edited.json(), { unitId: 'd1-c2', phone: '0987 000 111', username: 'an.nguyen' });
    t.notOk('title' in edited.json(), 'null clears the title');
    t.equal((await signIn(api, 'nguyenvanan', 'mat-khau-an-toan')).statusCode, 401, 'the old username is gone');
    t.equal((await signIn(api, 'an.nguyen', 'mat-khau-an-toan')).statusCode, 200, 'the new one signs in with the same password');
    t.equal((await secD1({ method: 'POST', url: '/api/people', payload: { name: 'Y', unitId: 'd1', account: { username: 'nguyenvanan', password: 'password-1', roles: ['official'] } } })).statusCode, 201, 'the old username is free again');
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/p-nva', payload: { username: 'sec-d2' } })).statusCode, 409, 'a taken username');

    t.equal((await secD1({ method: 'PATCH', url: '/api/people/p-nva', payload: { roles: ['admin'] } })).statusCode, 403, 'never admin');
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/admin-d1', payload: { name: 'Renamed' } })).statusCode, 403, 'never an admin’s record');
    t.equal((await secD1({ method: 'PUT', url: '/api/people/admin-d1/password', payload: { password: 'taken-over-1' } })).statusCode, 403, 'nor an admin’s password');
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/off-d2', payload: { name: 'Mine' } })).statusCode, 403);
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/p-nva', payload: { unitId: 'd2' } })).statusCode, 403, 'not moved out of scope');
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/sec-d1', payload: { roles: ['secretariat', 'operator'] } })).statusCode, 403, 'not its own roles');
    t.equal((await secD1({ method: 'PATCH', url: '/api/people/ghost', payload: { name: 'x' } })).statusCode, 404);

    const operatorLoss = await secD1({ method: 'PATCH', url: '/api/people/op-d1', payload: { roles: ['official'] } });
    t.equal(operatorLoss.statusCode, 409, 'an operator of a hall keeps the role');
    t.same(operatorLoss.json().details.halls.items, [{ id: 'hall-d1', name: 'Điểm cầu Huyện 1' }]);
    const noAccount = await secD1({ method: 'PATCH', url: '/api/people/p-nva', payload: { username: null } });
    t.equal(noAccount.statusCode, 200);
    t.same(noAccount.json().roles, [], 'removing the account removes its roles');
    t.equal((await signIn(api, 'an.nguyen', 'mat-khau-an-toan')).statusCode, 401);

    const after = (await admin({ method: 'GET', url: '/api/people/admin-d1' })).json();
    t.equal(after.name, 'Quản trị huyện', 'refused edits changed nothing');
    t.same((await admin({ method: 'GET', url: '/api/people/op-d1' })).json().roles, ['operator']);
    t.equal((await admin({ method: 'GET', url: '/api/people/off-d2' })).json().name, 'Lãnh đạo Huyện 2');
  });

  await t.test('password reset by the secretariat of the person’s unit', async (t) => {
    const reset = await secD1({ method: 'PUT', url: '/api/people/off-d1-c3/password', payload: { password: 'new-password-3' } });
    t.equal(reset.statusCode, 200);
    t.equal((await signIn(api, 'off-d1-c3', FIXTURE_PASSWORD)).statusCode, 401);
    t.equal((await signIn(api, 'off-d1-c3', 'new-password-3')).statusCode, 200);
    t.equal((await secD1({ method: 'PUT', url: '/api/people/off-d2/password', payload: { password: 'taken-over-2' } })).statusCode, 403);
    t.equal((await signIn(api, 'off-d2', FIXTURE_PASSWORD)).statusCode, 200, 'the refused reset changed nothing');
    t.equal((await secD1({ method: 'PUT', url: '/api/people/p-nva/password', payload: { password: 'password-x' } })).statusCode, 409, 'no account');
    t.equal((await secD1({ method: 'PUT', url: '/api/people/off-d1/password', payload: { password: 'short' } })).statusCode, 400);
    t.equal((await secD1({ method: 'PUT', url: '/api/people/ghost/password', payload: { password: 'password-x' } })).statusCode, 404);
    const official = await as(api, 'off-d1');
    t.equal((await official({ method: 'PUT', url: '/api/people/off-d1-c1/password', payload: { password: 'password-x' } })).statusCode, 403);
  });

  await t.test('delete: refused while referenced or for oneself; the username is freed', async (t) => {
    const operator = await secD1({ method: 'DELETE', url: '/api/people/op-d1-c1' });
    t.equal(operator.statusCode, 409);
    t.same(operator.json().details.halls.items.map((h: { id: string }) => h.id), ['hall-d1-c1']);

    const { redis, keys } = api.store;
    // What the meetings routes write for a chair or an invitee (written directly here).
    await redis.set(keys.meeting('m-7'), JSON.stringify({ id: 'm-7', title: 'Hội nghị sơ kết quý', unitId: 'd1', siteHallIds: [] }));
    await redis.sAdd(keys.personMeetings('off-d1-c2'), 'm-7');
    const invited = await secD1({ method: 'DELETE', url: '/api/people/off-d1-c2' });
    t.equal(invited.statusCode, 409);
    t.same(invited.json().details.meetings.items, [{ id: 'm-7', name: 'Hội nghị sơ kết quý' }]);
    t.equal((await signIn(api, 'off-d1-c2', FIXTURE_PASSWORD)).statusCode, 200, 'still there and signs in');

    const self = await secD1({ method: 'DELETE', url: '/api/people/sec-d1' });
    t.equal(self.statusCode, 409);
    t.equal((await secD1({ method: 'DELETE', url: '/api/people/off-d2' })).statusCode, 403);
    t.equal((await secD1({ method: 'DELETE', url: '/api/people/admin-d1' })).statusCode, 403);
    t.equal((await secD1({ method: 'DELETE', url: '/api/people/ghost' })).statusCode, 404);
    t.equal((await admin({ method: 'GET', url: '/api/people/off-d2' })).statusCode, 200);

    const gone = await secD1({ method: 'DELETE', url: '/api/people/off-d1-c3' });
    t.equal(gone.statusCode, 200);
    t.equal((await secD1({ method: 'GET', url: '/api/people/off-d1-c3' })).statusCode, 404);
    t.equal((await signIn(api, 'off-d1-c3', 'new-password-3')).statusCode, 401, 'its account is gone');
    t.equal(await api.store.directory.passwordHash('off-d1-c3'), undefined, 'and its password hash');
    const again = await secD1({ method: 'POST', url: '/api/people', payload: { name: 'Z', unitId: 'd1-c3', account: { username: 'off-d1-c3', password: 'password-z', roles: ['official'] } } });
    t.equal(again.statusCode, 201, 'the username can be given again');
  });

  await t.test('bad input is 400 and stores nothing', async (t) => {
    const before = (await admin({ method: 'GET', url: '/api/people' })).body;
    const bad: [string, InjectOptions][] = [
      ['malformed JSON', { method: 'POST', url: '/api/people', payload: '{"name": "x",', headers: { 'content-type': 'application/json' } }],
      ['wrong type', { method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'd1', account: 'yes' } }],
      ['too long', { method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'd1', phone: '1'.repeat(41) } }],
      ['huge name', { method: 'POST', url: '/api/people', payload: { name: 'x'.repeat(100_000), unitId: 'd1' } }],
      ['bad id', { method: 'POST', url: '/api/people', payload: { id: 'a/b', name: 'X', unitId: 'd1' } }],
      ['unknown field', { method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'd1', roles: ['admin'] } }],
      ['unknown account field', { method: 'POST', url: '/api/people', payload: { name: 'X', unitId: 'd1', account: { username: 'abc', password: 'password-1', roles: ['official'], admin: true } } }],
      ['duplicate roles', { method: 'PATCH', url: '/api/people/off-d1', payload: { roles: ['official', 'official'] } }],
      ['empty username', { method: 'PATCH', url: '/api/people/off-d1', payload: { username: '' } }],
      ['bad role filter', { method: 'GET', url: '/api/people?role=king' }],
    ];
    for (const [what, options] of bad) {
      const r = await admin(options);
      t.equal(r.statusCode, 400, what);
      t.equal(r.json().code, 'BAD_REQUEST', what);
    }
    t.equal((await admin({ method: 'GET', url: '/api/people' })).body, before, 'nothing changed');
  });
});

t.test('people in a two-level province', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 0, communes: 3 });
  const province = await as(api, 'sec-province');
  const made = await province({ method: 'POST', url: '/api/people', payload: { name: 'Văn phòng xã', unitId: 'c1', account: { username: 'vp.c1', password: 'password-1', roles: ['secretariat'] } } });
  t.equal(made.statusCode, 201);
  const secC1 = await as(api, 'vp.c1', 'password-1');
  t.same(ids(await secC1({ method: 'GET', url: '/api/people' })), [made.json().id, 'off-c1', 'op-c1'].sort());
  t.equal((await secC1({ method: 'GET', url: '/api/people?unitId=c2' })).statusCode, 403);
  t.equal((await secC1({ method: 'PATCH', url: '/api/people/off-c2', payload: { name: 'x' } })).statusCode, 403);
  t.equal((await secC1({ method: 'PATCH', url: '/api/people/off-c1', payload: { title: 'Chủ tịch UBND xã' } })).statusCode, 200);
});
