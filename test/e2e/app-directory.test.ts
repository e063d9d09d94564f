/**
 * The directory screens in Chromium, on a province of 15 districts × 15 communes (241 units,
 * 241 halls, 498 people): a child unit added, a hall with an operator, a person's roles changed
 * (and an admin grant refused in words), a 409 deletion explained; the CSV import refusing a
 * bad file by line and writing nothing, then importing a good one; a district secretariat seeing
 * only its district's halls. Render and filter times of the big lists are printed.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { assertAppBuilt, openSignedIn, screenReady } from '../helpers/app-page.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 15, communes: 15 });
const browser = await launchChromium();
t.teardown(() => browser.close());
const store = server.store;
/** Filter times asserted (the target, printed beside the figures, is 100 ms). */
const LIMIT_MS = 250;

async function dump(): Promise<string> {
  const view = await store.directory.view();
  const sorted = (m: ReadonlyMap<string, unknown>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ units: sorted(view.units), halls: sorted(view.halls) });
}

/**
 * Types into a list's search box and measures, in the page, the filter plus the style and layout
 * it causes; five rounds of (query, then cleared), as their median.
 */
async function timeFilter(page: Page, label: string, query: string): Promise<{ filterMs: number; clearMs: number; rows: number; all: number }> {
  return page.evaluate(
    ([labelText, q]) => {
      // No inner functions: tsx would wrap them in a helper the page lacks.
      const box = [...document.querySelectorAll('label')].find((l) => l.textContent === labelText);
      const inputEl = document.getElementById(box?.getAttribute('for') ?? '') as HTMLInputElement;
      const filters: number[] = [];
      const clears: number[] = [];
      let rows = 0;
      let all = 0;
      for (let i = 0; i < 10; i++) {
        const value = i % 2 === 0 ? q : '';
        const start = performance.now();
        inputEl.value = value;
        inputEl.dispatchEvent(new Event('input', { bubbles: true }));
        void document.body.offsetHeight;
        const ms = performance.now() - start;
        const count = document.querySelectorAll('table.dir-table tbody tr').length;
        if (value) {
          filters.push(ms);
          rows = count;
        } else {
          clears.push(ms);
          all = count;
        }
      }
      filters.sort((a, b) => a - b);
      clears.sort((a, b) => a - b);
      return { filterMs: filters[2] as number, clearMs: clears[2] as number, rows, all };
    },
    [label, query] as const,
  );
}

/** Re-renders a list screen and measures, in the page, navigation to a ready screen with its rows laid out. */
async function timeRender(page: Page, route: string): Promise<{ ms: number; buildMs: number; rows: number }> {
  await page.evaluate(() => (location.hash = '#/account'));
  await screenReady(page, '/account');
  const start = await page.evaluate(() => performance.now());
  await page.evaluate((r) => (location.hash = `#${r}`), route);
  await screenReady(page, route);
  return page.evaluate((t0) => {
    void document.body.offsetHeight;
    const table = document.querySelector<HTMLTableElement>('table.dir-table') as HTMLTableElement;
    return { ms: performance.now() - t0, buildMs: Number(table.dataset['buildMs']), rows: table.tBodies[0]?.rows.length ?? 0 };
  }, start);
}

