/**
 * The scheduling form in Chromium: a conference for every hall of district d1 (one box in the
 * unit tree) plus two officials and a two-item agenda is saved; a second meeting at an
 * overlapping time in a d1 commune hall is warned about before saving and refused on save with
 * the hall and meeting named, values kept; the first is retitled and then cancelled after the
 * confirmation. Also the tree's search, a district secretariat's narrower tree, and how fast the
 * tree of 225 communes renders and filters.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { assertAppBuilt, openSignedIn, screenReady } from '../helpers/app-page.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertAppBuilt();
const server = await startServer(t);
const province = await seedProvince(server.store, { districts: 3, communes: 5 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const d1Halls = province.halls.filter((h) => h.unitId === 'd1' || h.unitId.startsWith('d1-')).map((h) => h.id).sort();

async function api(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: any }> {
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sec-province', password: FIXTURE_PASSWORD } });
  const token = (login.json() as { token: string }).token;
  const r = await server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: r.statusCode, body: r.json() };
}

async function go(page: Page, hash: string, route: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await screenReady(page, route);
}

const group = (page: Page, legend: string) => page.getByRole('group', { name: legend, exact: true });

/** Picks a person in the people picker with this legend by typing (marks left out on purpose) and clicking the match. */
async function pickPerson(page: Page, legend: string, typed: string, personId: string): Promise<void> {
  const picker = group(page, legend);
  await picker.getByLabel('Tìm cán bộ để thêm').fill(typed);
  await picker.locator(`button.person-option[data-person-id="${personId}"]`).click();
  await picker.locator(`li.chip[data-person-id="${personId}"]`).waitFor();
}

let firstId = '';

