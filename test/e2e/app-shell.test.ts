/**
 * The office web app's shell in Chromium: sign-in (a wrong password keeps the username and says
 * so in Vietnamese), the menu by role, a deep link that survives the sign-in, the language switch,
 * session expiry with a clear message, and sign-out.
 */
import t from 'tap';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { assertAppBuilt, openApp, screenReady, signIn } from '../helpers/app-page.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 2, communes: 2 });
const browser = await launchChromium();
t.teardown(() => browser.close());

t.test('/ leads to the app, which asks to sign in first', async (t) => {
  const root = await server.app.inject({ method: 'GET', url: '/' });
  t.equal(root.statusCode, 302);
  t.equal(root.headers.location, '/app');
  const { context, page, errors } = await openApp(browser, server.url);
  t.teardown(() => context.close());
  await screenReady(page, '/login');
  t.equal(await page.locator('html').getAttribute('lang'), 'vi');
  t.match(await page.locator('h1').textContent(), 'Đăng nhập');
  await screenshot(page, 'app-login');
  t.same(errors, []);
});

t.test('a wrong password is refused in Vietnamese and keeps the username', async (t) => {
  const { context, page, errors } = await openApp(browser, server.url);
  t.teardown(() => context.close());
  await signInExpectingRefusal(page, 'sec-d1', 'not-the-password');
  t.match(await page.locator('.form-error').textContent(), 'Sai tên đăng nhập hoặc mật khẩu');
  t.equal(await page.getByLabel('Tên đăng nhập').inputValue(), 'sec-d1');
  t.equal(await page.evaluate(() => document.body.dataset['route']), '/login');
  t.same(errors, []);
});

t.test('a secretariat gets the office menu; an official only their own', async (t) => {
  const office = await openApp(browser, server.url);
  t.teardown(() => office.context.close());
  await signIn(office.page, 'sec-d1', FIXTURE_PASSWORD, '/calendar');
  const officeMenu = await office.page.locator('#nav a').allTextContents();
  t.ok(officeMenu.includes('Lên lịch họp'), `office menu: ${officeMenu.join(', ')}`);
  t.ok(officeMenu.includes('Điểm cầu'));

  const official = await openApp(browser, server.url);
  t.teardown(() => official.context.close());
  await signIn(official.page, 'off-d1', FIXTURE_PASSWORD, '/home');
  const menu = await official.page.locator('#nav a').allTextContents();
  t.notOk(menu.includes('Lên lịch họp'), `official menu: ${menu.join(', ')}`);
  await official.page.evaluate(() => (location.hash = '#/directory/halls'));
  await screenReady(official.page, '/directory/halls');
  t.match(await official.page.locator('#view').textContent(), 'không có quyền');
  t.same([...office.errors, ...official.errors], []);
});

t.test('a deep link survives the sign-in; English on the switch, kept after reload', async (t) => {
  const { context, page, errors } = await openApp(browser, server.url, '/device-check');
  t.teardown(() => context.close());
  await screenReady(page, '/login');
  await signIn(page, 'op-d1', FIXTURE_PASSWORD, '/device-check');
  await page.getByRole('button', { name: 'English' }).click();
  await screenReady(page, '/device-check');
  t.equal(await page.locator('html').getAttribute('lang'), 'en');
  t.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
  await page.reload();
  await screenReady(page, '/device-check');
  t.equal(await page.locator('html').getAttribute('lang'), 'en');
  t.same(errors, []);
});

t.test('an expired session says so and asks to sign in again, then returns to the screen', async (t) => {
  const { context, page, errors } = await openApp(browser, server.url, '/directory/units');
  t.teardown(() => context.close());
  await signIn(page, 'sec-province', FIXTURE_PASSWORD, '/directory/units');
  // The token is revoked server-side as it would be by expiry: the next call answers 401.
  await page.evaluate(() => {
    const raw = localStorage.getItem('diemcau.session') as string;
    const data = JSON.parse(raw) as { token: string };
    localStorage.setItem('diemcau.session', JSON.stringify({ ...data, token: `${data.token}x` }));
  });
  await page.reload();
  await screenReady(page, '/login');
  t.match(await page.locator('#flash').textContent(), 'Phiên đăng nhập đã hết hạn');
  await signIn(page, 'sec-province', FIXTURE_PASSWORD, '/directory/units');
  t.same(errors, []);
});

t.test('keyboard only: the skip link, sign-in with Tab and Enter, the menu reached by Tab', async (t) => {
  const { context, page, errors } = await openApp(browser, server.url);
  t.teardown(() => context.close());
  await screenReady(page, '/login');
  // The sign-in form takes focus on its first field.
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username');
  await page.keyboard.type('sec-d1');
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
  await page.keyboard.type(FIXTURE_PASSWORD);
  await page.keyboard.press('Enter');
  await screenReady(page, '/calendar');
  // The heading has the focus after a screen opens; the menu is just before it, past sign-out, language and the account link.
  t.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
  t.equal(await page.evaluate(() => document.activeElement?.textContent), 'Kiểm tra thiết bị');
  await page.keyboard.press('Enter');
  await screenReady(page, '/device-check');
  // The skip link (first on the page) moves the focus to the screen without changing the route.
  await page.focus('.skip');
  await page.keyboard.press('Enter');
  t.equal(await page.evaluate(() => document.activeElement?.closest('#view') !== null), true, 'focus in the screen');
  t.equal(await page.evaluate(() => location.hash), '#/device-check');
  await page.locator('#nav a', { hasText: 'Lên lịch họp' }).focus();
  await page.keyboard.press('Enter');
  await screenReady(page, '/meetings/new');
  t.same(errors, []);
});

t.test('sign-out forgets the session', async (t) => {
  const { context, page, errors } = await openApp(browser, server.url);
  t.teardown(() => context.close());
  await signIn(page, 'sec-d2', FIXTURE_PASSWORD, '/calendar');
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await screenReady(page, '/login');
  t.equal(await page.evaluate(() => localStorage.getItem('diemcau.session')), null);
  t.match(await page.locator('#flash').textContent(), 'đã đăng xuất');
  t.same(errors, []);
});

async function signInExpectingRefusal(page: import('playwright-core').Page, username: string, password: string): Promise<void> {
  await screenReady(page, '/login');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.form-error:not([hidden])').waitFor({ timeout: 15_000 });
}
