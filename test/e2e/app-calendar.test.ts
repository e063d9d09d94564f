/**
 * The calendar of the office web app in Chromium: a meeting scheduled through the API shows in
 * the week, month and list views on its day and at its time in Vietnam (the browser set to New
 * York); filters by unit and hall, the search box, a click to the meeting's page; a district's
 * secretariat does not see another district's meeting; the list view with ~300 meetings is timed.
 */
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { assertAppBuilt, openSignedIn, screenReady, signIn, type AppPage } from '../helpers/app-page.js';
import { adminApi } from '../helpers/admin-api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 2, communes: 2 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const api = await adminApi(server);

const HOUR = 3600_000;
/** The Vietnam calendar day of an instant, YYYY-MM-DD. */
const vnDay = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 10);
const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
const at = (day: string, time: string) => `${day}T${time}:00+07:00`;

async function schedule(body: { title: string; hostHallId: string; start: string; end: string; chairId: string; siteHallIds?: string[] }): Promise<string> {
  const r = await api.call('POST', '/api/meetings', {
    title: body.title,
    start: body.start,
    end: body.end,
    chairId: body.chairId,
    hostHallId: body.hostHallId,
    sites: { hallIds: body.siteHallIds ?? [] },
  });
  if (r.statusCode !== 201) throw new Error(`schedule ${body.title}: ${r.statusCode} ${r.body}`);
  return (r.json() as { id: string }).id;
}

// Eight days ahead, at 06:30 in Vietnam: still the day before in UTC and in New York, so a
// calendar that used the browser's zone would put it on the wrong day.
const day = vnDay(Date.now() + 8 * 24 * HOUR);
const dayBefore = vnDay(Date.parse(at(day, '12:00')) - 24 * HOUR);
const meetingA = await schedule({ title: 'Giao ban Huyện 1', hostHallId: 'hall-d1', siteHallIds: ['hall-d1-c1'], chairId: 'off-d1', start: at(day, '06:30'), end: at(day, '08:00') });
const meetingB = await schedule({ title: 'Họp chuyên đề Huyện 2', hostHallId: 'hall-d2', chairId: 'off-d2', start: at(day, '14:00'), end: at(day, '15:00') });
const meetingC = await schedule({ title: 'Họp tạm hoãn Huyện 1', hostHallId: 'hall-d1', chairId: 'off-d1', start: at(day, '16:00'), end: at(day, '17:00') });
const cancelled = await api.call('POST', `/api/meetings/${meetingC}/cancel`);
if (cancelled.statusCode !== 200) throw new Error(`cancel: ${cancelled.statusCode} ${cancelled.body}`);

/** Marks the current screen, does `action`, and waits for a new screen to have shown its data. */
async function rerender(page: Page, action: () => Promise<unknown>): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('#view > *').forEach((el) => el.setAttribute('data-stale', '')));
  await action();
  await page.waitForFunction(() => document.body.dataset['state'] === 'ready' && !document.querySelector('#view [data-stale]') && document.querySelector('#view > *') !== null, null, {
    timeout: 15_000,
  });
}

const go = (page: Page, hash: string) => rerender(page, () => page.evaluate((h) => (location.hash = h), hash));
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** A signed-in page whose browser is in New York. */
async function openInNewYork(b: Browser, username: string): Promise<AppPage> {
  const context = await b.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: 'America/New_York' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}/app#/`);
  await signIn(page, username, FIXTURE_PASSWORD, '/calendar');
  return { context, page, errors };
}