t.test('the province secretariat: units, halls, people, a refused deletion', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: '/directory/units', landing: '/directory/units' });
  t.teardown(() => context.close());

  // The tree: 2 levels shown at first, search without marks.
  t.ok(await page.locator('[data-unit="d1"]').isVisible(), 'the districts are shown');
  t.notOk(await page.locator('[data-unit="d1-c1"]').isVisible(), 'communes are folded');
  await page.getByLabel('Tìm đơn vị').fill('xa 7 huyen 12');
  await page.locator('[data-unit="d12-c7"]').waitFor();
  t.notOk(await page.locator('[data-unit="d11-c7"]').isVisible(), 'other communes are hidden');
  await page.getByLabel('Tìm đơn vị').fill('');
  await page.getByRole('button', { name: 'Mở Huyện 1', exact: true }).click();
  await page.locator('[data-unit="d1-c1"]').waitFor();

  // A child unit under district 1.
  await page.locator('[data-unit="d1"]').click();
  const child = page.locator('form', { hasText: 'Thêm đơn vị con của “Huyện 1”' });
  t.equal(await child.getByLabel('Loại').inputValue(), 'commune', 'a district’s child is a commune by default');
  await child.getByLabel('Tên đơn vị').fill('Xã Thử Nghiệm');
  await child.getByLabel('Mã đơn vị (không bắt buộc)').fill('d1 thu');
  const idBox = child.getByLabel('Mã đơn vị (không bắt buộc)');
  t.equal(await idBox.getAttribute('aria-invalid'), 'true', 'a bad id is flagged as it is typed');
  t.match(await child.locator(`#${await idBox.getAttribute('id')}-error`).textContent(), 'Mã chỉ gồm');
  await child.getByLabel('Mã đơn vị (không bắt buộc)').fill('d1-thu');
  await child.getByRole('button', { name: 'Thêm đơn vị' }).click();
  await page.locator('[data-unit="d1-thu"][aria-current="true"]').waitFor();
  t.match((await store.directory.view()).units.get('d1-thu'), { name: 'Xã Thử Nghiệm', kind: 'commune', parentId: 'd1' });

  // Deleting district 1 is refused: the 409 is explained with what refers to it.
  await page.locator('[data-unit="d1"]').click();
  await page.getByRole('button', { name: 'Xoá đơn vị' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Xoá đơn vị' }).click();
  const refusal = page.locator('.dir-delete .form-error:not([hidden])');
  await refusal.waitFor();
  const said = (await refusal.textContent()) ?? '';
  t.match(said, 'vẫn đang được sử dụng', said);
  t.match(said, '16 đơn vị con');
  t.match(said, 'Xã Thử Nghiệm');
  t.match(said, '1 điểm cầu');
  t.match(said, 'cán bộ');
  t.ok((await store.directory.view()).units.has('d1'), 'still there');
  await screenshot(page, 'app-units');

  // A hall with an operator in the new commune.
  await page.evaluate(() => (location.hash = '#/directory/halls'));
  await screenReady(page, '/directory/halls');
  const hallsRender = await timeRender(page, '/directory/halls');
  t.ok(hallsRender.rows >= 225, `${hallsRender.rows} halls listed`);
  const hallsFilter = await timeFilter(page, 'Tìm điểm cầu', 'diem cau xa 3');
  t.ok(hallsFilter.rows > 0 && hallsFilter.rows < hallsRender.rows, `${hallsFilter.rows} halls match`);
  t.equal(hallsFilter.all, hallsRender.rows, 'cleared, every hall is back');
  t.comment(
    `halls list (${hallsRender.rows} rows): screen ready ${hallsRender.ms.toFixed(1)} ms (rows built ${hallsRender.buildMs} ms); ` +
      `median of 5 rounds: filter ${hallsFilter.filterMs.toFixed(1)} ms, clear (all rows back) ${hallsFilter.clearMs.toFixed(1)} ms (target < 100 ms)`,
  );
  // The target is 100 ms; the bound asserted leaves room for a loaded CI machine (2 cores, other browsers).
  t.ok(hallsFilter.filterMs < LIMIT_MS && hallsFilter.clearMs < LIMIT_MS, `filtering the halls takes under ${LIMIT_MS} ms`);

  await page.getByRole('button', { name: 'Thêm điểm cầu' }).click();
  const hallForm = page.getByRole('dialog');
  await hallForm.getByLabel('Tên điểm cầu').fill('Điểm cầu Xã Thử Nghiệm');
  await hallForm.getByLabel('Đơn vị').selectOption('d1-thu');
  await hallForm.getByLabel('Địa điểm').fill('Nhà văn hoá, thôn 2');
  await hallForm.getByLabel('Kỹ thuật viên').selectOption('op-d1');
  await hallForm.getByRole('button', { name: 'Lưu' }).click();
  const made = await waitFor(async () => [...(await store.directory.view()).halls.values()].find((h) => h.name === 'Điểm cầu Xã Thử Nghiệm'), { what: 'the new hall' });
  t.match(made, { unitId: 'd1-thu', operatorId: 'op-d1', location: 'Nhà văn hoá, thôn 2' });
  const row = page.locator(`tr[data-id="${made.id}"]`);
  await row.waitFor();
  t.match(await row.textContent(), 'Kỹ thuật Huyện 1');
  await page.getByLabel('Tìm điểm cầu').fill('xa thu nghiem');
  await page.locator('.dir-count', { hasText: 'Hiển thị 1/' }).waitFor({ timeout: 5000 }).catch(async (e: unknown) => {
    t.comment(await page.locator('.dir-count').textContent(), await page.locator('table.dir-table tbody').textContent());
    throw e;
  });
  await screenshot(page, 'app-halls');

  // The people list: a person's roles changed; an admin grant is refused in words.
  await page.evaluate(() => (location.hash = '#/directory/people'));
  await screenReady(page, '/directory/people');
  const peopleRender = await timeRender(page, '/directory/people');
  t.ok(peopleRender.rows >= 300, `${peopleRender.rows} people listed`);
  const peopleFilter = await timeFilter(page, 'Tìm cán bộ', 'off-d1-c1');
  t.ok(peopleFilter.rows > 0 && peopleFilter.rows < 20, `${peopleFilter.rows} people match`);
  t.equal(peopleFilter.all, peopleRender.rows, 'cleared, everybody is back');
  t.comment(
    `people list (${peopleRender.rows} rows): screen ready ${peopleRender.ms.toFixed(1)} ms (rows built ${peopleRender.buildMs} ms); ` +
      `median of 5 rounds: filter ${peopleFilter.filterMs.toFixed(1)} ms, clear (all rows back) ${peopleFilter.clearMs.toFixed(1)} ms (target < 100 ms)`,
  );
  t.ok(peopleFilter.filterMs < LIMIT_MS && peopleFilter.clearMs < LIMIT_MS, `filtering the people takes under ${LIMIT_MS} ms`);

  const person = page.locator('tr[data-id="off-d1-c1"]');
  await person.getByRole('button', { name: 'Sửa' }).click();
  const personForm = page.getByRole('dialog');
  await personForm.getByLabel('Quản trị').check();
  await personForm.getByRole('button', { name: 'Lưu' }).click();
  await personForm.locator('.form-error:not([hidden])').waitFor();
  t.match(await personForm.locator('.form-error').textContent(), 'không có quyền', 'the refusal in plain words');
  t.match(await personForm.locator('.form-error').textContent(), 'admin role', 'and the server’s own');
  t.same((await store.directory.getPerson('off-d1-c1'))?.roles, ['official'], 'nothing changed');
  await personForm.getByLabel('Quản trị').uncheck();
  await personForm.getByLabel('Kỹ thuật điểm cầu').check();
  await personForm.getByRole('button', { name: 'Lưu' }).click();
  await waitFor(async () => (await store.directory.getPerson('off-d1-c1'))?.roles.includes('operator'), { what: 'the operator role' });
  t.same([...((await store.directory.getPerson('off-d1-c1'))?.roles ?? [])].sort(), ['official', 'operator']);
  await person.locator('.badge.operator').waitFor();
  await screenshot(page, 'app-people');
  t.same(errors, []);
});

