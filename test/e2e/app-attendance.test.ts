/**
 * The attendance report of the office web app in Chromium, on real attendance: a meeting
 * scheduled through the API, its chair and sites joining over the signaling socket with their
 * invitation tokens, the roll called and confirmed with a headcount, a floor turn, a site that
 * came and went. The report shows each site's row (minutes, confirmed, headcount, turns, present
 * now), the district totals and the overall ones; it refreshes itself every 30 s while the
 * meeting is live and stops when the route changes; the CSV download has a line per row; the
 * printable page has the meeting's title, time and chair at the top, an A4 @page, its toolbar
 * hidden in print, and makes a PDF.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import t from 'tap';
import type { Browser, Page } from 'playwright-core';
import { assertAppBuilt, screenReady, signIn, type AppPage } from '../helpers/app-page.js';
import { launchChromium, screenshot, SCREENSHOT_DIR } from '../helpers/browser.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { disconnected, ok } from '../helpers/socket-client.js';
import { adminApi } from '../helpers/admin-api.js';
import { attendanceLog, joinWith, publish } from '../signaling/live-meeting.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 2, communes: 2 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const api = await adminApi(server);
const TITLE = 'Giao ban trực tuyến quý IV';
const meetingId = await api.schedule({ title: TITLE, siteHallIds: ['hall-d1', 'hall-d2', 'hall-d1-c1', 'hall-d2-c1'] });
const tokens = await api.tokens(meetingId);
const token = (id: string) => tokens.get(id) ?? '';

// The session: the chair and Huyện 1 come in, the chair opens and calls the roll, Huyện 1
// confirms with 30 people and speaks once; Xã 1 Huyện 1 comes and goes.
const chair = await joinWith(t, server, token('p-off-province'));
const d1 = await joinWith(t, server, token('h-hall-d1'));
await ok(chair.socket, 'open-meeting', {});
await publish(d1);
await ok(chair.socket, 'call-roll', {});
await ok(d1.socket, 'confirm-presence', { headcount: 30 });
await ok(d1.socket, 'request-floor', { agendaItem: '0', subject: 'Báo cáo tiến độ' });
await ok(chair.socket, 'grant-floor', {});
await ok(chair.socket, 'revoke-floor', {});
const c1 = await joinWith(t, server, token('h-hall-d1-c1'));
const c1gone = disconnected(c1.socket);
c1.socket.disconnect();
await c1gone;
await attendanceLog(server, meetingId, (log) => log.some((e) => e.type === 'left' && e.subjectId === 'hall-d1-c1') && log.some((e) => e.type === 'floor-ended'));

interface ReportRow {
  subjectId: string;
  name: string;
  groupName: string;
  firstJoin: string | null;
  minutesPresent: number;
  confirmed: boolean;
  headcount: number | null;
  turns: number;
  present: boolean;
}
interface Report {
  rows: ReportRow[];
  groups: { groupId: string; groupName: string; expected: number; attended: number; confirmed: number; headcount: number }[];
  totals: { expected: number; attended: number; confirmed: number; headcount: number };
}
const report = async (): Promise<Report> => {
  const r = await api.call('GET', `/api/meetings/${meetingId}/attendance`);
  if (r.statusCode !== 200) throw new Error(`report: ${r.statusCode} ${r.body}`);
  return r.json() as Report;
};

/** Like openSignedIn, with Playwright's clock installed first (time still flows; fastForward jumps it). */
async function openWithClock(b: Browser, hash: string): Promise<AppPage> {
  const context = await b.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  await context.clock.install();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${server.url}/app#${hash}`);
  await signIn(page, 'sec-province', FIXTURE_PASSWORD);
  return { context, page, errors };
}

const cellsOf = (page: Page, subjectId: string) =>
  page.locator(`tr[data-subject="${subjectId}"]`).evaluate((tr) =>
    Object.fromEntries([...tr.querySelectorAll<HTMLElement>('td[data-col]')].map((td) => [td.dataset['col'], td.textContent ?? ''])),
  );