t.test('week, month and list show the meeting on its day and time in Vietnam, with the browser in New York', async (t) => {
  const { context, page, errors } = await openInNewYork(browser, 'sec-province');
  t.teardown(() => context.close());
  t.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'America/New_York', 'the browser is in New York');

  await go(page, `#/calendar?view=week&at=${day}`);
  t.equal(await page.locator('.cal-day').count(), 7, 'seven days');
  t.match(await text(page, '.cal-day'), /^Thứ Hai/, 'the week starts on Monday');
  t.match(await text(page, '.cal-day:last-child'), /^Chủ nhật/, 'and ends on Sunday');
  const column = page.locator(`.cal-day[data-day="${day}"]`);
  t.match(await column.locator('.cal-day-head').textContent(), dmy(day), 'the column says dd/mm/yyyy');
  const eventA = column.locator(`.cal-event[data-meeting-id="${meetingA}"]`);
  t.equal(await eventA.count(), 1, 'meeting A is on its day');
  t.match(await eventA.textContent(), /06:30–08:00\s*Giao ban Huyện 1\s*Đã lên lịch/, 'time, title and status');
  t.equal(await page.locator(`.cal-day[data-day="${dayBefore}"] [data-meeting-id="${meetingA}"]`).count(), 0, 'not on the day before (New York / UTC)');
  const events = await column.locator('.cal-event').evaluateAll((els) => els.map((el) => el.getAttribute('data-meeting-id')));
  t.same(events, [meetingA, meetingB, meetingC], 'in time order');
  const eventC = column.locator(`.cal-event[data-meeting-id="${meetingC}"]`);
  t.match(await eventC.textContent(), 'Đã hủy', 'the cancelled one says so');
  t.equal(await eventC.locator('.cal-title').evaluate((el) => getComputedStyle(el).textDecorationLine), 'line-through', 'and is struck through');
  t.equal(await page.getByRole('link', { name: 'Lên lịch họp' }).first().getAttribute('href'), '#/meetings/new', 'the office can schedule from here');
  await screenshot(page, 'app-calendar-week');

  await page.getByRole('link', { name: 'Tháng', exact: true }).click();
  await page.waitForFunction(() => document.body.dataset['state'] === 'ready' && document.querySelector('.cal-month') !== null);
  t.equal(await page.locator('.cal-month tbody tr').count(), 6, 'six weeks');
  t.equal(await page.locator('.cal-month td.cal-cell').count(), 42, '6×7 cells');
  t.match(await text(page, '.cal-month th'), 'Thứ Hai', 'Monday first');
  const cell = page.locator(`td.cal-cell[data-day="${day}"]`);
  t.match(await cell.locator(`[data-meeting-id="${meetingA}"]`).textContent(), /06:30\s*Giao ban Huyện 1/);
  t.equal(await page.locator(`td.cal-cell[data-day="${dayBefore}"] [data-meeting-id="${meetingA}"]`).count(), 0, 'not the day before');
  await screenshot(page, 'app-calendar-month');

  await page.getByRole('link', { name: 'Danh sách', exact: true }).click();
  await page.waitForFunction(() => document.body.dataset['state'] === 'ready' && document.querySelector('table.cal-list') !== null);
  const cells = await page.locator(`tr.cal-row[data-meeting-id="${meetingA}"] td`).allTextContents();
  t.same(cells, [dmy(day), '06:30–08:00', 'Giao ban Huyện 1', 'Điểm cầu Huyện 1', 'Đã lên lịch', '1'], 'date, time, title, host hall, status, sites');
  t.match(await text(page, `tr.cal-row[data-meeting-id="${meetingC}"]`), 'Đã hủy');
  t.match(page.url(), /view=list/, 'the view is in the link');
  await screenshot(page, 'app-calendar-list');
  t.same(errors, []);
});

t.test('filter by unit and by hall; the search box filters the list as one types; a click opens the meeting', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { landing: '/calendar' });
  t.teardown(() => context.close());
  await go(page, `#/calendar?view=week&at=${day}`);
  t.equal(await page.locator(`[data-meeting-id="${meetingB}"]`).count(), 1, 'B is there before filtering');

  const units = await page.getByLabel('Đơn vị', { exact: true }).locator('option').allTextContents();
  t.ok(units.some((u) => /^\s{3}Huyện 1$/.test(u)), `districts indented under the province: ${JSON.stringify(units)}`);
  t.ok(units.some((u) => /^\s{6}Xã 1 Huyện 1$/.test(u)), 'communes deeper');
  await rerender(page, () => page.getByLabel('Đơn vị', { exact: true }).selectOption('d1'));
  t.match(page.url(), /unitId=d1/, 'the filter is in the link');
  t.equal(await page.locator(`[data-meeting-id="${meetingA}"]`).count(), 1, 'A (Huyện 1) stays');
  t.equal(await page.locator(`[data-meeting-id="${meetingB}"]`).count(), 0, 'B (Huyện 2) is hidden');

  await go(page, `#/calendar?view=week&at=${day}&hallId=hall-d2`);
  t.equal(await page.getByLabel('Điểm cầu', { exact: true }).inputValue(), 'hall-d2');
  t.equal(await page.locator(`[data-meeting-id="${meetingB}"]`).count(), 1, 'B at hall-d2');
  t.equal(await page.locator(`[data-meeting-id="${meetingA}"]`).count(), 0, 'A elsewhere');

  await go(page, `#/calendar?view=list&at=${day}`);
  const visible = () => page.locator('tr.cal-row:not([hidden])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-meeting-id')));
  t.same(await visible(), [meetingA, meetingB, meetingC]);
  const search = page.getByLabel('Tìm kiếm', { exact: true });
  await search.pressSequentially('giao ban huyen');
  t.same(await visible(), [meetingA], 'by title, without the marks');
  t.match(page.url(), /q=giao/, 'the search is in the link');
  await search.fill('Lãnh đạo Huyện 2');
  t.same(await visible(), [meetingB], 'by chair');
  await search.fill('điểm cầu huyện 1');
  t.same(await visible(), [meetingA, meetingC], 'by host hall');
  await search.fill('không có cuộc họp này');
  t.same(await visible(), []);
  t.ok(await page.getByText('Không có cuộc họp nào khớp').isVisible(), 'says nothing matches');
  await search.fill('');
  t.same(await visible(), [meetingA, meetingB, meetingC], 'cleared: all back');

  await page.locator(`tr.cal-row[data-meeting-id="${meetingA}"] a`).click();
  await screenReady(page, '/meetings/:id');
  t.equal(new URL(page.url()).hash, `#/meetings/${meetingA}`, 'the meeting route');
  t.same(errors, []);
});

