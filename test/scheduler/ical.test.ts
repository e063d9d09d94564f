/**
 * iCalendar copies of meetings, parsed with ical.js: the organiser's and each invitee's, across
 * create → change of time → cancel, a recurring meeting with a cancelled occurrence, an invitee
 * taken off a meeting, the join link in URL and DESCRIPTION (and its JWT window), who may
 * download which copy.
 */
import ICAL from 'ical.js';
import t, { type Test as Tap } from 'tap';
import { startApi, TEST_PUBLIC_URL } from '../helpers/api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { attendees, changeMeeting, checkLines, jwtPayload, parseIcs, storeMeeting, tokenOf } from './invitation-fixtures.js';

const TZ = 'Asia/Ho_Chi_Minh';
const HOUR = 3600_000;

t.test('iCalendar invitations', async (t) => {
  const api = await startApi(t);
  const province = await seedProvince(api.store);
  // One person with a mailbox, so a real mailto: shows up.
  const official = province.accounts['off-d1-c1'];
  if (!official) throw new Error('fixture off-d1-c1 missing');
  await api.store.directory.importRecords({ people: [{ ...official, email: 'lanhdao.xa1@example.vn', title: 'Chủ tịch UBND xã' }] });
  const admin = await api.login();
  const get = (token: string | undefined, url: string) => api.request(token, { method: 'GET', url });
  const start = Date.parse('2030-12-02T01:00:00Z');

  await storeMeeting(api.store, {
    id: 'giao-ban',
    siteHallIds: ['hall-d1', 'hall-d1-c1'],
    invitedPersonIds: ['off-d1-c1', 'off-d1'],
    secretaryIds: ['sec-province'],
  });

  /** Every .ics fetched in this file passes the line checks. */
  const ics = async (t: Tap, url: string, token = admin) => {
    const r = await get(token, url);
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    checkLines(t, r.body, url);
    return { response: r, ...parseIcs(r.body) };
  };
  const rsvpTable = async (id: string) => {
    const r = await get(admin, `/api/meetings/${id}/invitations`);
    if (r.statusCode !== 200) throw new Error(`table: ${r.statusCode} ${r.body}`);
    return (r.json() as { invitations: { id: string; joinUrl: string | null; icsUrl: string; name: string }[] }).invitations;
  };

  await t.test('the organiser copy of a new meeting', async (t) => {
    const { response, calendar, event, method } = await ics(t, '/api/meetings/giao-ban.ics');
    t.equal(method, 'REQUEST');
    t.match(response.headers['content-type'], /^text\/calendar; charset=utf-8; method=REQUEST$/);
    t.match(response.headers['content-disposition'], /^attachment; filename="giao-ban\.ics"$/);
    t.equal(calendar.getFirstPropertyValue('version'), '2.0');
    t.equal(calendar.getFirstPropertyValue('calscale'), 'GREGORIAN');
    t.match(String(calendar.getFirstPropertyValue('prodid')), /diemcau/);
    const zone = calendar.getFirstSubcomponent('vtimezone');
    t.ok(zone, 'VTIMEZONE present');
    t.equal(zone?.getFirstPropertyValue('tzid'), TZ);
    t.equal(String(zone?.getFirstSubcomponent('standard')?.getFirstPropertyValue('tzoffsetto')), '+07:00');
    t.equal(event.getFirstPropertyValue('uid'), 'giao-ban@diemcau.test');
    t.equal(event.getFirstPropertyValue('sequence'), 0);
    const dtstart = event.getFirstProperty('dtstart');
    t.equal(dtstart?.getParameter('tzid'), TZ, 'DTSTART has TZID');
    t.equal(String(dtstart?.getFirstValue()), '2030-12-02T08:00:00', 'local time 08:00');
    const ev = new ICAL.Event(event);
    t.equal(ev.startDate.toJSDate().getTime(), start, 'DTSTART instant');
    t.equal(ev.endDate.toJSDate().getTime(), start + 2 * HOUR, 'DTEND instant');
    t.equal(event.getFirstProperty('dtend')?.getParameter('tzid'), TZ);
    t.ok(event.getFirstPropertyValue('dtstamp'), 'DTSTAMP');
    t.equal(event.getFirstPropertyValue('status'), 'CONFIRMED');
    t.equal(event.getFirstPropertyValue('summary'), 'Giao ban tháng 12');
    t.equal(event.getFirstPropertyValue('location'), 'Điểm cầu UBND tỉnh Thử nghiệm');
    t.match(String(event.getFirstPropertyValue('description')), /1\. Tình hình kinh tế - xã hội \(Sở KH&ĐT, 30′\)/);
    t.equal(event.getFirstPropertyValue('url'), null, 'no personal join link in the organiser copy');
    const organizer = event.getFirstProperty('organizer');
    t.match(String(organizer?.getFirstValue()), /^mailto:unit\.province@diemcau\.invalid$/i);
    t.match(String(organizer?.getParameter('cn')), /Văn phòng UBND tỉnh/);

    const list = attendees(event);
    // host hall + 2 site halls, chair, secretary, 2 officials
    t.equal(list.length, 7, 'one ATTENDEE per invitation');
    for (const a of list) {
      t.match(a.address, /^mailto:/i, `${a.params.cn}: a mailto: address`);
      t.equal(a.params.rsvp, 'TRUE');
      t.equal(a.params.partstat, 'NEEDS-ACTION');
      t.ok(a.params.cn, 'CN');
    }
    const halls = list.filter((a) => a.params.cutype === 'ROOM');
    t.same(halls.map((a) => a.params.cn).sort(), ['Điểm cầu Huyện 1', 'Điểm cầu UBND tỉnh Thử nghiệm', 'Điểm cầu Xã 1 Huyện 1']);
    for (const h of halls) t.equal(h.params.role, 'REQ-PARTICIPANT');
    const chair = list.find((a) => a.params.role === 'CHAIR');
    t.equal(chair?.params.cn, 'Lãnh đạo UBND tỉnh Thử nghiệm');
    t.equal(chair?.params.cutype, 'INDIVIDUAL');
    const withMail = list.find((a) => /lanhdao\.xa1@example\.vn/.test(a.address));
    t.ok(withMail, 'a person with an email gets it as the address');
    t.equal(withMail?.params.cn, 'Lãnh đạo Xã 1 Huyện 1 (Chủ tịch UBND xã)');
  });

  let firstLink = '';
  await t.test("an invitee's copy carries its join link, whose JWT spans start − 30 min to the end", async (t) => {
    const row = (await rsvpTable('giao-ban')).find((i) => i.id === 'h-hall-d1-c1');
    t.ok(row?.joinUrl);
    t.equal(row?.icsUrl, `${TEST_PUBLIC_URL}/api/meetings/giao-ban/invitations/h-hall-d1-c1.ics`);
    const { event, method } = await ics(t, '/api/meetings/giao-ban/invitations/h-hall-d1-c1.ics');
    t.equal(method, 'REQUEST');
    const url = String(event.getFirstPropertyValue('url'));
    t.equal(url, row?.joinUrl, 'URL is the join link of the RSVP table');
    t.ok(url.startsWith(`${TEST_PUBLIC_URL}/join?token=`));
    t.ok(String(event.getFirstPropertyValue('description')).includes(url), 'DESCRIPTION holds the join link');
    const claims = jwtPayload(tokenOf(url));
    t.equal(claims.nbf, (start - 30 * 60_000) / 1000, 'nbf = start − 30 min');
    t.equal(claims.exp, (start + 2 * HOUR) / 1000, 'exp = end');
    t.equal(claims.aud, 'diemcau:join');
    t.match(claims, { sub: 'hall-d1-c1', meetingId: 'giao-ban', role: 'site', name: 'Điểm cầu Xã 1 Huyện 1', hallId: 'hall-d1-c1', unitId: 'd1-c1', jti: 'h-hall-d1-c1' });
    const again = await ics(t, '/api/meetings/giao-ban/invitations/h-hall-d1-c1.ics');
    t.equal(again.event.getFirstPropertyValue('url'), url, 'the same link on every download of the same version');
    firstLink = url;

    const person = await ics(t, '/api/meetings/giao-ban/invitations/p-off-province.ics');
    t.match(jwtPayload(tokenOf(String(person.event.getFirstPropertyValue('url')))), { sub: 'off-province', role: 'chair', unitId: 'province', jti: 'p-off-province' });
    t.notOk('hallId' in jwtPayload(tokenOf(String(person.event.getFirstPropertyValue('url')))), 'a person has no hall');
  });

  await t.test('a change of time: same UID, SEQUENCE 1, new times, a new link window', async (t) => {
    await changeMeeting(api.store, 'giao-ban', (m) => ({ ...m, start: '2030-12-02T02:00:00.000Z', end: '2030-12-02T04:30:00.000Z' }));
    const { event, method } = await ics(t, '/api/meetings/giao-ban/invitations/h-hall-d1-c1.ics');
    t.equal(method, 'REQUEST');
    t.equal(event.getFirstPropertyValue('uid'), 'giao-ban@diemcau.test', 'UID stable');
    t.equal(event.getFirstPropertyValue('sequence'), 1);
    const ev = new ICAL.Event(event);
    t.equal(ev.startDate.toJSDate().getTime(), start + HOUR);
    t.equal(ev.endDate.toJSDate().getTime(), start + 3.5 * HOUR);
    t.equal(String(event.getFirstProperty('dtstart')?.getFirstValue()), '2030-12-02T09:00:00');
    const url = String(event.getFirstPropertyValue('url'));
    t.not(url, firstLink, 'a new link for the new window');
    t.match(jwtPayload(tokenOf(url)), { nbf: (start + HOUR - 30 * 60_000) / 1000, exp: (start + 3.5 * HOUR) / 1000 });
  });

  await t.test('cancelled: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE 2, same UID — both copies', async (t) => {
    const cancelled = await api.store.meetings.setStatus('giao-ban', 'cancelled');
    t.ok(cancelled.ok);
    for (const url of ['/api/meetings/giao-ban.ics', '/api/meetings/giao-ban/invitations/h-hall-d1-c1.ics']) {
      const { response, event, method } = await ics(t, url);
      t.equal(method, 'CANCEL', url);
      t.match(response.headers['content-type'], /method=CANCEL/);
      t.equal(event.getFirstPropertyValue('status'), 'CANCELLED');
      t.equal(event.getFirstPropertyValue('uid'), 'giao-ban@diemcau.test');
      t.equal(event.getFirstPropertyValue('sequence'), 2);
      t.equal(attendees(event).length, 7, 'the cancellation goes to every attendee');
    }
  });

  await t.test('an invitee taken off gets a CANCEL; the others a REQUEST without them', async (t) => {
    await storeMeeting(api.store, { id: 'thu-hep', start: '2030-12-03T01:00:00.000Z', end: '2030-12-03T02:00:00.000Z', siteHallIds: ['hall-d1', 'hall-d2'] });
    await changeMeeting(api.store, 'thu-hep', (m) => ({ ...m, siteHallIds: ['hall-d1'] }));
    const removed = await ics(t, '/api/meetings/thu-hep/invitations/h-hall-d2.ics');
    t.equal(removed.method, 'CANCEL');
    t.equal(removed.event.getFirstPropertyValue('status'), 'CANCELLED');
    t.equal(removed.event.getFirstPropertyValue('sequence'), 1);
    t.same(attendees(removed.event).map((a) => a.params.cn), ['Điểm cầu Huyện 2'], 'the CANCEL names the one taken off');
    t.equal(removed.event.getFirstPropertyValue('url'), null, 'no join link for a withdrawn invitation');
    const kept = await ics(t, '/api/meetings/thu-hep/invitations/h-hall-d1.ics');
    t.equal(kept.method, 'REQUEST');
    t.equal(kept.event.getFirstPropertyValue('status'), 'CONFIRMED');
    t.notOk(attendees(kept.event).some((a) => a.params.cn === 'Điểm cầu Huyện 2'), 'the removed hall is no attendee any more');
    const table = await rsvpTable('thu-hep');
    t.match(table.find((i) => i.id === 'h-hall-d2'), { removed: true, joinUrl: null });
  });

  await t.test('a recurring meeting: RRULE, EXDATE in local time, occurrences as computed', async (t) => {
    const weekly = await storeMeeting(api.store, {
      id: 'hang-tuan',
      title: 'Giao ban hằng tuần',
      start: '2030-12-09T00:30:00.000Z',
      end: '2030-12-09T01:30:00.000Z',
      recurrence: { freq: 'weekly', interval: 1, count: 4, exdates: [] },
      hostHallId: 'hall-d2',
      unitId: 'd2',
    });
    const second = Date.parse(weekly.start) + 7 * 24 * HOUR;
    const cut = await api.store.meetings.cancelOccurrence('hang-tuan', second);
    t.ok(cut.ok);
    const { event } = await ics(t, '/api/meetings/hang-tuan.ics');
    const rrule = event.getFirstPropertyValue('rrule') as ICAL.Recur;
    t.match({ freq: rrule.freq, count: rrule.count, interval: rrule.interval }, { freq: 'WEEKLY', count: 4, interval: 1 }, 'RRULE');
    const exdate = event.getFirstProperty('exdate');
    t.equal(exdate?.getParameter('tzid'), TZ, 'EXDATE in the zone of DTSTART');
    t.equal(String(exdate?.getFirstValue()), '2030-12-16T07:30:00');
    t.equal(event.getFirstPropertyValue('sequence'), 1, 'cancelling an occurrence raises SEQUENCE');
    const ev = new ICAL.Event(event);
    const it = ev.iterator();
    const starts: number[] = [];
    for (let next = it.next(); next && starts.length < 10; next = it.next()) starts.push(next.toJSDate().getTime());
    const first = Date.parse(weekly.start);
    t.same(starts, [first, first + 14 * 24 * HOUR, first + 21 * 24 * HOUR], 'three occurrences: the second is excluded');
    const row = (await rsvpTable('hang-tuan')).find((i) => i.id === 'h-hall-d2');
    t.equal(jwtPayload(tokenOf(row?.joinUrl ?? '')).exp, (first + 21 * 24 * HOUR + HOUR) / 1000, 'a recurring link lasts to the end of the last occurrence');
  });

  await t.test('who may download which copy', async (t) => {
    await storeMeeting(api.store, { id: 'quyen', start: '2030-12-04T01:00:00.000Z', end: '2030-12-04T02:00:00.000Z', siteHallIds: ['hall-d1-c2'], invitedPersonIds: ['off-d1-c3'] });
    const as = (u: string) => api.login(u, FIXTURE_PASSWORD);
    const [secProvince, secD2, opC2, offC3, offC1] = await Promise.all(['sec-province', 'sec-d2', 'op-d1-c2', 'off-d1-c3', 'off-d1-c1'].map(as));
    const code = async (token: string | undefined, url: string) => (await get(token, url)).statusCode;
    t.equal(await code(undefined, '/api/meetings/quyen.ics'), 401, 'not signed in');
    t.equal(await code(secProvince, '/api/meetings/quyen.ics'), 200, "the province's secretariat");
    t.equal(await code(secD2, '/api/meetings/quyen.ics'), 403, "another district's secretariat");
    t.equal(await code(secD2, '/api/meetings/quyen/invitations'), 403, '… nor its RSVP table');
    t.equal(await code(opC2, '/api/meetings/quyen/invitations/h-hall-d1-c2.ics'), 200, "the hall's operator: its hall's copy");
    t.equal(await code(opC2, '/api/meetings/quyen/invitations/p-off-d1-c3.ics'), 403, '… not a person’s');
    t.equal(await code(opC2, '/api/meetings/quyen.ics'), 200, '… and the organiser copy, which holds no link');
    t.equal(await code(offC3, '/api/meetings/quyen/invitations/p-off-d1-c3.ics'), 200, 'the invitee: its own copy');
    t.equal(await code(offC3, '/api/meetings/quyen/invitations/p-off-province.ics'), 403, "… not the chair's");
    t.equal(await code(offC1, '/api/meetings/quyen/invitations/p-off-d1-c3.ics'), 403, 'someone not invited');
    t.equal(await code(admin, '/api/meetings/nope.ics'), 404, 'unknown meeting');
    t.equal(await code(admin, '/api/meetings/quyen/invitations/p-nobody.ics'), 404, 'unknown invitation');
    t.equal(await code(admin, '/api/meetings/bad%20id.ics'), 400, 'a malformed id');
    t.equal(await code(offC1, '/api/meetings/quyen.ics'), 403, 'someone not invited: not even the organiser copy');
    const opD2 = await as('op-d2');
    const withdrawn = await get(opD2, '/api/meetings/thu-hep/invitations/h-hall-d2.ics');
    t.equal(withdrawn.statusCode, 200, 'the operator of a hall taken off still gets its cancellation');
    t.equal(parseIcs(withdrawn.body).method, 'CANCEL');
    t.equal(await code(opD2, '/api/meetings/thu-hep/invitations/h-hall-d1.ics'), 403, "… but not another hall's copy");
    const mine = await get(offC3, '/api/meetings/quyen/invitations');
    t.equal(mine.statusCode, 200);
    t.same((mine.json() as { invitations: { id: string }[] }).invitations.map((i) => i.id), ['p-off-d1-c3'], 'an invitee sees only its own row');
  });

  await t.test('the invitation, RSVP and feed routes are in the OpenAPI document', async (t) => {
    const r = await get(undefined, '/docs/json');
    t.equal(r.statusCode, 200);
    const paths = Object.keys((r.json() as { paths: Record<string, unknown> }).paths);
    for (const path of [
      '/api/meetings/{id}.ics',
      '/api/meetings/{id}/invitations/{invitationId}.ics',
      '/api/meetings/{id}/invitations',
      '/api/invitations/{token}',
      '/api/invitations/{token}/rsvp',
      '/api/invitations/{token}/reply',
      '/api/feeds/people/{id}.ics',
      '/api/feeds/halls/{id}',
      '/api/feeds/halls/{id}/rotate',
    ])
      t.ok(paths.includes(path), path);
  });
});