t.test('the CSV import: a bad file is refused by line and writes nothing; a good one imports', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-province', { hash: '/directory/import', landing: '/directory/import' });
  t.teardown(() => context.close());
  const header = 'type,id,name,kind,parent_id,unit_id,location,operator_username';
  const bad = [header, 'unit,imp-x1,Xã Lỗi Một,commune,d2,,,', 'unit,imp-x2,Xã Lỗi Hai,commune,khong-co,,,', 'hall,hall-imp-x1,Điểm cầu,,,imp-x1,,nobody'].join('\n');
  const before = await dump();
  await page.getByLabel('Hoặc dán nội dung CSV').fill(bad);
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
  await page.locator('.dir-import-result[data-state="done"]').waitFor();
  const table = page.locator('table.dir-import-errors');
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  t.same(
    rows.map((r) => [r[0], r[1]]),
    [
      ['3', 'parent_id'],
      ['4', 'operator_username'],
    ],
  );
  t.match(rows[0]?.[2], 'Không có đơn vị cấp trên mã “khong-co”');
  t.match(rows[1]?.[2], 'tên đăng nhập “nobody”');
  t.match(await page.locator('.dir-import-result .form-error').textContent(), 'Chưa nhập dòng nào');
  // "Nhập" with the same file: refused the same way, nothing written.
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await page.locator('.dir-import-result[data-state="done"]').waitFor();
  t.equal(await table.locator('tbody tr').count(), 2, 'the real import is refused with the same lines');
  t.equal(await dump(), before, 'nothing was imported');
  await screenshot(page, 'app-import-errors');

  // The sample is made for the caller's unit and passes the check as it is.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải tệp mẫu' }).click()]);
  const samplePath = await download.path();
  const { readFile } = await import('node:fs/promises');
  const sample = await readFile(samplePath, 'utf8');
  t.ok(sample.startsWith(`\uFEFF${header}\r\n`), 'BOM, header, CRLF');
  t.match(sample, 'province-mau-h1');

  // A good file, chosen as a file (BOM, CRLF, quotes): checked, then imported.
  const good = `\uFEFF${header}\r\nunit,imp-c1,"Xã Thử Nhập, Một",commune,imp-d1,,,\r\nunit,imp-d1,Huyện Thử Nhập,district,province,,,\r\nhall,hall-imp-c1,"Điểm cầu ""Thử Nhập""",,,imp-c1,Hội trường,op-d1\r\n`;
  await page.getByLabel('Chọn tệp CSV (UTF-8)').setInputFiles({ name: 'don-vi.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') });
  await page.locator('.dir-import-result', { hasText: 'Đã đọc tệp “don-vi.csv”' }).waitFor();
  await page.getByRole('button', { name: 'Kiểm tra' }).click();
  await page.locator('.dir-import-result[data-state="done"] .dir-summary.checked').waitFor();
  t.match(await page.locator('.dir-summary').textContent(), 'tạo 2 đơn vị và 1 điểm cầu');
  t.equal(await dump(), before, 'the check wrote nothing');
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await page.locator('.dir-import-result[data-state="done"] .dir-summary.imported').waitFor();
  t.match(await page.locator('.dir-summary').textContent(), 'Đã nhập: tạo 2 đơn vị và 1 điểm cầu');
  const view = await store.directory.view();
  t.match(view.units.get('imp-c1'), { name: 'Xã Thử Nhập, Một', parentId: 'imp-d1' });
  t.match(view.halls.get('hall-imp-c1'), { name: 'Điểm cầu "Thử Nhập"', operatorId: 'op-d1' });

  await page.getByRole('link', { name: 'Xem cây đơn vị' }).click();
  await screenReady(page, '/directory/units');
  await page.getByLabel('Tìm đơn vị').fill('thu nhap');
  await page.locator('[data-unit="imp-c1"]').waitFor();
  t.ok(await page.locator('[data-unit="imp-d1"]').isVisible(), 'the imported district shows with its commune');
  t.same(errors, []);
});

