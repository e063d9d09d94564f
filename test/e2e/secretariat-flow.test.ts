/**
 * The whole story through the office web app in Chromium, one step after another:
 * the province secretariat schedules a conference for every commune of district d1 plus two
 * officials (starting in ~10 minutes, 2 h); a second meeting in one of those commune halls at the
 * same time is warned about and refused, then moved to a free slot and saved; on the first
 * meeting's page the invitations table lists everyone, both .ics copies parse with ical.js, and a
 * commune hall's copied join link lands in the join page's waiting room; an invited official
 * accepts from "Cuộc họp của tôi" and the secretariat's table says "Tham dự"; a d1 commune hall's
 * operator runs the device check (camera, microphone, network ✓). Only the seeding and the
 * read-backs that check the results go around the UI. Screenshots: .tap/screenshots/flow-*.png.
 */
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import t from 'tap';
import type { Download, Page } from 'playwright-core';
import { assertAppBuilt, openSignedIn, screenReady, type AppPage } from '../helpers/app-page.js';
import { assertClientBuilt, launchChromium, openJoinPage, screenshot, settledState } from '../helpers/browser.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertAppBuilt();
assertClientBuilt();
const server = await startServer(t);
const province = await seedProvince(server.store, { districts: 3, communes: 4 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const d1 = province.districts.find((d) => d.unit.id === 'd1');
if (!d1) throw new Error('fixture district d1 missing');
const communeHallIds = d1.communes.map((c) => c.hall.id).sort();
const OFFICIALS = ['off-d2', 'off-d3-c1'] as const;
// The commune hall the second meeting clashes in: Xã 2 Huyện 1 (its official chairs that meeting).
const clashCommune = d1.communes[1];
if (!clashCommune) throw new Error('fixture commune d1-c2 missing');
const CLASH_HALL = clashCommune.hall;

// ----- time: the first meeting starts in ~10 minutes (on a 5-minute mark), for 2 h, Vietnam time -----
const MINUTE = 60_000;
const VN = 7 * 60 * MINUTE;
const vnIso = (ms: number) => new Date(ms + VN).toISOString();
const dmy = (ms: number) => {
  const iso = vnIso(ms);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};
const clock = (ms: number) => vnIso(ms).slice(11, 16);
const startMs = Math.ceil((Date.now() + 10 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;
// The form schedules within one day: after 21:55 in Vietnam the meeting is cut at 23:59.
const sameDay = (a: number, b: number) => vnIso(a).slice(0, 10) === vnIso(b).slice(0, 10);
const endMs = sameDay(startMs, startMs + 120 * MINUTE - 1) ? startMs + 120 * MINUTE : Date.parse(`${vnIso(startMs).slice(0, 10)}T23:59:00+07:00`);
const first = { title: 'Hội nghị trực tuyến Huyện 1 và các xã', date: dmy(startMs), start: clock(startMs), end: clock(endMs) };
// The second meeting's free slot: right after the first, or the next day if that runs past midnight.
const freeSlot = sameDay(endMs, endMs + 60 * MINUTE)
  ? { date: first.date, start: first.end, end: clock(endMs + 60 * MINUTE), startMs: endMs }
  : { date: dmy(startMs + 24 * 60 * MINUTE), start: first.start, end: first.end, startMs: startMs + 24 * 60 * MINUTE };
const second = { title: 'Họp chuyên đề nông nghiệp Xã 2' };

// ----- read-backs (state checks only; every action goes through the UI) -----
const tokenOf = async (username: string) => {
  const r = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: FIXTURE_PASSWORD } });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  return (r.json() as { token: string }).token;
};
const secToken = await tokenOf('sec-province');
async function apiGet<T>(url: string): Promise<T> {
  const r = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secToken}` } });
  if (r.statusCode !== 200) throw new Error(`GET ${url}: ${r.statusCode} ${r.body}`);
  return r.json() as T;
}
interface MeetingBody {
  id: string;
  uid: string;
  title: string;
  start: string;
  end: string;
  hostHallId: string;
  siteHallIds: string[];
  invitedPersonIds: string[];
}
interface InvitationRow {
  id: string;
  name: string;
  rsvp: string;
  removed: boolean;
  joinUrl: string | null;
}
const invitationsOf = async (id: string) => (await apiGet<{ invitations: InvitationRow[] }>(`/api/meetings/${id}/invitations`)).invitations;

const group = (page: Page, legend: string) => page.getByRole('group', { name: legend, exact: true });
async function pickPerson(page: Page, legend: string, typed: string, personId: string): Promise<void> {
  const picker = group(page, legend);
  await picker.getByLabel('Tìm cán bộ để thêm').fill(typed);
  await picker.locator(`button.person-option[data-person-id="${personId}"]`).click();
  await picker.locator(`li.chip[data-person-id="${personId}"]`).waitFor();
}
const meetingIdOf = async (page: Page) => decodeURIComponent((await page.evaluate(() => location.hash)).replace(/^#\/meetings\//, ''));
const fieldError = (page: Page, label: string) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');

// The secretariat's browser, used from step 1 to step 4.
const sec: AppPage = await openSignedIn(browser, server.url, 'sec-province', { landing: '/calendar' });
t.teardown(() => sec.context.close());
let firstId = '';
let secondId = '';

t.test('1. the secretariat schedules a conference for all of d1 plus two officials', async (t) => {
  const { page } = sec;
  t.comment(`first meeting ${first.date} ${first.start}–${first.end}; second moved to ${freeSlot.date} ${freeSlot.start}–${freeSlot.end}`);
  await page.getByRole('link', { name: 'Lên lịch họp' }).first().click();
  await screenReady(page, '/meetings/new');
  t.match(await page.locator('h1').textContent(), 'Lên lịch cuộc họp trực tuyến');

  await page.getByLabel('Tên cuộc họp').fill(first.title);
  await page.getByLabel('Ngày họp').fill(first.date);
  await page.getByLabel('Giờ bắt đầu').fill(first.start);
  await page.getByLabel('Giờ kết thúc').fill(first.end);
  await page.getByRole('button', { name: '+ Thêm mục' }).click();
  await page.getByLabel('Nội dung mục 1').fill('Triển khai nhiệm vụ cuối năm');
  await page.getByLabel('Người trình bày').first().fill('Văn phòng UBND tỉnh');
  await page.getByLabel('Số phút').first().fill('45');
  await page.getByLabel('Điểm cầu chủ trì').selectOption('hall-province');

  await page.locator('li[data-unit-id="d1"] > .tree-row input[type="checkbox"]').check();
  const d1Halls = [d1.hall.id, ...communeHallIds];
  t.equal(await page.locator('.picker-count').textContent(), `Đã chọn ${d1Halls.length} điểm cầu`, "d1's hall and its four communes' halls");
  await pickPerson(page, 'Chủ trì', 'lanh dao ubnd', 'off-province');
  await pickPerson(page, 'Mời đích danh', 'lanh dao huyen 2', OFFICIALS[0]);
  await pickPerson(page, 'Mời đích danh', 'xa 1 huyen 3', OFFICIALS[1]);
  for (const label of ['Tên cuộc họp', 'Ngày họp', 'Giờ bắt đầu', 'Giờ kết thúc']) t.equal(await fieldError(page, label).textContent(), '', `${label}: no error`);
  await page.locator('.conflict-panel[data-state="free"]').waitFor({ timeout: 10_000 });

  await page.getByRole('button', { name: 'Lưu cuộc họp' }).click();
  await screenReady(page, '/meetings/:id');
  firstId = await meetingIdOf(page);
  const body = await apiGet<MeetingBody>(`/api/meetings/${firstId}`);
  t.equal(body.title, first.title);
  t.equal(Date.parse(body.start), startMs, 'starts when typed (Vietnam time)');
  t.equal(Date.parse(body.end), endMs);
  t.equal(body.hostHallId, 'hall-province');
  t.same([...body.siteHallIds].sort(), d1Halls.sort(), "d1's halls are the sites");
  for (const id of communeHallIds) t.ok(body.siteHallIds.includes(id), `commune hall ${id} is a site`);
  t.same([...body.invitedPersonIds].sort(), [...OFFICIALS].sort(), 'the two officials are invited');
  t.same(sec.errors, []);
});

t.test('2. a second meeting in a d1 commune hall at the same time: warned, refused, moved, saved', async (t) => {
  t.ok(firstId, 'the first meeting exists');
  const { page } = sec;
  await page.getByRole('link', { name: 'Lên lịch họp' }).first().click();
  await screenReady(page, '/meetings/new');
  t.equal(await page.getByLabel('Tên cuộc họp').inputValue(), '', 'a fresh form');
  await page.getByLabel('Tên cuộc họp').fill(second.title);
  await page.getByLabel('Ngày họp').fill(first.date);
  await page.getByLabel('Giờ bắt đầu').fill(first.start);
  await page.getByLabel('Giờ kết thúc').fill(first.end);
  await page.getByLabel('Điểm cầu chủ trì').selectOption('hall-d2');
  await page.getByRole('button', { name: 'Mở Huyện 1' }).click();
  await page.locator(`li[data-unit-id="${CLASH_HALL.unitId}"] > .tree-row input[type="checkbox"]`).check();
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 1 điểm cầu');
  await pickPerson(page, 'Chủ trì', 'lanh dao xa 2 huyen 1', `off-${CLASH_HALL.unitId}`);

  const panel = page.locator('.conflict-panel[data-state="clash"]');
  await panel.waitFor({ timeout: 10_000 });
  t.match(await panel.textContent(), `${CLASH_HALL.name} đã được đặt cho cuộc họp «${first.title}» (${first.start}–${first.end} ${first.date})`, 'the hall and the meeting are named');
  t.equal(await panel.locator(`a[href="#/meetings/${firstId}"]`).count(), 1, 'the meeting in the way is a link');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'flow-form-conflict');

  await page.getByRole('button', { name: 'Lưu cuộc họp' }).click();
  const refusal = page.locator('.form-error:not([hidden])');
  await refusal.waitFor();
  const said = (await refusal.textContent()) ?? '';
  t.match(said, 'Thao tác bị từ chối vì xung đột');
  t.match(said, `${CLASH_HALL.name} đã được đặt cho cuộc họp «${first.title}»`);
  t.equal(await page.evaluate(() => document.body.dataset['route']), '/meetings/new', 'still on the form');
  t.equal(await page.getByLabel('Tên cuộc họp').inputValue(), second.title, 'values kept');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await screenshot(page, 'flow-form-refused');
  const between = await apiGet<{ meetings: { id: string }[] }>(`/api/meetings?from=${encodeURIComponent(new Date(startMs - 60 * MINUTE).toISOString())}&to=${encodeURIComponent(new Date(endMs + 60 * MINUTE).toISOString())}`);
  t.same(between.meetings.map((m) => m.id), [firstId], 'the refused save stored nothing');

  // To the free slot: the end first, so no half-typed time is free of the clash by accident.
  await page.getByLabel('Ngày họp').fill(freeSlot.date);
  await page.getByLabel('Giờ kết thúc').fill(freeSlot.end);
  await page.getByLabel('Giờ bắt đầu').fill(freeSlot.start);
  await page.locator('.conflict-panel[data-state="free"]').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Lưu cuộc họp' }).click();
  await screenReady(page, '/meetings/:id');
  secondId = await meetingIdOf(page);
  t.not(secondId, firstId);
  const body = await apiGet<MeetingBody>(`/api/meetings/${secondId}`);
  t.equal(body.title, second.title);
  t.equal(Date.parse(body.start), freeSlot.startMs, 'saved at the free slot');
  t.same(body.siteHallIds, [CLASH_HALL.id]);

  await page.getByRole('link', { name: 'Lịch họp' }).first().click();
  await screenReady(page, '/calendar');
  t.equal(await page.locator(`.cal-event[data-meeting-id="${firstId}"]`).count(), 1, 'the first meeting is in this week');
  t.match(await page.locator(`.cal-event[data-meeting-id="${firstId}"]`).textContent(), `${first.start}–${first.end}`);
  await screenshot(page, 'flow-calendar');
  t.same(sec.errors, []);
});

t.test("3. the first meeting's page: every invitee, .ics copies, a commune hall's join link to the waiting room", async (t) => {
  const { page, context } = sec;
  await page.evaluate((h) => (location.hash = h), `#/meetings/${firstId}`);
  await screenReady(page, '/meetings/:id');
  t.equal(await page.locator('h1').textContent(), first.title);
  const rows = (await invitationsOf(firstId)).filter((r) => !r.removed);
  const shown = await page.locator('table.invitations-table tbody tr[data-invitation]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['invitation']));
  t.same([...shown].sort(), rows.map((r) => r.id).sort(), 'every invitation is a row');
  for (const id of [...communeHallIds.map((h) => `h-${h}`), ...OFFICIALS.map((p) => `p-${p}`)]) t.ok(shown.includes(id), `${id} is listed`);
  await screenshot(page, 'flow-meeting');

  const parse = async (download: Download) => {
    const calendar = new ICAL.Component(ICAL.parse(await readFile(await download.path(), 'utf8')) as unknown[]);
    const event = calendar.getFirstSubcomponent('vevent') as ICAL.Component;
    return {
      summary: String(event.getFirstPropertyValue('summary')),
      dtstartLocal: String(event.getFirstProperty('dtstart')?.getFirstValue()),
      dtstart: new ICAL.Event(event).startDate.toJSDate().getTime(),
      attendees: event.getAllProperties('attendee').length,
      url: event.getFirstPropertyValue('url'),
    };
  };
  const localStart = `${vnIso(startMs).slice(0, 10)}T${first.start}:00`;
  const whole = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Tải .ics cả cuộc họp' }).click();
  const all = await parse(await whole);
  t.equal(all.summary, first.title, 'SUMMARY');
  t.equal(all.dtstartLocal, localStart, 'DTSTART, Vietnam local time');
  t.equal(all.dtstart, startMs, 'DTSTART instant');
  t.equal(all.attendees, rows.length, 'an ATTENDEE per invitation');

  const official = rows.find((r) => r.id === `p-${OFFICIALS[0]}`);
  t.ok(official, 'the official has an invitation');
  const one = page.waitForEvent('download');
  await page.getByRole('button', { name: `Tải .ics của ${official?.name}` }).click();
  const mine = await one;
  t.equal(mine.suggestedFilename(), `${firstId}-p-${OFFICIALS[0]}.ics`);
  const copy = await parse(mine);
  t.equal(copy.summary, first.title);
  t.equal(copy.dtstart, startMs);
  t.equal(copy.attendees, rows.length);
  t.equal(String(copy.url), official?.joinUrl, "the official's own join link");

  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const hallRow = page.locator(`tr[data-invitation="h-${CLASH_HALL.id}"]`);
  await hallRow.getByRole('button', { name: /Sao chép liên kết/ }).click();
  await hallRow.locator('.copy-status', { hasText: 'Đã sao chép' }).waitFor({ timeout: 5000 });
  const link = await page.evaluate(() => navigator.clipboard.readText());
  t.equal(link, rows.find((r) => r.id === `h-${CLASH_HALL.id}`)?.joinUrl, "the commune hall's join link");
  const join = await openJoinPage(browser, link);
  t.teardown(() => join.context.close());
  t.equal(new URL(join.page.url()).pathname, '/join', 'lands on /join');
  t.equal(await settledState(join.page), 'waiting', 'in the waiting room: the meeting has not started');
  t.equal(await join.page.evaluate(() => window.diemcau.self?.name), CLASH_HALL.name, 'as the hall');
  await screenshot(join.page, 'flow-join-waiting');
  t.same(join.errors, []);
  t.same(sec.errors, []);
});