t.test('a conference for all of d1 plus two officials, with a two-item agenda, is saved', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: '/meetings/new', landing: '/meetings/new' });
  t.teardown(() => context.close());
  t.match(await page.locator('h1').textContent(), 'Lên lịch cuộc họp');

  // As-you-type checks: a title typed then cleared, an end before the start.
  const title = page.getByLabel('Tên cuộc họp');
  await title.fill('x');
  await title.fill('');
  t.match(await page.locator('.field', { has: title }).locator('.field-error').textContent(), 'Nhập tên cuộc họp');
  await page.getByLabel('Giờ bắt đầu').fill('10:00');
  await page.getByLabel('Giờ kết thúc').fill('09:00');
  t.match(await page.locator('.field', { has: page.getByLabel('Giờ kết thúc') }).locator('.field-error').textContent(), 'Giờ kết thúc phải sau giờ bắt đầu');

  await title.fill('Giao ban trực tuyến tháng 12');
  await page.getByLabel('Ngày họp').fill('2/12/2030');
  await page.getByLabel('Ngày họp').blur();
  t.equal(await page.getByLabel('Ngày họp').inputValue(), '02/12/2030', 'the date is shown dd/mm/yyyy');
  t.match(await page.locator('.field', { has: page.getByLabel('Ngày họp') }).locator('.hint').textContent(), 'Thứ Hai, 02/12/2030');
  await page.getByLabel('Giờ bắt đầu').fill('8:00');
  await page.getByLabel('Giờ bắt đầu').blur();
  t.equal(await page.getByLabel('Giờ bắt đầu').inputValue(), '08:00');
  await page.getByLabel('Giờ kết thúc').fill('10:00');
  t.equal(await page.locator('.field', { has: page.getByLabel('Giờ kết thúc') }).locator('.field-error').textContent(), '', 'the error goes once fixed');

  await page.getByRole('button', { name: '+ Thêm mục' }).click();
  await page.getByLabel('Nội dung mục 1').fill('Tình hình kinh tế - xã hội');
  await page.getByRole('button', { name: '+ Thêm mục' }).click();
  await page.getByLabel('Nội dung mục 2').fill('Ý kiến các huyện');
  await page.getByLabel('Người trình bày').first().fill('Sở KH&ĐT');
  await page.getByLabel('Số phút').first().fill('30');
  // Reorder: item 2 up, then back down.
  await page.getByRole('button', { name: 'Chuyển mục 2 lên' }).click();
  t.equal(await page.getByLabel('Nội dung mục 1').inputValue(), 'Ý kiến các huyện');
  await page.getByRole('button', { name: 'Chuyển mục 1 xuống' }).click();
  t.equal(await page.getByLabel('Nội dung mục 1').inputValue(), 'Tình hình kinh tế - xã hội');

  await page.getByLabel('Điểm cầu chủ trì').selectOption('hall-province');
  const d1Box = page.locator('li[data-unit-id="d1"] > .tree-row input[type="checkbox"]');
  await d1Box.check();
  t.equal(await page.locator('.picker-count').textContent(), `Đã chọn ${d1Halls.length} điểm cầu`);
  t.equal(d1Halls.length, 6, 'd1: its own hall and five communes');
  const provinceBox = page.locator('li[data-unit-id="province"] > .tree-row input[type="checkbox"]');
  t.equal(await provinceBox.evaluate((b: HTMLInputElement) => b.indeterminate), true, 'the province is partly chosen');
  // A commune unchecked and checked again: d1 is mixed in between.
  await page.getByRole('button', { name: 'Mở Huyện 1' }).click();
  // A commune with its one hall is one row: its box is the hall's.
  const c2 = page.locator('li[data-unit-id="d1-c2"] > .tree-row input[type="checkbox"]');
  t.equal(await page.locator('li[data-unit-id="d1-c2"]').getAttribute('data-only-hall-id'), 'hall-d1-c2');
  await c2.uncheck();
  t.equal(await d1Box.evaluate((b: HTMLInputElement) => b.indeterminate), true, 'd1 partly chosen');
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 5 điểm cầu');
  await c2.check();
  t.equal(await d1Box.isChecked(), true);

  await pickPerson(page, 'Chủ trì', 'lanh dao ubnd', 'off-province');
  await pickPerson(page, 'Mời đích danh', 'xa 1 huyen 1', 'off-d1-c1');
  await pickPerson(page, 'Mời đích danh', 'lãnh đạo huyện 2', 'off-d2');
  await page.locator('.conflict-panel[data-state="free"]').waitFor({ timeout: 10_000 });
  await page.getByLabel('Tên cuộc họp').focus();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'app-meeting-form');

  await page.getByRole('button', { name: 'Lưu cuộc họp' }).click();
  await screenReady(page, '/meetings/:id');
  firstId = decodeURIComponent((await page.evaluate(() => location.hash)).replace(/^#\/meetings\//, ''));
  const { status, body } = await api('GET', `/api/meetings/${firstId}`);
  t.equal(status, 200);
  t.same([...body.siteHallIds].sort(), d1Halls, "the sites are d1's halls");
  t.same([...body.invitedPersonIds].sort(), ['off-d1-c1', 'off-d2']);
  t.equal(body.chairId, 'off-province');
  t.equal(body.hostHallId, 'hall-province');
  t.same(body.agenda, [{ title: 'Tình hình kinh tế - xã hội', presenter: 'Sở KH&ĐT', minutes: 30 }, { title: 'Ý kiến các huyện' }]);
  t.equal(body.startLocal, '2030-12-02 08:00');
  t.equal(body.endLocal, '2030-12-02 10:00');
  t.same(errors, []);
});

