/**
 * POST /api/meetings/conflicts: the check the scheduling form makes before saving. It must
 * find what a save would be refused for (and nothing else), leave out the meeting being
 * edited, see recurring occurrences, refuse bad input and strangers, and write nothing.
 */
import t from 'tap';
import { startApi, type ApiHarness } from '../helpers/api.js';
import type { Conflict } from '../../store/meetings.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { createMeeting, hanoi, meetingBody, patchMeeting, postMeeting } from './meeting-fixtures.js';

interface Answer {
  conflicts: Conflict[];
  more: boolean;
  uncheckedHallIds: string[];
}

const api = await startApi(t);
await seedProvince(api.store, { districts: 2, communes: 3 });
const sec = await api.login('sec-province', FIXTURE_PASSWORD);
const secD2 = await api.login('sec-d2', FIXTURE_PASSWORD);

const check = (token: string | undefined, body: Record<string, unknown>) => api.request(token, { method: 'POST', url: '/api/meetings/conflicts', payload: body });
async function conflictsOf(token: string, body: Record<string, unknown>): Promise<Answer> {
  const r = await check(token, body);
  if (r.statusCode !== 200) throw new Error(`conflicts: ${r.statusCode} ${r.body}`);
  return r.json() as Answer;
}
const key = (c: Conflict) => `${c.hallId} ${c.meetingId} ${c.start}`;

// Meeting A: 2 Dec 2030 08:00–10:00, host the province hall, sites every hall of d1.
const a = await createMeeting(api, sec, meetingBody({ title: 'Giao ban A', sites: { unitIds: ['d1'] } }));
// Meeting W: weekly on Mondays 14:00–15:00 in hall-d2-c1, from 2 Dec 2030 to 30 Dec 2030.
const w = await createMeeting(
  api,
  sec,
  meetingBody({
    title: 'Giao ban tuần',
    hostHallId: 'hall-d2-c1',
    chairId: 'off-d2-c1',
    start: hanoi('2030-12-02T14:00'),
    end: hanoi('2030-12-02T15:00'),
    recurrence: { freq: 'weekly', until: '2030-12-30' },
  }),
);