t.test('4. an invited official accepts from "Cuộc họp của tôi"; the secretariat sees "Tham dự"', async (t) => {
  const off = await openSignedIn(browser, server.url, OFFICIALS[0], { landing: '/home' });
  t.teardown(() => off.context.close());
  t.match(await off.page.locator('h1').textContent(), 'Cuộc họp sắp tới của tôi');
  t.equal(await off.page.getByRole('link', { name: 'Cuộc họp của tôi' }).getAttribute('aria-current'), 'page');
  const card = off.page.locator(`article.home-meeting[data-meeting-id="${firstId}"]`);
  t.equal(await card.count(), 1, 'the meeting is there');
  t.match(await card.textContent(), first.title);
  t.equal(await off.page.locator(`article.home-meeting[data-meeting-id="${secondId}"]`).count(), 0, 'not the meeting they are not in');
  await card.getByRole('button', { name: 'Tham dự', exact: true }).click();
  await card.locator('.badge[data-rsvp="ACCEPTED"]').waitFor({ timeout: 10_000 });
  t.equal((await invitationsOf(firstId)).find((r) => r.id === `p-${OFFICIALS[0]}`)?.rsvp, 'ACCEPTED', 'the API holds the answer');
  await screenshot(off.page, 'flow-official-home');
  t.same(off.errors, []);

  await sec.page.reload();
  await screenReady(sec.page, '/meetings/:id');
  t.equal(await sec.page.locator(`tr[data-invitation="p-${OFFICIALS[0]}"] td[data-rsvp]`).textContent(), 'Tham dự', "the secretariat's table says so");
  t.equal(await sec.page.locator(`tr[data-invitation="p-${OFFICIALS[1]}"] td[data-rsvp]`).textContent(), 'Chưa trả lời', 'the other has not answered');
  t.same(sec.errors, []);
});

