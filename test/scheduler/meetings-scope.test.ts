import t from 'tap';
import { startApi } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { createMeeting, getMeeting, hanoi, listIds, meetingBody, patchMeeting, postMeeting } from './meeting-fixtures.js';

t.test('meetings by unit scope: who schedules, who sees, who edits', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store, { districts: 2, communes: 3 });
  const login = (u: string) => api.login(u, FIXTURE_PASSWORD);
  const [admin, secP, secD1, secD2] = await Promise.all([api.login(), login('sec-province'), login('sec-d1'), login('sec-d2')]);
  const day = (n: number) => ({ start: hanoi(`2031-06-${String(n).padStart(2, '0')}T08:00`), end: hanoi(`2031-06-${String(n).padStart(2, '0')}T09:00`) });
  const d1Body = (extra: Parameters<typeof meetingBody>[0] = {}) => meetingBody({ title: 'Huyện 1 họp', hostHallId: 'hall-d1', chairId: 'off-d1', ...day(1), ...extra });

  // Province meeting with d1's communes as sites; district 1's own meeting; a meeting in d2 inviting a d1 official.
  const province = await createMeeting(api, secP, meetingBody({ title: 'Tỉnh với các xã huyện 1', ...day(2), sites: { unitIds: ['d1-c1', 'd1-c2', 'd1-c3'] } }));
  const d2 = await createMeeting(api, secP, meetingBody({ title: 'Huyện 2 mời', hostHallId: 'hall-d2', chairId: 'off-d2', ...day(3), invitedPersonIds: ['off-d1-c2'] }));
  const d2only = await createMeeting(api, secD2, meetingBody({ title: 'Huyện 2 riêng', hostHallId: 'hall-d2', chairId: 'off-d2', ...day(4), sites: { unitIds: ['d2'] } }));

  await t.test('a district secretariat schedules its own district’s meetings with its communes', async (t) => {
    const r = await postMeeting(api, secD1, d1Body({ sites: { unitIds: ['d1'] }, invitedPersonIds: ['off-d1-c1'], secretaryIds: ['sec-d1'] }));
    t.equal(r.statusCode, 201, r.body);
    t.equal(r.json().unitId, 'd1');
    t.same([...r.json().siteHallIds].sort(), ['hall-d1-c1', 'hall-d1-c2', 'hall-d1-c3'], 'its communes, the host hall left out');
  });

  await t.test('…and nothing outside it: 403, nothing stored', async (t) => {
    const before = await api.store.redis.zCard(api.store.keys.meetingsByEnd());
    const outside: [string, Parameters<typeof meetingBody>[0]][] = [
      ['host in d2', { hostHallId: 'hall-d2', chairId: 'off-d1' }],
      ['host in the province hall', { hostHallId: 'hall-province', chairId: 'off-d1' }],
      ['a d2 commune as site', { sites: { hallIds: ['hall-d1-c1', 'hall-d2-c1'] } }],
      ['d2’s subtree as sites', { sites: { unitIds: ['d2'] } }],
      ['the whole province as sites', { sites: { unitIds: ['province'] } }],
      ['a d2 official invited', { invitedPersonIds: ['off-d2'] }],
      ['the province chair', { chairId: 'off-province' }],
      ['a province secretary', { secretaryIds: ['sec-province'] }],
    ];
    for (const [what, extra] of outside) {
      const r = await postMeeting(api, secD1, d1Body({ ...day(10), ...extra }));
      t.equal(r.statusCode, 403, `${what}: ${r.body}`);
      t.equal(r.json().code, 'FORBIDDEN');
    }
    t.equal(await api.store.redis.zCard(api.store.keys.meetingsByEnd()), before);
    for (const who of ['op-d1', 'off-d1']) {
      const token = await login(who);
      t.equal((await postMeeting(api, token, d1Body({ ...day(11) }))).statusCode, 403, `${who} does not schedule`);
    }
  });

  await t.test('sec-d1 sees the province meeting that includes its communes but cannot change it', async (t) => {
    const seen = await getMeeting(api, secD1, province);
    t.equal(seen.statusCode, 200);
    t.equal(seen.json().editable, false);
    t.ok((await listIds(api, secD1)).includes(province));
    const before = await api.store.meetings.getMeeting(province);
    t.equal((await patchMeeting(api, secD1, province, { title: 'Taken over' })).statusCode, 403);
    t.equal((await api.request(secD1, { method: 'POST', url: `/api/meetings/${province}/cancel` })).statusCode, 403);
    t.equal((await api.request(secD1, { method: 'POST', url: `/api/meetings/${province}/status`, payload: { status: 'live' } })).statusCode, 403);
    t.equal(
      (await api.request(secD1, { method: 'POST', url: `/api/meetings/${province}/occurrences/cancel`, payload: { start: hanoi('2031-06-02T08:00') } })).statusCode,
      403,
    );
    t.same(await api.store.meetings.getMeeting(province), before, 'unchanged');
  });

  await t.test('a secretariat sees meetings inviting its people, not others’ meetings', async (t) => {
    const d1List = await listIds(api, secD1);
    t.ok(d1List.includes(d2), 'a d2 meeting inviting a d1 official');
    t.notOk(d1List.includes(d2only));
    const hidden = await getMeeting(api, secD1, d2only);
    t.equal(hidden.statusCode, 403);
    t.notMatch(hidden.body, /Huyện 2 riêng/, 'never the data');
    t.notOk((await listIds(api, secD2)).includes(province), 'sec-d2 does not see the province–d1 meeting');
    t.same(await listIds(api, secD2, '?unitId=d1'), [], 'a filter does not widen what one sees');
    const all = await listIds(api, admin);
    t.ok([province, d2, d2only].every((id) => all.includes(id)), 'admin sees everything');
    const provinceList = await listIds(api, secP);
    t.ok(provinceList.includes(d2only), 'the province secretariat sees the districts’ meetings');
    t.equal((await getMeeting(api, secP, d2only)).json().editable, true, 'and may edit them');
  });

  await t.test('officials see only the meetings they chair, run or are invited to', async (t) => {
    const offD1C2 = await login('off-d1-c2');
    t.same(await listIds(api, offD1C2), [d2], 'invited personally; its commune hall being a site does not count');
    t.equal((await getMeeting(api, offD1C2, province)).statusCode, 403);
    const offD2 = await login('off-d2');
    t.same(await listIds(api, offD2), [d2, d2only].sort(), 'the chair');
    t.equal((await getMeeting(api, offD2, d2)).json().editable, false);
    t.equal((await patchMeeting(api, offD2, d2, { title: 'x' })).statusCode, 403);
  });

  await t.test('operators see the meetings of their halls only', async (t) => {
    const opC3 = await login('op-d1-c3');
    const seen = await listIds(api, opC3);
    t.ok(seen.includes(province), 'its hall is a site');
    t.notOk(seen.includes(d2));
    t.notOk(seen.includes(d2only));
    const opD2 = await login('op-d2');
    t.same(await listIds(api, opD2), [d2, d2only].sort(), 'its hall hosts them');
    t.equal((await getMeeting(api, opD2, province)).statusCode, 403);
  });

  await t.test('a meeting hosted in d1 with sites the province added: sec-d1 edits it but cannot add outside sites', async (t) => {
    const mixed = await createMeeting(api, secP, d1Body({ title: 'Mixed', ...day(20), sites: { hallIds: ['hall-d2-c1'] } }));
    const retitled = await patchMeeting(api, secD1, mixed, { title: 'Mixed, retitled' });
    t.equal(retitled.statusCode, 200, 'hosted in its subtree: its to edit');
    t.same(retitled.json().siteHallIds, ['hall-d2-c1'], 'the province’s choice stays');
    t.equal((await patchMeeting(api, secD1, mixed, { sites: { hallIds: ['hall-d2-c1', 'hall-d2-c2'] } })).statusCode, 403, 'adding a d2 hall');
    t.equal((await patchMeeting(api, secD1, mixed, { hostHallId: 'hall-d2' })).statusCode, 403, 'moving it out of d1');
    t.equal((await patchMeeting(api, secD1, mixed, { invitedPersonIds: ['off-d2'] })).statusCode, 403);
    t.equal((await api.store.meetings.getMeeting(mixed))?.title, 'Mixed, retitled');
    t.equal((await api.request(secD1, { method: 'POST', url: `/api/meetings/${mixed}/cancel` })).statusCode, 200, 'and cancel it');
  });
});