t.test('an overlapping meeting in a d1 commune hall: warned before saving, refused on save, values kept', async (t) => {
  t.ok(firstId, 'the first meeting exists');
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: '/meetings/new', landing: '/meetings/new' });
  t.teardown(() => context.close());
  t.equal(await page.getByLabel('Tên cuộc họp').inputValue(), '', 'a fresh form after the first was saved');
  await page.getByLabel('Tên cuộc họp').fill('Họp chuyên đề nông nghiệp');
  await page.getByLabel('Ngày họp').fill('02/12/2030');
  await page.getByLabel('Giờ bắt đầu').fill('09:00');
  await page.getByLabel('Giờ kết thúc').fill('11:00');
  await page.getByLabel('Điểm cầu chủ trì').selectOption('hall-d2');
  await page.getByRole('button', { name: 'Mở Huyện 1' }).click();
  await page.locator('li[data-unit-id="d1-c3"] > .tree-row input[type="checkbox"]').check();
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 1 điểm cầu');
  await pickPerson(page, 'Chủ trì', 'lanh dao huyen 2', 'off-d2');

  const panel = page.locator('.conflict-panel[data-state="clash"]');
  await panel.waitFor({ timeout: 10_000 });
  const warning = await panel.textContent();
  t.match(warning, 'Điểm cầu Xã 3 Huyện 1 đã được đặt cho cuộc họp «Giao ban trực tuyến tháng 12» (08:00–10:00 02/12/2030)');
  t.equal(await panel.locator(`a[href="#/meetings/${firstId}"]`).count(), 1, 'the meeting in the way is a link');
  await screenshot(page, 'app-meeting-conflict');

  await page.getByRole('button', { name: 'Lưu cuộc họp' }).click();
  const refusal = page.locator('.form-error:not([hidden])');
  await refusal.waitFor();
  const said = await refusal.textContent();
  t.match(said, 'Thao tác bị từ chối vì xung đột');
  t.match(said, 'Máy chủ báo: Hall "Điểm cầu Xã 3 Huyện 1" (hall-d1-c3) is already booked by meeting "Giao ban trực tuyến tháng 12"');
  t.match(said, 'Điểm cầu Xã 3 Huyện 1 đã được đặt cho cuộc họp «Giao ban trực tuyến tháng 12»');
  t.equal(await page.evaluate(() => document.body.dataset['route']), '/meetings/new', 'still on the form');
  t.equal(await page.getByLabel('Tên cuộc họp').inputValue(), 'Họp chuyên đề nông nghiệp');
  t.equal(await page.getByLabel('Giờ bắt đầu').inputValue(), '09:00');
  t.equal(await page.getByLabel('Điểm cầu chủ trì').inputValue(), 'hall-d2');
  t.equal(await page.locator('li[data-unit-id="d1-c3"] > .tree-row input[type="checkbox"]').isChecked(), true);
  t.equal(await group(page, 'Chủ trì').locator('li.chip[data-person-id="off-d2"]').count(), 1);
  await screenshot(page, 'app-meeting-refused');

  // Moved to 10:00 the warning goes, and it saves.
  await page.getByLabel('Giờ bắt đầu').fill('10:00');
  await page.locator('.conflict-panel[data-state="free"]').waitFor({ timeout: 10_000 });
  const listed = await api('GET', '/api/meetings?from=2030-12-01T00:00:00%2B07:00&to=2030-12-03T00:00:00%2B07:00');
  t.same(listed.body.meetings.map((m: { id: string }) => m.id), [firstId], 'the refused save stored nothing');
  t.same(errors, []);
});

t.test('editing the first meeting: prefilled, only the title sent', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: `/meetings/${firstId}/edit`, landing: '/meetings/:id/edit' });
  t.teardown(() => context.close());
  const title = page.getByLabel('Tên cuộc họp');
  t.equal(await title.inputValue(), 'Giao ban trực tuyến tháng 12');
  t.equal(await page.getByLabel('Ngày họp').inputValue(), '02/12/2030');
  t.equal(await page.getByLabel('Giờ kết thúc').inputValue(), '10:00');
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 6 điểm cầu');
  t.equal(await page.locator('li[data-unit-id="d1"] > .tree-row input[type="checkbox"]').isChecked(), true);
  t.equal(await page.getByLabel('Nội dung mục 2').inputValue(), 'Ý kiến các huyện');
  t.same((await group(page, 'Mời đích danh').locator('li.chip').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['personId']))).sort(), ['off-d1-c1', 'off-d2']);
  await page.locator('.conflict-panel[data-state="free"]').waitFor({ timeout: 10_000 });

  await title.fill('Giao ban trực tuyến tháng 12 (đã sửa)');
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await screenReady(page, '/meetings/:id');
  const { body } = await api('GET', `/api/meetings/${firstId}`);
  t.equal(body.title, 'Giao ban trực tuyến tháng 12 (đã sửa)');
  t.equal(body.sequence, 0, 'a new title alone is no rescheduling: nothing else was sent');
  t.same([...body.siteHallIds].sort(), d1Halls);
  t.same(errors, []);
});

