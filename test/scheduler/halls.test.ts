import t from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startApi, type ApiHarness } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
async function as(api: ApiHarness, username?: string): Promise<Client> {
  const token = username ? await api.login(username, FIXTURE_PASSWORD) : await api.login();
  return (options) => api.request(token, options);
}
const ids = (r: LightMyRequestResponse) => (r.json() as { id: string }[]).map((h) => h.id).sort();

t.test('halls: scope, CRUD, bookings and bad input', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  const admin = await as(api);
  const secD1 = await as(api, 'sec-d1');
  const opC1 = await as(api, 'op-d1-c1');

  await t.test('lists follow the caller’s scope', async (t) => {
    t.equal((await admin({ method: 'GET', url: '/api/halls' })).json().length, 9);
    const d1 = await secD1({ method: 'GET', url: '/api/halls' });
    t.same(ids(d1), ['hall-d1', 'hall-d1-c1', 'hall-d1-c2', 'hall-d1-c3']);
    t.notMatch(d1.body, /hall-d2|Huyện 2/);
    t.same(ids(await secD1({ method: 'GET', url: '/api/halls?unitId=d1-c2' })), ['hall-d1-c2']);
    t.same(ids(await secD1({ method: 'GET', url: '/api/halls?operatorId=op-d1-c3' })), ['hall-d1-c3']);
    t.same(ids(await secD1({ method: 'GET', url: '/api/halls?unitId=province' })), ['hall-d1', 'hall-d1-c1', 'hall-d1-c2', 'hall-d1-c3'], 'an ancestor filter shows only its own part');
    const d2 = await secD1({ method: 'GET', url: '/api/halls?unitId=d2' });
    t.equal(d2.statusCode, 403);
    t.notMatch(d2.body, /hall-d2/);

    t.same(ids(await opC1({ method: 'GET', url: '/api/halls' })), ['hall-d1-c1'], 'an operator sees only its hall');
    t.equal((await opC1({ method: 'GET', url: '/api/halls/hall-d1-c1' })).statusCode, 200);
    const other = await opC1({ method: 'GET', url: '/api/halls/hall-d1-c2' });
    t.equal(other.statusCode, 403);
    t.notMatch(other.body, /Điểm cầu/);
    const official = await as(api, 'off-d2');
    t.same(ids(await official({ method: 'GET', url: '/api/halls' })), ['hall-d2'], 'an official sees its unit’s hall');
    t.equal((await secD1({ method: 'GET', url: '/api/halls/hall-d2' })).statusCode, 403);
    t.equal((await secD1({ method: 'GET', url: '/api/halls/ghost' })).statusCode, 404);
  });

  await t.test('create: in scope, with an operator of its scope', async (t) => {
    const made = await secD1({
      method: 'POST',
      url: '/api/halls',
      payload: { id: 'hall-d1-c1-b', name: 'Phòng họp số 2', unitId: 'd1-c1', operatorId: 'op-d1-c1', location: 'Tầng 2, trụ sở UBND xã' },
    });
    t.equal(made.statusCode, 201);
    t.match(made.json(), { id: 'hall-d1-c1-b', unitId: 'd1-c1', operatorId: 'op-d1-c1', location: 'Tầng 2, trụ sở UBND xã' });
    const generated = await secD1({ method: 'POST', url: '/api/halls', payload: { name: 'Hội trường B', unitId: 'd1' } });
    t.equal(generated.statusCode, 201);
    t.match(generated.json(), { id: /^h-[0-9a-f]{10}$/, operatorId: null });
    t.same(ids(await opC1({ method: 'GET', url: '/api/halls' })), ['hall-d1-c1', 'hall-d1-c1-b'], 'its operator sees it');

    const count = (await admin({ method: 'GET', url: '/api/halls' })).json().length;
    const refusals: [string, number, object][] = [
      ['a unit of district 2', 403, { name: 'X', unitId: 'd2' }],
      ['an operator of district 2', 403, { name: 'X', unitId: 'd1', operatorId: 'op-d2' }],
      ['an operator without the role', 400, { name: 'X', unitId: 'd1', operatorId: 'off-d1' }],
      ['an unknown operator', 400, { name: 'X', unitId: 'd1', operatorId: 'ghost' }],
      ['an unknown unit', 400, { name: 'X', unitId: 'ghost' }],
      ['a taken id', 409, { id: 'hall-d1', name: 'X', unitId: 'd1' }],
    ];
    for (const [what, status, payload] of refusals) {
      const r = await secD1({ method: 'POST', url: '/api/halls', payload });
      t.equal(r.statusCode, status, what);
      t.notMatch(r.body, /Huyện 2/, `${what}: no district 2 data`);
    }
    t.equal((await opC1({ method: 'POST', url: '/api/halls', payload: { name: 'X', unitId: 'd1-c1' } })).statusCode, 403, 'operators do not create halls');
    t.equal((await admin({ method: 'GET', url: '/api/halls' })).json().length, count, 'nothing was created by the refusals');
    t.equal((await admin({ method: 'GET', url: '/api/halls/hall-d1' })).json().name, 'Điểm cầu Huyện 1', 'the taken id kept its hall');
  });

  await t.test('update: the secretariat changes anything in scope; the operator only name and location', async (t) => {
    const byOperator = await opC1({ method: 'PATCH', url: '/api/halls/hall-d1-c1', payload: { location: 'Phòng 101', name: 'Điểm cầu xã 1' } });
    t.equal(byOperator.statusCode, 200);
    t.match(byOperator.json(), { location: 'Phòng 101', name: 'Điểm cầu xã 1', operatorId: 'op-d1-c1' });
    t.equal((await opC1({ method: 'PATCH', url: '/api/halls/hall-d1-c1', payload: { unitId: 'd1' } })).statusCode, 403, 'not its unit');
    t.equal((await opC1({ method: 'PATCH', url: '/api/halls/hall-d1-c1', payload: { operatorId: null } })).statusCode, 403, 'not its operator');
    t.equal((await opC1({ method: 'PATCH', url: '/api/halls/hall-d1-c2', payload: { location: 'x' } })).statusCode, 403, 'not another hall');

    const reassigned = await secD1({ method: 'PATCH', url: '/api/halls/hall-d1-c1', payload: { operatorId: 'op-d1-c2', location: null } });
    t.equal(reassigned.statusCode, 200);
    t.equal(reassigned.json().operatorId, 'op-d1-c2');
    t.notOk('location' in reassigned.json(), 'null clears the location');
    t.same(ids(await opC1({ method: 'GET', url: '/api/halls' })), ['hall-d1-c1-b'], 'the old operator no longer sees it');

    t.equal((await secD1({ method: 'PATCH', url: '/api/halls/hall-d1-c1', payload: { unitId: 'd2' } })).statusCode, 403, 'not moved out of scope');
    t.equal((await secD1({ method: 'PATCH', url: '/api/halls/hall-d2', payload: { name: 'Mine' } })).statusCode, 403);
    t.equal((await secD1({ method: 'PATCH', url: '/api/halls/ghost', payload: { name: 'x' } })).statusCode, 404);
    t.equal((await admin({ method: 'GET', url: '/api/halls/hall-d1-c1' })).json().unitId, 'd1-c1', 'unchanged by the refusals');
    t.equal((await admin({ method: 'GET', url: '/api/halls/hall-d2' })).json().name, 'Điểm cầu Huyện 2');
  });

  await t.test('delete: refused while booked, with the meetings; allowed once free', async (t) => {
    const { redis, keys } = api.store;
    // What the meetings routes write when they book a hall (written directly here).
    await redis.zAdd(keys.hallBookings('hall-d1-c2'), [
      { score: 1_000, value: 'm-1|1000|2000' },
      { score: 3_000, value: 'm-2|3000|4000' },
    ]);
    const booked = await secD1({ method: 'DELETE', url: '/api/halls/hall-d1-c2' });
    t.equal(booked.statusCode, 409);
    t.same(booked.json().details.meetings.items.map((m: { id: string }) => m.id).sort(), ['m-1', 'm-2']);
    t.equal((await secD1({ method: 'GET', url: '/api/halls/hall-d1-c2' })).statusCode, 200, 'still there');

    await redis.del(keys.hallBookings('hall-d1-c2'));
    const foreign = await secD1({ method: 'DELETE', url: '/api/halls/hall-d2' });
    t.equal(foreign.statusCode, 403);
    t.equal((await opC1({ method: 'DELETE', url: '/api/halls/hall-d1-c1-b' })).statusCode, 403, 'operators do not delete');
    t.equal((await secD1({ method: 'DELETE', url: '/api/halls/ghost' })).statusCode, 404);
    const freed = await secD1({ method: 'DELETE', url: '/api/halls/hall-d1-c2' });
    t.equal(freed.statusCode, 200);
    t.equal((await secD1({ method: 'GET', url: '/api/halls/hall-d1-c2' })).statusCode, 404);
  });

  await t.test('a hall created while its unit is deleted is never orphaned', async (t) => {
    for (let i = 0; i < 6; i++) {
      const unitId = `race-${i}`;
      t.equal((await secD1({ method: 'POST', url: '/api/units', payload: { id: unitId, name: `Đơn vị ${i}`, kind: 'agency', parentId: 'd1' } })).statusCode, 201);
      const [created, deleted] = await Promise.all([
        secD1({ method: 'POST', url: '/api/halls', payload: { id: `hall-${unitId}`, name: 'Phòng họp', unitId } }),
        secD1({ method: 'DELETE', url: `/api/units/${unitId}` }),
      ]);
      const unit = await api.store.directory.getUnit(unitId);
      const hall = await api.store.directory.getHall(`hall-${unitId}`);
      if (created.statusCode === 201) {
        t.equal(deleted.statusCode, 409, 'the hall won: the unit stays');
        t.ok(unit && hall);
      } else {
        t.equal(created.statusCode, 400, 'the delete won: the hall is refused');
        t.equal(deleted.statusCode, 200);
        t.notOk(unit || hall);
      }
    }
  });

  await t.test('bad input is 400 and stores nothing', async (t) => {
    const before = (await admin({ method: 'GET', url: '/api/halls' })).body;
    const bad: [string, InjectOptions][] = [
      ['malformed JSON', { method: 'POST', url: '/api/halls', payload: '{', headers: { 'content-type': 'application/json' } }],
      ['wrong type', { method: 'POST', url: '/api/halls', payload: { name: 'X', unitId: { id: 'd1' } } }],
      ['too long', { method: 'POST', url: '/api/halls', payload: { name: 'X', unitId: 'd1', location: 'x'.repeat(301) } }],
      ['bad id', { method: 'POST', url: '/api/halls', payload: { id: '-x', name: 'X', unitId: 'd1' } }],
      ['unknown field', { method: 'POST', url: '/api/halls', payload: { name: 'X', unitId: 'd1', capacity: 40 } }],
      ['bad filter', { method: 'GET', url: '/api/halls?unitId=a%20b' }],
      ['unknown filter unit', { method: 'GET', url: '/api/halls?unitId=ghost' }],
      ['patch wrong type', { method: 'PATCH', url: '/api/halls/hall-d1', payload: { operatorId: ['a', 'b'] } }],
    ];
    for (const [what, options] of bad) {
      const r = await admin(options);
      t.equal(r.statusCode, 400, what);
      t.equal(r.json().code, 'BAD_REQUEST', what);
    }
    t.equal((await admin({ method: 'GET', url: '/api/halls' })).body, before, 'nothing changed');
  });
});

t.test('halls in a two-level province', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 0, communes: 3 });
  const province = await as(api, 'sec-province');
  t.equal((await province({ method: 'GET', url: '/api/halls' })).json().length, 4);
  const made = await province({ method: 'POST', url: '/api/halls', payload: { name: 'Phòng họp trực tuyến', unitId: 'c2', operatorId: 'op-c2' } });
  t.equal(made.statusCode, 201);
  const operator = await as(api, 'op-c2');
  t.same(ids(await operator({ method: 'GET', url: '/api/halls' })), [made.json().id, 'hall-c2'].sort());
  t.equal((await operator({ method: 'GET', url: '/api/halls/hall-c1' })).statusCode, 403);
});