t.test("5. a d1 commune hall's operator runs the device check: camera, microphone and network ✓", async (t) => {
  const op = await openSignedIn(browser, server.url, `op-${CLASH_HALL.unitId}`, { landing: '/home' });
  t.teardown(() => op.context.close());
  t.equal(await op.page.locator(`article.home-meeting[data-meeting-id="${firstId}"]`).count(), 1, "the hall's meeting is on the operator's home");
  await op.page.getByRole('link', { name: 'Kiểm tra thiết bị' }).first().click();
  await screenReady(op.page, '/device-check');
  await op.page.waitForSelector('[data-check=camera] .device-status[data-status=ok]', { timeout: 15_000 });
  await op.page.waitForSelector('[data-check=microphone] .device-status[data-status=ok]', { timeout: 15_000 });
  await op.page.waitForFunction(
    () => {
      const v = document.querySelector<HTMLElement>('[data-check=network] .device-verdict');
      return v && v.dataset['verdict'] && v.dataset['verdict'] !== 'pending' && !document.querySelector('[data-check=network] [data-status=pending]');
    },
    null,
    { timeout: 45_000 },
  );
  const status = (selector: string) => op.page.locator(selector).getAttribute('data-status');
  t.equal(await status('[data-check=camera] .device-status'), 'ok', 'camera ✓');
  t.equal(await status('[data-check=microphone] .device-status'), 'ok', 'microphone ✓');
  t.equal(await status('[data-check=udp] .device-status'), 'ok', 'UDP ✓');
  t.equal(await status('[data-check=tcp] .device-status'), 'ok', 'TCP ✓');
  t.equal(await op.page.locator('[data-check=network] .device-verdict').textContent(), 'Tốt: UDP', 'network ✓');
  await op.page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(op.page, 'flow-device-check');
  t.same(op.errors, []);
});