t.test('the report during the meeting: per site, per district, totals; refreshed every 30 s while live', async (t) => {
  const { context, page, errors } = await openWithClock(browser, `/meetings/${meetingId}/attendance`);
  t.teardown(() => context.close());
  await screenReady(page, '/meetings/:id/attendance');
  const reads: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === `/api/meetings/${meetingId}/attendance`) reads.push(r.url());
  });

  t.equal(await page.locator('h1').textContent(), 'Báo cáo điểm danh');
  t.equal(await page.locator('.meeting-title').textContent(), TITLE);
  t.equal(await page.locator('[data-fact=chair]').textContent(), 'Lãnh đạo UBND tỉnh Thử nghiệm');
  t.equal(await page.locator('[data-status]').textContent(), 'Đang diễn ra');
  t.ok(await page.locator('.live-note').isVisible(), 'says it refreshes itself');

  const d1Cells = await cellsOf(page, 'hall-d1');
  t.match(d1Cells['firstJoin'], /^\d{2}:\d{2}$/, 'first join as HH:mm');
  t.equal(d1Cells['lastLeave'], '—', 'not left');
  t.match(d1Cells['minutes'], /^\d+(,\d)?$/, 'minutes present');
  t.equal(d1Cells['confirmed'], '✓');
  t.equal(d1Cells['headcount'], '30');
  t.equal(d1Cells['turns'], '1');
  t.equal(d1Cells['present'], 'Có mặt');
  const c1Cells = await cellsOf(page, 'hall-d1-c1');
  t.match(c1Cells['lastLeave'], /^\d{2}:\d{2}$/, 'the site that left has its last leave');
  t.equal(c1Cells['present'], '', 'and is not present now');
  t.equal(c1Cells['confirmed'], '–');
  const d2Cells = await cellsOf(page, 'hall-d2');
  t.same([d2Cells['firstJoin'], d2Cells['minutes'], d2Cells['headcount'], d2Cells['turns']], ['—', '0', '', '0'], 'a site that never came');

  const expected = await report();
  t.same(
    await page.locator('tr[data-subject]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['subject'])),
    expected.rows.map((r) => r.subjectId),
    "one row per site and official, in the report's order",
  );
  const groups = await page.locator('table.attendance-groups tr[data-group]').evaluateAll((trs) =>
    trs.map((tr) => [(tr as HTMLElement).dataset['group'], ...[...tr.children].map((c) => c.textContent)]),
  );
  t.same(
    groups,
    [
      ...expected.groups.map((g) => [g.groupId, g.groupName, String(g.expected), String(g.attended), String(g.confirmed), String(g.headcount)]),
      ['*', 'Toàn bộ', String(expected.totals.expected), String(expected.totals.attended), String(expected.totals.confirmed), String(expected.totals.headcount)],
    ],
    'totals per district, then overall',
  );
  const d1Group = expected.groups.find((g) => g.groupName === 'Huyện 1');
  t.match(d1Group, { attended: 2, confirmed: 1, headcount: 30 }, 'Huyện 1: two sites came, one confirmed with 30');
  t.equal(await page.locator('[data-total=headcount] .value').textContent(), '30');
  await screenshot(page, 'app-attendance');

  // Huyện 2 comes in; the next 30-second tick shows it without a reload.
  const d2 = await joinWith(t, server, token('h-hall-d2'));
  await attendanceLog(server, meetingId, (log) => log.some((e) => e.type === 'joined' && e.subjectId === 'hall-d2'));
  t.equal(await page.locator('tr[data-subject="hall-d2"] td[data-col=present]').textContent(), '', 'not shown before the tick');
  const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/meetings/${meetingId}/attendance`);
  const before = reads.length;
  await page.clock.fastForward(30_000);
  await refreshed;
  await page.locator('tr[data-subject="hall-d2"] td[data-col=present]', { hasText: 'Có mặt' }).waitFor({ timeout: 5000 });
  t.equal(reads.length, before + 1, 'one read per tick');

  // Another screen: the timer is gone.
  await page.evaluate((hash) => (location.hash = hash), `#/meetings/${meetingId}`);
  await screenReady(page, '/meetings/:id');
  const after = reads.length;
  await page.clock.fastForward(65_000);
  // A marker request after the jump: any read a leftover timer made would have been sent before it.
  const marker = page.waitForRequest((r) => r.url().endsWith('/app.css?marker'));
  await page.evaluate(() => void fetch('/app.css?marker'));
  await marker;
  t.equal(reads.length, after, 'no reads after leaving the report');
  d2.socket.disconnect();
  t.same(errors, []);
});

t.test('the CSV download has a line per row of the report', async (t) => {
  const { context, page, errors } = await openWithClock(browser, `/meetings/${meetingId}/attendance`);
  t.teardown(() => context.close());
  await screenReady(page, '/meetings/:id/attendance');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Tải CSV' }).click();
  const file = await download;
  t.equal(file.suggestedFilename(), `diem-danh-${meetingId}.csv`);
  const text = await readFile(await file.path(), 'utf8');
  t.ok(text.startsWith('\uFEFF'), 'with a BOM for spreadsheets');
  const lines = parseCsv(text.replace(/^\uFEFF/, ''));
  const expected = await report();
  t.equal(lines.length, expected.rows.length + 1, 'a header and one line per row');
  t.match(lines[0]?.[1], /Điểm cầu/);
  const d1 = lines.find((l) => l[1] === 'Điểm cầu Huyện 1');
  t.equal(d1?.[0], 'Huyện 1', 'its group');
  t.equal(d1?.[8], 'có / yes', 'confirmed');
  t.equal(d1?.[9], '30', 'headcount');
  t.equal(d1?.[10], '1', 'turns');
  t.same(errors, []);
});