t.test('cancelling asks first, says who is told, then cancels', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: `/meetings/${firstId}/edit`, landing: '/meetings/:id/edit' });
  t.teardown(() => context.close());
  await page.getByRole('button', { name: 'Huỷ cuộc họp' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  t.match(await dialog.textContent(), 'được thông báo');
  t.match(await dialog.textContent(), 'lịch của họ nhận thông báo huỷ');
  await dialog.getByRole('button', { name: 'Không, giữ cuộc họp' }).click();
  t.equal(await dialog.isVisible(), false);
  t.equal((await api('GET', `/api/meetings/${firstId}`)).body.status, 'scheduled', 'kept when not confirmed');

  await page.getByRole('button', { name: 'Huỷ cuộc họp' }).click();
  await dialog.getByRole('button', { name: 'Huỷ cuộc họp' }).click();
  await screenReady(page, '/meetings/:id');
  t.equal(await page.evaluate(() => location.hash), `#/meetings/${firstId}`);
  t.equal((await api('GET', `/api/meetings/${firstId}`)).body.status, 'cancelled');
  t.same(errors, []);
});

t.test('the search box filters the tree, marks optional', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: '/meetings/new', landing: '/meetings/new' });
  t.teardown(() => context.close());
  const search = page.getByLabel('Tìm đơn vị hoặc điểm cầu');
  await search.fill('xa 3 huyen 2');
  const shown = () =>
    page.locator('li.tree-unit, li.tree-hall').evaluateAll((els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e as HTMLElement).dataset['unitId'] ?? (e as HTMLElement).dataset['hallId']),
    );
  t.same(await shown(), ['province', 'd2', 'd2-c3'], 'the match and the units above it');
  t.match(await page.locator('.picker-status').textContent(), 'Tìm thấy 1 kết quả');
  await search.fill('Xã 3 Huyện 2');
  t.same(await shown(), ['province', 'd2', 'd2-c3'], 'with marks too');
  await search.fill('diem cau huyen 3');
  t.same(await shown(), ['province', 'd3', 'hall-d3'], "a hall's name: the district's own hall");
  await search.fill('không có');
  t.match(await page.locator('.picker-status').textContent(), 'Không tìm thấy');
  await search.fill('');
  t.equal(await page.locator('li[data-unit-id="d1"]').isVisible(), true, 'cleared: everything is back');

  // Repeating: the last day is asked for and checked against the date.
  await page.getByLabel('Ngày họp').fill('10/12/2030');
  t.equal(await page.getByLabel('Lặp đến ngày').isVisible(), false, 'no last day without repetition');
  await page.getByLabel('Lặp lại').selectOption('weekly');
  await page.getByLabel('Lặp đến ngày').fill('01/12/2030');
  t.match(await page.locator('.field', { has: page.getByLabel('Lặp đến ngày') }).locator('.field-error').textContent(), 'Ngày lặp đến phải từ ngày họp trở đi');
  await page.getByLabel('Lặp đến ngày').fill('31/12/2030');
  t.equal(await page.locator('.field', { has: page.getByLabel('Lặp đến ngày') }).locator('.field-error').textContent(), '');

  // A language switch re-renders the screen: what was typed stays.
  await page.getByLabel('Tên cuộc họp').fill('Họp thử song ngữ');
  await page.getByLabel('Tìm đơn vị hoặc điểm cầu').fill('huyen 3');
  await page.getByRole('button', { name: 'English' }).click();
  await screenReady(page, '/meetings/new');
  t.match(await page.locator('h1').textContent(), 'Schedule an online meeting');
  t.equal(await page.getByLabel('Title').inputValue(), 'Họp thử song ngữ');
  t.equal(await page.getByLabel('Repeat until').inputValue(), '31/12/2030');
  t.equal(await page.getByLabel('Find a unit or hall').inputValue(), 'huyen 3');
  t.equal(await page.locator('li[data-unit-id="d1"]').isVisible(), false, 'the filter too');
  t.same(errors, []);
});

t.test('a district secretariat sees only its subtree in the picker', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-d2', { hash: '/meetings/new', landing: '/meetings/new' });
  t.teardown(() => context.close());
  const unitIds = await page.locator('li.tree-unit').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['unitId']));
  t.same(unitIds, ['d2', 'd2-c1', 'd2-c2', 'd2-c3', 'd2-c4', 'd2-c5']);
  const hosts = await page.getByLabel('Điểm cầu chủ trì').locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));
  t.same(hosts.sort(), ['hall-d2', 'hall-d2-c1', 'hall-d2-c2', 'hall-d2-c3', 'hall-d2-c4', 'hall-d2-c5']);
  await page.locator('li[data-unit-id="d2"] > .tree-row input[type="checkbox"]').check();
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 6 điểm cầu');
  t.same(errors, []);
});

