/** The office web app (/app) in Chromium: open it, sign in through its form, wait for screens. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FIXTURE_PASSWORD } from './fixtures.js';

const APP_BUNDLE = fileURLToPath(new URL('../../client/dist/app.js', import.meta.url));

export function assertAppBuilt(): void {
  if (!existsSync(APP_BUNDLE)) throw new Error(`${APP_BUNDLE} is missing: run \`npm run build\` before the e2e tests`);
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page, for failure messages. */
  errors: string[];
}

/** A fresh browser context (its own storage, so its own session) at 1366×768 on `/app#<hash>`. */
export async function openApp(browser: Browser, baseUrl: string, hash = '/', options: { lang?: 'vi' | 'en' } = {}): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // 4xx answers the app handles (a refused save, a wrong password) are logged by Chromium as resource errors.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}/app${options.lang ? `?lang=${options.lang}` : ''}#${hash}`);
  return { context, page, errors };
}

/** Waits until the screen for `route` (a route pattern like '/meetings/:id') has shown its data. */
export async function screenReady(page: Page, route: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (want) => document.body.dataset['state'] === 'ready' && document.body.dataset['route'] === want,
    route,
    { timeout },
  );
}

/** Signs in through the form (the page must show it) and waits for the screen it lands on. */
export async function signIn(page: Page, username: string, password = FIXTURE_PASSWORD, landing?: string): Promise<void> {
  await screenReady(page, '/login');
  await page.getByLabel(/Tên đăng nhập|Username/).fill(username);
  await page.getByLabel(/Mật khẩu|Password/).fill(password);
  await page.getByRole('button', { name: /Đăng nhập|Sign in/ }).click();
  if (landing) await screenReady(page, landing);
  else await page.waitForFunction(() => document.body.dataset['state'] === 'ready' && document.body.dataset['route'] !== '/login', null, { timeout: 15_000 });
}

/** Opens the app and signs in; resolves on the screen it lands on. */
export async function openSignedIn(browser: Browser, baseUrl: string, username: string, options: { password?: string; hash?: string; landing?: string; lang?: 'vi' | 'en' } = {}): Promise<AppPage> {
  const app = await openApp(browser, baseUrl, options.hash ?? '/', options.lang ? { lang: options.lang } : {});
  await signIn(app.page, username, options.password ?? FIXTURE_PASSWORD, options.landing);
  return app;
}