t.test('an overlap is named: hall, meeting, its times; saving it is refused for the same bookings', async (t) => {
  const body = { start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T11:00'), hostHallId: 'hall-d2', sites: { hallIds: ['hall-d1-c2', 'hall-d2-c3'] } };
  const answer = await conflictsOf(sec, body);
  t.same(answer.conflicts, [
    { hallId: 'hall-d1-c2', hallName: 'Điểm cầu Xã 2 Huyện 1', meetingId: a, title: 'Giao ban A', start: '2030-12-02T01:00:00.000Z', end: '2030-12-02T03:00:00.000Z' },
  ]);
  t.equal(answer.more, false);
  t.same(answer.uncheckedHallIds, []);

  const refused = await postMeeting(api, sec, meetingBody({ title: 'Trùng giờ', chairId: 'off-d2', ...body }));
  t.equal(refused.statusCode, 409, refused.body);
  t.same(refused.json().details.conflicts, answer.conflicts, 'the save is refused for exactly what the check found');
});

t.test('units stand for their subtree, the host hall counts, touching times do not conflict', async (t) => {
  const bySubtree = await conflictsOf(sec, { start: hanoi('2030-12-02T07:00'), end: hanoi('2030-12-02T08:30'), hostHallId: 'hall-d2', sites: { unitIds: ['d1'] } });
  t.same(bySubtree.conflicts.map((c) => c.hallId).sort(), ['hall-d1', 'hall-d1-c1', 'hall-d1-c2', 'hall-d1-c3']);
  const host = await conflictsOf(sec, { start: hanoi('2030-12-02T09:59'), end: hanoi('2030-12-02T12:00'), hostHallId: 'hall-province' });
  t.same(host.conflicts.map((c) => `${c.hallId} ${c.meetingId}`), [`hall-province ${a}`]);

  const after = { start: hanoi('2030-12-02T10:00'), end: hanoi('2030-12-02T11:00'), hostHallId: 'hall-province', sites: { unitIds: ['d1'] } };
  t.same((await conflictsOf(sec, after)).conflicts, [], 'starting when A ends is free');
  t.same((await conflictsOf(sec, { start: hanoi('2030-12-02T06:00'), end: hanoi('2030-12-02T08:00'), hostHallId: 'hall-province' })).conflicts, [], 'ending when A starts is free');
  t.same((await conflictsOf(sec, { start: hanoi('2030-12-03T08:00'), end: hanoi('2030-12-03T10:00'), sites: { unitIds: ['province'] } })).conflicts, [], 'the next day is free');
  // And the booking script agrees: it stores the meeting that starts as A ends.
  const saved = await postMeeting(api, sec, meetingBody({ title: 'Nối tiếp', chairId: 'off-d2', ...after }));
  t.equal(saved.statusCode, 201, saved.body);
  const id = saved.json().id as string;
  t.same((await conflictsOf(sec, after)).conflicts.map((c) => c.meetingId), Array(5).fill(id), 'once saved, it is what conflicts');
});

t.test('editing: the meeting’s own bookings are left out with excludeMeetingId', async (t) => {
  const moved = { start: hanoi('2030-12-02T07:00'), end: hanoi('2030-12-02T09:00'), hostHallId: 'hall-province', sites: { unitIds: ['d1'] } };
  const self = await conflictsOf(sec, moved);
  t.equal(self.conflicts.length, 5, 'without it, A conflicts with itself in its five halls');
  t.ok(self.conflicts.every((c) => c.meetingId === a));
  t.same((await conflictsOf(sec, { ...moved, excludeMeetingId: a })).conflicts, []);
  // Another meeting's bookings still count while editing A.
  const intoW = await conflictsOf(sec, { ...moved, start: hanoi('2030-12-09T14:30'), end: hanoi('2030-12-09T16:00'), sites: { hallIds: ['hall-d2-c1'] }, excludeMeetingId: a });
  t.same(intoW.conflicts.map((c) => `${c.hallId} ${c.meetingId} ${c.start}`), [`hall-d2-c1 ${w} 2030-12-09T07:00:00.000Z`]);
  // The booking script agrees: the move is saved.
  const r = await patchMeeting(api, sec, a, { start: moved.start, end: moved.end });
  t.equal(r.statusCode, 200, 'moved');
  const back = await patchMeeting(api, sec, a, { start: hanoi('2030-12-02T08:00'), end: hanoi('2030-12-02T10:00') });
  t.equal(back.statusCode, 200, 'moved back');

  t.equal((await check(sec, { ...moved, excludeMeetingId: 'm-nonexistent' })).statusCode, 404);
  t.equal((await check(secD2, { ...moved, hostHallId: 'hall-d2', sites: {}, excludeMeetingId: a })).statusCode, 403, 'only who may edit it may leave it out');
});

t.test('recurring: every occurrence is checked, against every occurrence booked', async (t) => {
  const oneOff = await conflictsOf(sec, { start: hanoi('2030-12-23T14:30'), end: hanoi('2030-12-23T15:30'), hostHallId: 'hall-d2-c1' });
  t.same(oneOff.conflicts.map(key), [`hall-d2-c1 ${w} 2030-12-23T07:00:00.000Z`], 'a one-off against the fourth Monday');
  t.same((await conflictsOf(sec, { start: hanoi('2031-01-06T14:30'), end: hanoi('2031-01-06T15:30'), hostHallId: 'hall-d2-c1' })).conflicts, [], 'after until: free');

  // Weekly from 18 Nov 14:30 until 10 Dec: 18 Nov, 25 Nov, 2 Dec, 9 Dec; the last two overlap W.
  const weekly = { start: hanoi('2030-11-18T14:30'), end: hanoi('2030-11-18T16:00'), hostHallId: 'hall-d2-c1', recurrence: { freq: 'weekly', until: '2030-12-10' } };
  const answer = await conflictsOf(sec, weekly);
  t.same(answer.conflicts.map(key), [`hall-d2-c1 ${w} 2030-12-02T07:00:00.000Z`, `hall-d2-c1 ${w} 2030-12-09T07:00:00.000Z`]);
  const refused = await postMeeting(api, sec, meetingBody({ title: 'Tuần khác', chairId: 'off-d2', ...weekly }));
  t.equal(refused.statusCode, 409);
  t.same((refused.json().details.conflicts as Conflict[]).map(key), answer.conflicts.map(key));

  // Monthly on the 2nd at 14:00 meets W on 2 Dec only.
  const monthly = await conflictsOf(sec, { start: hanoi('2030-11-02T14:00'), end: hanoi('2030-11-02T14:30'), hostHallId: 'hall-d2-c1', recurrence: { freq: 'monthly', count: 4 } });
  t.same(monthly.conflicts.map(key), [`hall-d2-c1 ${w} 2030-12-02T07:00:00.000Z`]);
});

t.test('a district secretariat: only the halls it may book are checked', async (t) => {
  const answer = await conflictsOf(secD2, { start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T10:00'), hostHallId: 'hall-d2', sites: { hallIds: ['hall-d1-c2', 'hall-d2-c1'] } });
  t.same(answer.conflicts, [], 'the booking of a hall outside its district is not told');
  t.same(answer.uncheckedHallIds, ['hall-d1-c2']);
  const own = await conflictsOf(secD2, { start: hanoi('2030-12-02T14:00'), end: hanoi('2030-12-02T14:15'), hostHallId: 'hall-d2', sites: { unitIds: ['d2'] } });
  t.same(own.conflicts.map(key), [`hall-d2-c1 ${w} 2030-12-02T07:00:00.000Z`]);
});

t.test('bad input is 400 (or 404 for unknown halls and units), never 500', async (t) => {
  const base = { start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T10:00'), hostHallId: 'hall-d2' };
  const cases: [string, Record<string, unknown>, number][] = [
    ['end before start', { ...base, end: hanoi('2030-12-02T08:00') }, 400],
    ['no start', { end: base.end }, 400],
    ['no offset', { ...base, start: '2030-12-02T09:00:00' }, 400],
    ['not a date', { ...base, start: 'tomorrow' }, 400],
    ['longer than a day', { ...base, end: hanoi('2030-12-03T10:00') }, 400],
    ['until and count', { ...base, recurrence: { freq: 'weekly', until: '2031-01-01', count: 3 } }, 400],
    ['until before start', { ...base, recurrence: { freq: 'weekly', until: '2030-11-01' } }, 400],
    ['daily', { ...base, recurrence: { freq: 'daily', count: 3 } }, 400],
    ['an unknown field', { ...base, title: 'x' }, 400],
    ['a bad id', { ...base, sites: { hallIds: ['no spaces allowed'] } }, 400],
    ['an unknown hall', { ...base, sites: { hallIds: ['hall-nowhere'] } }, 404],
    ['an unknown unit', { ...base, sites: { unitIds: ['nowhere'] } }, 404],
    ['an unknown host', { ...base, hostHallId: 'hall-nowhere' }, 404],
  ];
  for (const [what, body, status] of cases) {
    const r = await check(sec, body);
    t.equal(r.statusCode, status, `${what}: ${r.body}`);
    t.match(r.json(), { code: String, message: String }, what);
  }
});

t.test('who may ask: signed in, secretariat (or admin)', async (t) => {
  const body = { start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T10:00'), hostHallId: 'hall-d1-c2' };
  t.equal((await check(undefined, body)).statusCode, 401);
  t.equal((await check('not-a-token', body)).statusCode, 401);
  for (const username of ['off-d1', 'op-d1-c2']) {
    const r = await check(await api.login(username, FIXTURE_PASSWORD), body);
    t.equal(r.statusCode, 403, `${username}: ${r.body}`);
  }
  const admin = await conflictsOf(await api.login(), body);
  t.same(admin.conflicts.map((c) => c.meetingId), [a]);
  const doc = (await api.request(undefined, { method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  t.ok(doc.paths['/api/meetings/conflicts']?.['post']?.security, 'documented, behind the bearer token');
});

t.test('nothing is written, whatever is asked', async (t) => {
  const before = await snapshot(api);
  t.ok(before.some((k) => k.includes(':bookings=')), 'the snapshot holds the bookings');
  await conflictsOf(sec, { start: hanoi('2030-12-02T09:00'), end: hanoi('2030-12-02T11:00'), hostHallId: 'hall-province', sites: { unitIds: ['province'] } });
  await conflictsOf(sec, { start: hanoi('2030-11-18T14:30'), end: hanoi('2030-11-18T16:00'), hostHallId: 'hall-d2-c1', recurrence: { freq: 'weekly', until: '2030-12-10' }, excludeMeetingId: w });
  await conflictsOf(sec, { start: hanoi('2031-05-01T09:00'), end: hanoi('2031-05-01T11:00'), hostHallId: 'hall-d2' });
  await check(sec, { start: 'bad', end: 'bad' });
  t.same(await snapshot(api), before);
});

/** Every key of the store and its contents (login attempts aside: signing in writes them). */
async function snapshot(harness: ApiHarness): Promise<string[]> {
  const redis = harness.store.redis;
  const keys = (await redis.keys('test:*')).filter((k) => !k.includes('login-attempts')).sort();
  const contents = async (k: string): Promise<unknown> => {
    switch (await redis.type(k)) {
      case 'hash':
        return Object.entries(await redis.hGetAll(k)).sort();
      case 'zset':
        return redis.zRangeWithScores(k, 0, -1);
      case 'set':
        return (await redis.sMembers(k)).sort();
      case 'list':
        return redis.lRange(k, 0, -1);
      default:
        return redis.get(k);
    }
  };
  const values = await Promise.all(keys.map(contents));
  return keys.map((k, i) => `${k}=${JSON.stringify(values[i])}`);
}
