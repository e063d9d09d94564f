/**
 * Calendar feeds: a person's and a hall's upcoming meetings behind a secret token (no sign-in),
 * cancellations included; wrong and other subjects' tokens refused; the address (https and
 * webcal) only for who may hold it; rotation retires the old token.
 */
import t from 'tap';
import { startApi, TEST_PUBLIC_URL } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { changeMeeting, checkLines, parseIcs, storeMeeting, tokenOf } from './invitation-fixtures.js';

interface FeedAddress {
  https: string;
  webcal: string;
}

t.test('calendar feeds', async (t) => {
  const api = await startApi(t);
  await seedProvince(api.store);
  const as = (u: string) => api.login(u, FIXTURE_PASSWORD);
  const [offD1, offD2, opD1, opC1, secProvince, secD2] = (await Promise.all(['off-d1', 'off-d2', 'op-d1', 'op-d1-c1', 'sec-province', 'sec-d2'].map(as))) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const day = (n: number, hour = 1) => new Date(Date.now() + n * 86_400_000 + hour * 3_600_000).toISOString();

  await storeMeeting(api.store, { id: 'sap-toi', start: day(2), end: day(2, 2), siteHallIds: ['hall-d1'], invitedPersonIds: ['off-d1'] });
  await storeMeeting(api.store, { id: 'bi-huy', start: day(3), end: day(3, 2), siteHallIds: ['hall-d1'], invitedPersonIds: ['off-d1'] });
  await api.store.meetings.setStatus('bi-huy', 'cancelled');
  await storeMeeting(api.store, { id: 'rut-ten', start: day(4), end: day(4, 2), siteHallIds: ['hall-d1', 'hall-d2'], invitedPersonIds: ['off-d1', 'off-d2'] });
  await changeMeeting(api.store, 'rut-ten', (m) => ({ ...m, invitedPersonIds: ['off-d2'], siteHallIds: ['hall-d2'] }));
  await storeMeeting(api.store, { id: 'da-qua', start: day(-3), end: day(-3, 2), siteHallIds: ['hall-d1'], invitedPersonIds: ['off-d1'] });
  await storeMeeting(api.store, { id: 'khac', start: day(5), end: day(5, 2), siteHallIds: ['hall-d2'], invitedPersonIds: ['off-d2'] });

  const address = async (token: string, path: string): Promise<FeedAddress> => {
    const r = await api.request(token, { method: 'GET', url: path });
    if (r.statusCode !== 200) throw new Error(`${path}: ${r.statusCode} ${r.body}`);
    return r.json() as FeedAddress;
  };
  /** Fetches a feed URL with no session, as a calendar app does. */
  const fetchFeed = (url: string) => api.request(undefined, { method: 'GET', url: url.replace(TEST_PUBLIC_URL, '') });

  let personFeed: FeedAddress;
  await t.test("a person's feed: upcoming meetings, cancellations as CANCELLED, their own join link", async (t) => {
    personFeed = await address(offD1, '/api/feeds/people/off-d1');
    t.match(personFeed.https, new RegExp(`^${TEST_PUBLIC_URL}/api/feeds/people/off-d1\\.ics\\?token=[A-Za-z0-9_-]{32}$`));
    t.equal(personFeed.webcal, personFeed.https.replace('http://', 'webcal://'));
    t.same(await address(offD1, '/api/feeds/people/off-d1'), personFeed, 'made once, then the same');
    t.same(await address(secProvince, '/api/feeds/people/off-d1'), personFeed, "the secretariat managing the person sees the same address");

    const r = await fetchFeed(personFeed.https);
    t.equal(r.statusCode, 200, r.body);
    t.match(r.headers['content-type'], /^text\/calendar; charset=utf-8/);
    checkLines(t, r.body, 'person feed');
    const { calendar, events, method } = parseIcs(r.body);
    t.equal(method, 'PUBLISH');
    t.match(String(calendar.getFirstPropertyValue('x-wr-calname')), /Lãnh đạo Huyện 1/);
    t.ok(calendar.getFirstSubcomponent('vtimezone'), 'VTIMEZONE');
    const byUid = new Map(events.map((e) => [String(e.getFirstPropertyValue('uid')), e]));
    t.same([...byUid.keys()].sort(), ['bi-huy@diemcau.test', 'rut-ten@diemcau.test', 'sap-toi@diemcau.test'], 'upcoming only, and only theirs');
    t.equal(byUid.get('sap-toi@diemcau.test')?.getFirstPropertyValue('status'), 'CONFIRMED');
    t.equal(byUid.get('bi-huy@diemcau.test')?.getFirstPropertyValue('status'), 'CANCELLED', 'a cancelled meeting');
    t.equal(byUid.get('rut-ten@diemcau.test')?.getFirstPropertyValue('status'), 'CANCELLED', 'a meeting they were taken off');
    const url = String(byUid.get('sap-toi@diemcau.test')?.getFirstPropertyValue('url'));
    const row = ((await api.request(secProvince, { method: 'GET', url: '/api/meetings/sap-toi/invitations' })).json() as {
      invitations: { id: string; joinUrl: string }[];
    }).invitations.find((i) => i.id === 'p-off-d1');
    t.equal(url, row?.joinUrl, "the event carries the person's own join link");
    t.ok(tokenOf(url));
  });

  await t.test("a hall's feed, for its operator", async (t) => {
    const hallFeed = await address(opD1, '/api/feeds/halls/hall-d1');
    t.match(hallFeed.https, /\/api\/feeds\/halls\/hall-d1\.ics\?token=/);
    const r = await fetchFeed(hallFeed.https);
    t.equal(r.statusCode, 200, r.body);
    const uids = parseIcs(r.body).events.map((e) => String(e.getFirstPropertyValue('uid'))).sort();
    t.same(uids, ['bi-huy@diemcau.test', 'rut-ten@diemcau.test', 'sap-toi@diemcau.test']);
    const cross = await fetchFeed(hallFeed.https.replace('/halls/hall-d1.ics', '/people/off-d1.ics'));
    t.equal(cross.statusCode, 403, "a hall's token does not open a person's feed");
  });

  await t.test('wrong tokens and other people’s feeds', async (t) => {
    const otherFeed = await address(offD2, '/api/feeds/people/off-d2');
    const theirToken = new URL(otherFeed.https).searchParams.get('token') as string;
    const aOnB = await fetchFeed(`/api/feeds/people/off-d2.ics?token=${new URL(personFeed.https).searchParams.get('token')}`);
    t.equal(aOnB.statusCode, 403, "person A's token does not open person B's feed");
    t.equal(aOnB.json().code, 'FORBIDDEN');
    const bOnA = await fetchFeed(`/api/feeds/people/off-d1.ics?token=${theirToken}`);
    t.equal(bOnA.statusCode, 403);
    const wrong = await fetchFeed('/api/feeds/people/off-d1.ics?token=not-the-token');
    t.equal(wrong.statusCode, 401);
    t.equal(wrong.json().code, 'UNAUTHORIZED');
    t.equal((await fetchFeed('/api/feeds/people/off-d1.ics')).statusCode, 400, 'no token');
    t.equal((await fetchFeed(`/api/feeds/people/off-d1.ics?token=${'x'.repeat(300)}`)).statusCode, 400, 'an oversized token');
  });

  await t.test('who may hold a feed address', async (t) => {
    const code = async (token: string | undefined, url: string, method: 'GET' | 'POST' = 'GET') => (await api.request(token, { method, url })).statusCode;
    t.equal(await code(undefined, '/api/feeds/people/off-d1'), 401);
    t.equal(await code(offD2, '/api/feeds/people/off-d1'), 403, 'another official');
    t.equal(await code(secD2, '/api/feeds/people/off-d1'), 403, "another district's secretariat");
    t.equal(await code(opC1, '/api/feeds/halls/hall-d1'), 403, "another hall's operator");
    t.equal(await code(secD2, '/api/feeds/halls/hall-d1'), 403);
    t.equal(await code(offD1, '/api/feeds/halls/hall-d1'), 403, 'an official of the unit is not its operator');
    t.equal(await code(secProvince, '/api/feeds/halls/hall-d1'), 200);
    t.equal(await code(offD2, '/api/feeds/people/off-d1/rotate', 'POST'), 403, 'nor may they rotate it');
    t.equal(await code(secProvince, '/api/feeds/people/nobody'), 404);
    t.equal(await code(secProvince, '/api/feeds/halls/nohall'), 404);
  });

  await t.test('rotation retires the old address', async (t) => {
    const r = await api.request(offD1, { method: 'POST', url: '/api/feeds/people/off-d1/rotate' });
    t.equal(r.statusCode, 200, r.body);
    const rotated = r.json() as FeedAddress;
    t.not(rotated.https, personFeed.https);
    t.equal((await fetchFeed(personFeed.https)).statusCode, 401, 'the old token is refused');
    t.equal((await fetchFeed(rotated.https)).statusCode, 200, 'the new one works');
    t.same(await address(offD1, '/api/feeds/people/off-d1'), rotated, 'and is the address from now on');
  });

  await t.test('deleting a person retires their feed: the token never opens a later person with the same id', async (t) => {
    const admin = await api.login();
    const made = await api.request(admin, { method: 'POST', url: '/api/people', payload: { id: 'tam-thoi', name: 'Cán bộ tạm thời', unitId: 'd1' } });
    t.equal(made.statusCode, 201, made.body);
    const feed = await address(admin, '/api/feeds/people/tam-thoi');
    t.equal((await fetchFeed(feed.https)).statusCode, 200);
    t.equal((await api.request(admin, { method: 'DELETE', url: '/api/people/tam-thoi' })).statusCode, 200);
    const again = await api.request(admin, { method: 'POST', url: '/api/people', payload: { id: 'tam-thoi', name: 'Người khác', unitId: 'd2' } });
    t.equal(again.statusCode, 201);
    t.equal((await fetchFeed(feed.https)).statusCode, 401, "the deleted person's token opens nothing");
  });
});