t.test('speed: the tree of 225 communes renders and filters quickly', async (t) => {
  const big = await startServer(t);
  await seedProvince(big.store, { districts: 15, communes: 15 });
  const { context, page, errors } = await openSignedIn(browser, big.url, 'sec-province', { hash: '/meetings/new', landing: '/meetings/new' });
  t.teardown(() => context.close());
  t.equal(await page.locator('li.tree-unit').count(), 1 + 15 + 225);
  t.equal(await page.locator('li.tree-unit[data-only-hall-id]').count(), 225, 'a row per commune, its hall with it');
  t.equal(await page.locator('li.tree-hall').count(), 1 + 15, 'the province and district halls');
  const renderMs = Number(await page.locator('.unit-picker').getAttribute('data-render-ms'));
  // Typing into the search box filters at once (no debounce); the layout is read so it is counted.
  const timed = (query: string) =>
    page.evaluate((q) => {
      const search = document.querySelector<HTMLInputElement>('.unit-picker input[type="search"]') as HTMLInputElement;
      const started = performance.now();
      search.value = q;
      search.dispatchEvent(new Event('input', { bubbles: true }));
      void (document.querySelector('.unit-picker .tree') as HTMLElement).getBoundingClientRect().height;
      return performance.now() - started;
    }, query);
  // Five rounds each, the median reported: other test files share the machine.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const rounds: Record<'filter' | 'narrow' | 'clear', number[]> = { filter: [], narrow: [], clear: [] };
  for (let i = 0; i < 5; i++) {
    rounds.filter.push(await timed('xa 7'));
    t.match(await page.locator('.picker-status').textContent(), 'Tìm thấy 15 kết quả', 'Xã 7 of each district');
    rounds.narrow.push(await timed('xa 7 huyen 12'));
    t.equal(await page.locator('li.tree-unit:not([hidden])').count(), 2 + 1, 'the province, Huyện 12 and its Xã 7');
    rounds.clear.push(await timed(''));
  }
  const [filterMs, narrowMs, clearMs] = [median(rounds.filter), median(rounds.narrow), median(rounds.clear)];
  const expandMs = await page.evaluate(() => {
    const button = [...document.querySelectorAll<HTMLButtonElement>('.unit-picker button')].find((b) => b.textContent === 'Mở tất cả') as HTMLButtonElement;
    const started = performance.now();
    button.click();
    void (document.querySelector('.unit-picker .tree') as HTMLElement).getBoundingClientRect().height;
    return performance.now() - started;
  });
  const checkAllMs = await page.evaluate(() => {
    const box = document.querySelector<HTMLInputElement>('li[data-unit-id="province"] > .tree-row input') as HTMLInputElement;
    const started = performance.now();
    box.click();
    void (document.querySelector('.unit-picker .tree') as HTMLElement).getBoundingClientRect().height;
    return performance.now() - started;
  });
  t.equal(await page.locator('.picker-count').textContent(), 'Đã chọn 241 điểm cầu', 'the province box chose every hall (no host chosen yet)');
  t.comment(`unit picker, 225 communes (241 units, 241 halls): render ${renderMs} ms, filter "xa 7" ${filterMs.toFixed(1)} ms, "xa 7 huyen 12" ${narrowMs.toFixed(1)} ms, clear ${clearMs.toFixed(1)} ms, expand all ${expandMs.toFixed(1)} ms, check the province ${checkAllMs.toFixed(1)} ms (target < 100 ms)`);
  for (const [what, ms] of [['render', renderMs], ['filter', filterMs], ['narrow', narrowMs], ['clear', clearMs], ['expand all', expandMs], ['check all', checkAllMs]] as const)
    t.ok(ms > 0 && ms < 1000, `${what} took ${ms} ms (well under a second even on a loaded machine)`);
  t.same(errors, []);
});
