/**
 * The device check in Chromium: an operator sees camera ✓ (with its resolution), microphone ✓ (the
 * fake device's tone moves the level meter), a test tone, and media reaching the server over UDP and
 * over TCP, counted by the server. A browser whose UDP is blocked is told "Chỉ TCP" with the port to
 * open; a browser that refuses the camera and microphone is told how to allow them.
 */
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium, screenshot } from '../helpers/browser.js';
import { assertAppBuilt, openSignedIn, screenReady } from '../helpers/app-page.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 1, communes: 1 });
const browser = await launchChromium();
t.teardown(() => browser.close());
// Chromium's own switch for networks that allow no UDP: WebRTC then gathers no UDP candidates and
// uses ICE over TCP. Without the fake UI, camera and microphone are refused unless the context grants them.
const noUdpBrowser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'), '--webrtc-ip-handling-policy=disable_non_proxied_udp'],
});
t.teardown(() => noUdpBrowser.close());

interface ProbeSeen {
  protocol: string | null;
  packetsReceived: number;
}

/** The server's answers to the page's probe polls, as the server sent them. */
function serverAnswers(page: Page): ProbeSeen[] {
  const seen: ProbeSeen[] = [];
  page.on('response', (response) => {
    if (response.request().method() !== 'GET' || !/\/api\/device-check\/[^/]+$/.test(new URL(response.url()).pathname)) return;
    void response.json().then((body: ProbeSeen) => seen.push(body), () => {});
  });
  return seen;
}

const status = (page: Page, selector: string) => page.locator(selector).getAttribute('data-status');
const verdictDone = (page: Page, timeout = 45_000) =>
  page.waitForFunction(() => {
    const v = document.querySelector<HTMLElement>('[data-check=network] .device-verdict');
    return v && v.dataset['verdict'] && v.dataset['verdict'] !== 'pending' && !document.querySelector('[data-check=network] [data-status=pending]');
  }, null, { timeout });

t.test('an operator checks camera, microphone, speaker and the network: UDP and TCP pass', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'op-d1', { hash: '/device-check', landing: '/device-check' });
  t.teardown(() => context.close());
  const answers = serverAnswers(page);
  t.match(await page.locator('h1').textContent(), 'Kiểm tra thiết bị');

  await page.waitForSelector('[data-check=camera] .device-status[data-status=ok]', { timeout: 15_000 });
  t.match(await page.locator('.device-resolution').textContent(), /Độ phân giải: \d+×\d+/, 'the resolution is shown');
  t.ok(await page.locator('video.device-preview').evaluate((v: HTMLVideoElement) => v.videoWidth > 0), 'the preview plays');

  await page.waitForSelector('[data-check=microphone] .device-status[data-status=ok]', { timeout: 15_000 });
  const level = await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.device-meter')?.getAttribute('aria-valuenow')) > 0, null, { timeout: 10_000 });
  t.ok(await level.jsonValue(), 'the level meter moves');
  t.ok((await page.locator('#device-camera-title ~ .field select option').count()) >= 1, 'a camera to choose');

  await verdictDone(page);
  t.equal(await status(page, '[data-check=udp] .device-status'), 'ok', 'UDP ✓');
  t.equal(await status(page, '[data-check=tcp] .device-status'), 'ok', 'TCP ✓');
  t.equal(await page.locator('[data-check=network] .device-verdict').textContent(), 'Tốt: UDP');
  for (const protocol of ['udp', 'tcp']) {
    const shown = Number(await page.locator(`[data-check=${protocol}]`).getAttribute('data-packets'));
    t.ok(shown > 0, `${protocol}: the page shows ${shown} packets`);
    t.ok(answers.some((a) => a.protocol === protocol && a.packetsReceived > 0), `${protocol}: the server counted packets over ${protocol}`);
  }

  await page.getByRole('button', { name: 'Phát âm thanh thử' }).click();
  await page.getByRole('button', { name: 'Có, nghe rõ' }).click();
  t.equal(await status(page, '[data-check=speaker] .device-status'), 'ok', 'speaker ✓ once heard');
  t.equal(await page.locator('.device-summary .device-verdict').textContent(), 'Mọi thứ sẵn sàng cho phiên họp.');
  t.same(await page.locator('.device-summary-list li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset['status'])), ['ok', 'ok', 'ok', 'ok']);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'app-device-check');

  // English: the screen is drawn again; the network and speaker results are kept, not measured again.
  const probesBefore = answers.length;
  await page.getByRole('button', { name: 'English' }).click();
  await screenReady(page, '/device-check');
  t.equal(await page.locator('h1').textContent(), 'Device check');
  t.equal(await page.locator('[data-check=network] .device-verdict').textContent(), 'Good: UDP');
  t.equal(await status(page, '[data-check=speaker] .device-status'), 'ok');
  await page.waitForSelector('[data-check=microphone] .device-status[data-status=ok]', { timeout: 15_000 });
  await page.waitForSelector('[data-check=camera] .device-status[data-status=ok]', { timeout: 15_000 });
  t.equal(await page.locator('.device-summary .device-verdict').textContent(), 'Everything is ready for the session.');
  t.equal(answers.length, probesBefore, 'no new probe after the language switch');
  t.same(errors, []);
});

t.test('UDP blocked in the browser: only TCP gets through, and the page says so', async (t) => {
  const { context, page, errors } = await openSignedIn(noUdpBrowser, server.url, 'op-d1', { hash: '/device-check', landing: '/device-check' });
  t.teardown(() => context.close());
  await context.grantPermissions(['camera', 'microphone']);
  // Permission was granted after the screen opened: start again with it.
  await page.getByRole('button', { name: 'Kiểm tra lại', exact: true }).click();
  const answers = serverAnswers(page);
  await page.waitForSelector('[data-check=camera] .device-status[data-status=ok]', { timeout: 15_000 });
  await verdictDone(page);
  t.equal(await status(page, '[data-check=udp] .device-status'), 'fail', 'UDP ✗');
  t.equal(await status(page, '[data-check=tcp] .device-status'), 'ok', 'TCP ✓');
  t.equal(await page.locator('[data-check=network] .device-verdict').textContent(), 'Chỉ TCP');
  t.match(await page.locator('[data-check=network] .device-advice').textContent(), /Chỉ kết nối được qua TCP: hình và tiếng có thể trễ; đề nghị mở cổng UDP \d+ trên tường lửa/);
  t.notOk(answers.some((a) => a.protocol === 'udp'), 'the server never selected a UDP path');
  t.ok(answers.some((a) => a.protocol === 'tcp' && a.packetsReceived > 0), 'the server counted packets over TCP');
  t.equal(await status(page, '.device-summary-list [data-check=network]'), 'warn');
  await screenshot(page, 'app-device-check-tcp-only');
  t.same(errors, []);
});

t.test('camera and microphone refused: the page explains how to allow them', async (t) => {
  const { context, page, errors } = await openSignedIn(noUdpBrowser, server.url, 'op-d1', { hash: '/device-check', landing: '/device-check' });
  t.teardown(() => context.close());
  await page.waitForSelector('.device-permission:not([hidden])', { timeout: 15_000 });
  t.match(await page.locator('.device-permission').textContent(), /Trình duyệt đang chặn camera và micro\..*Cho phép/);
  t.equal(await status(page, '[data-check=camera] .device-status'), 'fail');
  t.equal(await status(page, '[data-check=microphone] .device-status'), 'fail');
  await screenshot(page, 'app-device-check-denied');
  t.same(errors, []);
});