t.test("a district's secretariat does not see another district's meeting; an official gets no schedule button", async (t) => {
  const d1 = await openSignedIn(browser, server.url, 'sec-d1', { landing: '/calendar' });
  t.teardown(() => d1.context.close());
  await go(d1.page, `#/calendar?view=list&at=${day}`);
  t.equal(await d1.page.locator(`tr.cal-row[data-meeting-id="${meetingA}"]`).count(), 1, 'its own district’s meeting');
  t.equal(await d1.page.locator(`tr.cal-row[data-meeting-id="${meetingB}"]`).count(), 0, 'not Huyện 2’s');

  const official = await openSignedIn(browser, server.url, 'off-d2', { landing: '/home' });
  t.teardown(() => official.context.close());
  await go(official.page, `#/calendar?view=week&at=${day}`);
  t.equal(await official.page.locator(`[data-meeting-id="${meetingB}"]`).count(), 1, 'the official sees the meeting they chair');
  t.equal(await official.page.locator(`[data-meeting-id="${meetingA}"]`).count(), 0, 'and no other');
  t.equal(await official.page.getByRole('link', { name: 'Lên lịch họp' }).count(), 0, 'no schedule button');
  t.same([...d1.errors, ...official.errors], []);
});

t.test('the list view with ~300 meetings renders and filters quickly', async (t) => {
  // A month three months ahead: 300 meetings on the province's hall, 28 days × 11 hourly slots.
  const month = vnDay(Date.now() + 92 * 24 * HOUR).slice(0, 7);
  const count = 300;
  const started = Date.now();
  for (let batch = 0; batch < count; batch += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - batch) }, (_, k) => {
        const i = batch + k;
        const d = `${month}-${String((i % 28) + 1).padStart(2, '0')}`;
        const hour = String(7 + Math.floor(i / 28)).padStart(2, '0');
        return schedule({
          title: i === 150 ? 'Họp kiểm tra đặc biệt' : `Họp định kỳ số ${i + 1}`,
          hostHallId: 'hall-province',
          siteHallIds: ['hall-d1', 'hall-d2'],
          chairId: 'off-province',
          start: at(d, `${hour}:00`),
          end: at(d, `${hour}:50`),
        });
      }),
    );
  }
  t.comment(`scheduled ${count} meetings through the API in ${Date.now() - started} ms`);

  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { landing: '/calendar' });
  t.teardown(() => context.close());
  await go(page, `#/calendar?view=week&at=${day}`);
  const render = await page.evaluate(async (hash) => {
    performance.clearResourceTimings();
    const t0 = performance.now();
    location.hash = hash;
    while (!(document.body.dataset['state'] === 'ready' && document.querySelector('table.cal-list'))) await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => requestAnimationFrame(r));
    const total = performance.now() - t0;
    const fetches = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/meetings?'));
    return { total, fetch: fetches.at(-1)?.duration ?? -1, rows: document.querySelectorAll('tr.cal-row').length };
  }, `#/calendar?view=list&at=${month}-01`);
  t.equal(render.rows, count, 'one row per meeting');
  t.comment(`list view, ${render.rows} rows: ${render.total.toFixed(1)} ms from the link to painted, of which the API answer ${render.fetch.toFixed(1)} ms`);
  t.ok(render.total < 1000, `rendered in ${render.total.toFixed(1)} ms (< 1000 ms)`);

  const filter = await page.evaluate(async () => {
    const box = document.querySelector<HTMLInputElement>('input[name="q"]') as HTMLInputElement;
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('tr.cal-row')];
    const t0 = performance.now();
    box.value = 'đặc biệt';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const filtered = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(r));
    const painted = performance.now() - t0;
    const shown = rows.filter((r) => !r.hidden).length;
    const t1 = performance.now();
    box.value = '';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(r));
    return { filtered, painted, shown, cleared: performance.now() - t1, all: rows.filter((r) => !r.hidden).length };
  });
  t.equal(filter.shown, 1, 'the search finds the one meeting');
  t.equal(filter.all, count, 'clearing it shows all again');
  t.comment(`search over ${count} rows: filtered in ${filter.filtered.toFixed(1)} ms, painted after ${filter.painted.toFixed(1)} ms; cleared and painted in ${filter.cleared.toFixed(1)} ms`);
  t.ok(filter.painted < 1000 && filter.cleared < 1000, 'filtering is quick (< 1000 ms)');
  t.same(errors, []);
});