t.test('the printable page: header, A4, toolbar hidden in print, a PDF', async (t) => {
  const { context, page, errors } = await openWithClock(browser, `/meetings/${meetingId}/attendance`);
  t.teardown(() => context.close());
  await screenReady(page, '/meetings/:id/attendance');
  await page.getByRole('link', { name: 'Bản in' }).click();
  await screenReady(page, '/meetings/:id/attendance/print');
  t.equal(await page.locator('.print-head h1').textContent(), TITLE);
  t.equal(await page.locator('.print-head .kicker').textContent(), 'BÁO CÁO ĐIỂM DANH');
  t.match(await page.locator('.print-head [data-fact=when]').textContent(), /^Thứ .+, \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}–\d{2}:\d{2}/);
  t.equal(await page.locator('.print-head [data-fact=chair]').textContent(), 'Lãnh đạo UBND tỉnh Thử nghiệm');
  t.equal(await page.locator('.print-sheet table.attendance-groups').count(), 1);
  t.equal(await page.locator('.print-sheet tr[data-subject]').count(), (await report()).rows.length);
  t.match(await page.locator('.print-sheet .generated').textContent(), /^Lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  const pageRule = await page.evaluate(() => {
    for (const sheet of document.styleSheets)
      for (const rule of sheet.cssRules) if (rule instanceof CSSPageRule) return { size: rule.style.getPropertyValue('size').toUpperCase(), margin: rule.style.getPropertyValue('margin') };
    return null;
  });
  t.same(pageRule, { size: 'A4', margin: '15mm' }, '@page { size: A4; margin: 15mm }');
  t.ok(await page.getByRole('button', { name: 'In' }).isVisible(), 'the print button on screen');
  await screenshot(page, 'app-attendance-print');

  await page.emulateMedia({ media: 'print' });
  t.notOk(await page.locator('.print-toolbar').isVisible(), 'the toolbar is hidden in print');
  t.notOk(await page.locator('header.topbar').isVisible(), 'so is the menu');
  t.ok(await page.locator('.print-head h1').isVisible(), 'the sheet prints');
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const pdfPath = `${SCREENSHOT_DIR}attendance-print.pdf`;
  await page.pdf({ path: pdfPath, format: 'A4', preferCSSPageSize: true });
  const pdf = await readFile(pdfPath);
  t.ok((await stat(pdfPath)).size > 1000, `a PDF of ${pdf.length} bytes`);
  t.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  t.same(errors, []);
});

t.test('after the meeting: ended, no longer live, last leaves filled in', async (t) => {
  await ok(chair.socket, 'end-meeting', {});
  await attendanceLog(server, meetingId, (log) => log.some((e) => e.type === 'ended'));
  const { context, page, errors } = await openWithClock(browser, `/meetings/${meetingId}/attendance`);
  t.teardown(() => context.close());
  await screenReady(page, '/meetings/:id/attendance');
  t.equal(await page.locator('[data-status]').textContent(), 'Đã kết thúc');
  t.notOk(await page.locator('.live-note').isVisible());
  t.equal(await page.evaluate(() => document.getElementById('view')?.dataset['refreshing']), 'false', 'no refresh timer');
  t.match((await cellsOf(page, 'hall-d1'))['lastLeave'], /^\d{2}:\d{2}$/);
  t.match(await page.locator('[data-fact=ended]').textContent(), /^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
  t.same(errors, []);
});

t.test('a recurring meeting: a picker of its sessions, each its own report', async (t) => {
  const start = new Date(Date.now() + 60_000);
  const weekly = await api.schedule({ title: 'Giao ban hằng tuần', hostHallId: 'hall-d2-c2', siteHallIds: ['hall-d2-c1'], start, recurrence: { freq: 'weekly', count: 4 } });
  const { context, page, errors } = await openWithClock(browser, `/meetings/${weekly}/attendance`);
  t.teardown(() => context.close());
  await screenReady(page, '/meetings/:id/attendance');
  const picker = page.getByLabel('Buổi họp');
  // Only the first session has opened by now: it is the one shown and the only one offered.
  t.same(await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), [start.toISOString()]);
  t.equal(await picker.inputValue(), start.toISOString());
  // The picker's own change leads here; with one session there is nothing to change to, so go by the address.
  await page.evaluate((hash) => {
    document.querySelector('h1')?.setAttribute('data-old', '');
    location.hash = hash;
  }, `#/meetings/${weekly}/attendance?occurrence=${encodeURIComponent(start.toISOString())}`);
  await page.waitForFunction(() => document.body.dataset['state'] === 'ready' && document.querySelector('h1') && !document.querySelector('h1[data-old]'));
  t.equal(await page.getByLabel('Buổi họp').inputValue(), start.toISOString(), 'the session asked for, by its start');
  t.equal(await page.locator('a.button', { hasText: 'Bản in' }).getAttribute('href'), `#/meetings/${weekly}/attendance/print?occurrence=${encodeURIComponent(start.toISOString())}`);
  t.same(errors, []);
});

t.test('an official who does not run the meeting is refused, in Vietnamese', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await page.goto(`${server.url}/app#/meetings/${meetingId}/attendance`);
  await signIn(page, 'off-d1', FIXTURE_PASSWORD, '/meetings/:id/attendance');
  t.match(await page.locator('#flash').textContent(), 'Bạn không có quyền');
  t.equal(await page.locator('tr[data-subject]').count(), 0);
});

/** RFC 4180: quoted fields, doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      (row = []), (cell = ''), i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}
