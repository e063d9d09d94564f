import t from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startApi, type ApiHarness } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';

type Client = (options: InjectOptions) => Promise<LightMyRequestResponse>;
async function as(api: ApiHarness, username?: string): Promise<Client> {
  const token = username ? await api.login(username, FIXTURE_PASSWORD) : await api.login();
  return (options) => api.request(token, options);
}
const ids = (r: LightMyRequestResponse) => (r.json() as { id: string }[]).map((u) => u.id);

t.test('units: scope, CRUD, references and bad input (three levels)', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  const admin = await as(api);
  const secD1 = await as(api, 'sec-d1');

  await t.test('lists follow the caller’s scope', async (t) => {
    const all = await admin({ method: 'GET', url: '/api/units' });
    t.equal(all.statusCode, 200);
    t.equal(all.json().length, 9, 'province, 2 districts, 6 communes');
    t.ok(all.json().every((u: { manageable: boolean }) => u.manageable));
    t.equal(all.json()[0].id, 'province', 'parents come first');

    const d1 = await secD1({ method: 'GET', url: '/api/units' });
    t.same(ids(d1), ['province', 'd1', 'd1-c1', 'd1-c2', 'd1-c3']);
    t.same(d1.json().map((u: { manageable: boolean }) => u.manageable), [false, true, true, true, true], 'the ancestor is shown, not manageable');
    t.notMatch(d1.body, /Huyện 2|d2/, 'nothing of district 2');

    const under = await secD1({ method: 'GET', url: '/api/units?under=d1-c2' });
    t.same(ids(under), ['d1-c2']);

    const operator = await as(api, 'op-d1-c1');
    const opList = await operator({ method: 'GET', url: '/api/units' });
    t.same(ids(opList), ['province', 'd1', 'd1-c1'], 'an operator sees the path of its unit');
    t.ok(opList.json().every((u: { manageable: boolean }) => !u.manageable));
    const official = await as(api, 'off-d2-c3');
    t.same(ids(await official({ method: 'GET', url: '/api/units' })), ['province', 'd2', 'd2-c3']);
  });

  await t.test('a district secretariat cannot read district 2', async (t) => {
    for (const url of ['/api/units/d2', '/api/units/d2-c1', '/api/units?under=d2']) {
      const r = await secD1({ method: 'GET', url });
      t.equal(r.statusCode, 403, url);
      t.equal(r.json().code, 'FORBIDDEN');
      t.notMatch(r.body, /Huyện 2|Xã \d Huyện 2/, `${url}: no district 2 data`);
    }
    const own = await secD1({ method: 'GET', url: '/api/units/d1-c1' });
    t.equal(own.statusCode, 200);
    t.equal(own.json().name, 'Xã 1 Huyện 1');
    t.equal(own.json().manageable, true);
    t.equal((await secD1({ method: 'GET', url: '/api/units/nope' })).statusCode, 404);
    t.equal((await secD1({ method: 'GET', url: '/api/units?under=nope' })).statusCode, 400);
  });

  await t.test('create: in scope with a given or generated id; duplicates, roots and other districts refused', async (t) => {
    const made = await secD1({ method: 'POST', url: '/api/units', payload: { id: 'd1-c9', name: 'Xã Tiên Kiên', kind: 'commune', parentId: 'd1' } });
    t.equal(made.statusCode, 201);
    t.match(made.json(), { id: 'd1-c9', name: 'Xã Tiên Kiên', kind: 'commune', parentId: 'd1', manageable: true });
    t.ok(made.json().createdAt);
    const generated = await secD1({ method: 'POST', url: '/api/units', payload: { name: 'Phòng Nội vụ', kind: 'agency', parentId: 'd1' } });
    t.equal(generated.statusCode, 201);
    t.match(generated.json().id, /^u-[0-9a-f]{10}$/);
    t.equal((await secD1({ method: 'GET', url: `/api/units/${generated.json().id}` })).statusCode, 200, 'stored');

    const duplicate = await secD1({ method: 'POST', url: '/api/units', payload: { id: 'd1-c9', name: 'Again', kind: 'commune', parentId: 'd1' } });
    t.equal(duplicate.statusCode, 409);
    t.equal((await secD1({ method: 'GET', url: '/api/units/d1-c9' })).json().name, 'Xã Tiên Kiên', 'the first one is untouched');

    const before = (await admin({ method: 'GET', url: '/api/units' })).json().length;
    const inD2 = await secD1({ method: 'POST', url: '/api/units', payload: { id: 'x-in-d2', name: 'X', kind: 'commune', parentId: 'd2' } });
    t.equal(inD2.statusCode, 403);
    t.notMatch(inD2.body, /Huyện 2/);
    const root = await secD1({ method: 'POST', url: '/api/units', payload: { id: 'x-root', name: 'X', kind: 'province', parentId: null } });
    t.equal(root.statusCode, 403);
    const province = await as(api, 'sec-province');
    t.equal((await province({ method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'province', parentId: null } })).statusCode, 403, 'even the province secretariat');
    const unknownParent = await secD1({ method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'commune', parentId: 'ghost' } });
    t.equal(unknownParent.statusCode, 400);
    const official = await as(api, 'off-d1');
    t.equal((await official({ method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'commune', parentId: 'd1' } })).statusCode, 403, 'officials do not create');
    t.equal((await admin({ method: 'GET', url: '/api/units' })).json().length, before, 'nothing was created by the refused requests');

    const adminRoot = await admin({ method: 'POST', url: '/api/units', payload: { id: 'other-root', name: 'Sở Nội vụ', kind: 'agency', parentId: null } });
    t.equal(adminRoot.statusCode, 201, 'an admin may create a top-level unit');
  });

  await t.test('update: rename, move within scope, never into its own subtree', async (t) => {
    const renamed = await secD1({ method: 'PATCH', url: '/api/units/d1-c9', payload: { name: 'Xã Tiên Kiên mới', kind: 'ward' } });
    t.equal(renamed.statusCode, 200);
    t.match(renamed.json(), { name: 'Xã Tiên Kiên mới', kind: 'ward', parentId: 'd1' });
    const ownRename = await secD1({ method: 'PATCH', url: '/api/units/d1', payload: { name: 'Huyện Một' } });
    t.equal(ownRename.statusCode, 200, 'a secretariat may rename its own unit');

    const moveOut = await secD1({ method: 'PATCH', url: '/api/units/d1-c9', payload: { parentId: 'd2' } });
    t.equal(moveOut.statusCode, 403, 'the new place is outside its scope');
    const moveOwn = await secD1({ method: 'PATCH', url: '/api/units/d1', payload: { parentId: 'd1-c1' } });
    t.equal(moveOwn.statusCode, 403, 'a secretariat may not move its own unit');
    const secD2 = await as(api, 'sec-d2');
    const foreign = await secD2({ method: 'PATCH', url: '/api/units/d1-c1', payload: { name: 'Taken over' } });
    t.equal(foreign.statusCode, 403);
    t.notMatch(foreign.body, /Huyện Một|Xã 1 Huyện 1/, 'no district 1 data in the refusal');

    const cycle = await admin({ method: 'PATCH', url: '/api/units/d1', payload: { parentId: 'd1-c1' } });
    t.equal(cycle.statusCode, 400);
    t.match(cycle.json().message, /subtree/);
    t.equal((await admin({ method: 'PATCH', url: '/api/units/d1', payload: { parentId: 'd1' } })).statusCode, 400, 'not under itself');
    t.equal((await admin({ method: 'PATCH', url: '/api/units/d1', payload: { parentId: 'ghost' } })).statusCode, 400, 'unknown parent');
    t.equal((await admin({ method: 'PATCH', url: '/api/units/ghost', payload: { name: 'x' } })).statusCode, 404);
    const d1 = (await admin({ method: 'GET', url: '/api/units/d1' })).json();
    t.equal(d1.parentId, 'province', 'the refused moves changed nothing');

    const moved = await secD1({ method: 'PATCH', url: '/api/units/d1-c9', payload: { parentId: 'd1-c1' } });
    t.equal(moved.statusCode, 200, 'a move inside its subtree');
    const adminMove = await admin({ method: 'PATCH', url: '/api/units/d1-c9', payload: { parentId: 'd2' } });
    t.equal(adminMove.statusCode, 200);
    t.equal((await secD1({ method: 'GET', url: '/api/units/d1-c9' })).statusCode, 403, 'once moved to district 2 it is out of district 1’s reach');
    t.equal((await secD2({ method: 'GET', url: '/api/units/d1-c9' })).json().manageable, true);
  });

  await t.test('delete: refused while referenced, with what refers to it; nothing changes', async (t) => {
    const d1 = await admin({ method: 'DELETE', url: '/api/units/d1' });
    t.equal(d1.statusCode, 409);
    t.equal(d1.json().code, 'CONFLICT');
    const details = d1.json().details;
    t.equal(details.units.count, 4, 'three communes and the agency made above');
    t.ok(details.units.items.some((u: { id: string; name: string }) => u.id === 'd1-c1' && u.name === 'Xã 1 Huyện 1'));
    t.same(details.halls, { count: 1, items: [{ id: 'hall-d1', name: 'Điểm cầu Huyện 1' }] }, 'halls named');
    t.equal(details.people.count, 3, 'sec-d1, op-d1, off-d1');
    t.ok((await admin({ method: 'GET', url: '/api/units/d1' })).statusCode === 200, 'still there');

    const commune = await secD1({ method: 'DELETE', url: '/api/units/d1-c1' });
    t.equal(commune.statusCode, 409);
    t.same(commune.json().details.halls.items.map((h: { id: string }) => h.id), ['hall-d1-c1']);

    const ownUnit = await secD1({ method: 'DELETE', url: '/api/units/d1' });
    t.equal(ownUnit.statusCode, 403, 'not its own unit, and no details of what is in it');
    t.notOk(ownUnit.json().details);
    const foreign = await secD1({ method: 'DELETE', url: '/api/units/d2-c1' });
    t.equal(foreign.statusCode, 403);
    t.notMatch(foreign.body, /hall-d2|Huyện 2/, 'a refusal for another district says nothing of what is in it');
    t.equal((await secD1({ method: 'DELETE', url: '/api/units/ghost' })).statusCode, 404);

    // A meeting record that names the unit keeps it (what the meetings routes write, written directly here).
    const empty = await secD1({ method: 'POST', url: '/api/units', payload: { id: 'd1-empty', name: 'Đơn vị trống', kind: 'agency', parentId: 'd1' } });
    t.equal(empty.statusCode, 201);
    const { redis, keys } = api.store;
    await redis.set(keys.meeting('m-old'), JSON.stringify({ id: 'm-old', title: 'Giao ban tháng', unitId: 'd1-empty', hostHallId: 'gone', siteHallIds: [] }));
    await redis.zAdd(keys.meetingsByEnd(), { score: 1, value: 'm-old' });
    const withMeeting = await secD1({ method: 'DELETE', url: '/api/units/d1-empty' });
    t.equal(withMeeting.statusCode, 409);
    t.same(withMeeting.json().details.meetings.items, [{ id: 'm-old', name: 'Giao ban tháng' }]);
    await redis.zRem(keys.meetingsByEnd(), 'm-old');

    const gone = await secD1({ method: 'DELETE', url: '/api/units/d1-empty' });
    t.equal(gone.statusCode, 200);
    t.same(gone.json(), { deleted: true });
    t.equal((await secD1({ method: 'GET', url: '/api/units/d1-empty' })).statusCode, 404);
  });

  await t.test('bad input is 400 and stores nothing', async (t) => {
    const before = (await admin({ method: 'GET', url: '/api/units' })).body;
    const bad: [string, InjectOptions][] = [
      ['malformed JSON', { method: 'POST', url: '/api/units', payload: '{"name":', headers: { 'content-type': 'application/json' } }],
      ['wrong type', { method: 'POST', url: '/api/units', payload: { name: { x: 1 }, kind: 'commune', parentId: 'd1' } }],
      ['too long', { method: 'POST', url: '/api/units', payload: { name: 'x'.repeat(201), kind: 'commune', parentId: 'd1' } }],
      ['blank name', { method: 'POST', url: '/api/units', payload: { name: '   ', kind: 'commune', parentId: 'd1' } }],
      ['bad id', { method: 'POST', url: '/api/units', payload: { id: 'bad id!', name: 'X', kind: 'commune', parentId: 'd1' } }],
      ['id too long', { method: 'POST', url: '/api/units', payload: { id: 'a'.repeat(65), name: 'X', kind: 'commune', parentId: 'd1' } }],
      ['unknown field', { method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'commune', parentId: 'd1', color: 'red' } }],
      ['empty parentId is not "none"', { method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'commune', parentId: '' } }],
      ['empty parentId in a move', { method: 'PATCH', url: '/api/units/d1-c1', payload: { parentId: '' } }],
      ['missing parentId', { method: 'POST', url: '/api/units', payload: { name: 'X', kind: 'commune' } }],
      ['empty patch', { method: 'PATCH', url: '/api/units/d1-c1', payload: {} }],
      ['patch unknown field', { method: 'PATCH', url: '/api/units/d1-c1', payload: { createdAt: '2020-01-01T00:00:00Z' } }],
      ['bad path id', { method: 'GET', url: '/api/units/bad%20id' }],
      ['huge path id', { method: 'DELETE', url: `/api/units/${'a'.repeat(150)}` }],
    ];
    for (const [what, options] of bad) {
      const r = await admin(options);
      t.equal(r.statusCode, 400, what);
      t.equal(r.json().code, 'BAD_REQUEST', what);
    }
    t.equal((await admin({ method: 'GET', url: '/api/units' })).body, before, 'nothing changed');
    t.equal((await api.request(undefined, { method: 'GET', url: '/api/units' })).statusCode, 401, 'signed out');
  });

  await t.test('the routes are in the OpenAPI document', async (t) => {
    const doc = await api.request(undefined, { method: 'GET', url: '/docs/json' });
    t.equal(doc.statusCode, 200);
    const paths = doc.json().paths;
    for (const path of ['/api/units', '/api/units/{id}', '/api/halls', '/api/halls/{id}', '/api/people', '/api/people/{id}', '/api/people/{id}/password']) t.ok(paths[path], path);
    t.ok(paths['/api/units'].post.requestBody, 'with request bodies');
    t.ok(paths['/api/units/{id}'].delete.responses['409'], 'and their refusals');
  });
});

t.test('units in a two-level province (communes straight under the province)', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 0, communes: 4 });
  const province = await as(api, 'sec-province');
  t.same(ids(await province({ method: 'GET', url: '/api/units?under=province' })), ['province', 'c1', 'c2', 'c3', 'c4']);
  const made = await province({ method: 'POST', url: '/api/units', payload: { id: 'c1-agency', name: 'Trung tâm hành chính công', kind: 'agency', parentId: 'c1' } });
  t.equal(made.statusCode, 201);
  const official = await as(api, 'off-c2');
  t.same(ids(await official({ method: 'GET', url: '/api/units' })), ['province', 'c2']);
  t.equal((await official({ method: 'GET', url: '/api/units/c1' })).statusCode, 403);
  const refused = await province({ method: 'DELETE', url: '/api/units/c3' });
  t.equal(refused.statusCode, 409);
  t.same(refused.json().details.halls.items.map((h: { id: string }) => h.id), ['hall-c3']);
  t.equal((await province({ method: 'DELETE', url: '/api/units/c1-agency' })).statusCode, 200);
});