t.test('a district secretariat sees only its district’s halls and units', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'sec-d1', { hash: '/directory/halls', landing: '/directory/halls' });
  t.teardown(() => context.close());
  const view = await store.directory.view();
  const inD1 = (unitId: string): boolean => {
    for (let u = view.units.get(unitId); u; u = u.parentId ? view.units.get(u.parentId) : undefined) if (u.id === 'd1') return true;
    return false;
  };
  const expected = [...view.halls.values()].filter((h) => inD1(h.unitId)).map((h) => h.id).sort();
  t.ok(expected.length >= 16, `${expected.length} halls in district 1`);
  const listed = (await page.locator('table.dir-table tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset['id'] ?? ''))).sort();
  t.same(listed, expected);
  const unitOptions = await page.getByLabel('Đơn vị', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  t.ok(unitOptions.includes('d1-c1') && unitOptions.includes('d1-thu'));
  t.notOk(unitOptions.some((v) => v === 'province' || v.startsWith('d2')), 'no unit outside the district to pick');
  await page.getByRole('button', { name: 'Thêm điểm cầu' }).click();
  const formUnits = await page.getByRole('dialog').getByLabel('Đơn vị').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  t.notOk(formUnits.some((v) => v === 'province' || v === 'd2'), 'the form offers only units in scope');
  t.same(errors, []);
});
