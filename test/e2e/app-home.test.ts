/**
 * "My meetings" of the office web app in Chromium: an official sees the meetings they are
 * invited to (and no other) in time order, accepts one (the API then holds the answer); the join
 * button is closed for a meeting three hours away and open for one ten minutes away, opens by
 * itself when the time comes, and leads to the join page's waiting room; an operator sees the
 * meeting its hall hosts with the hall's invitation.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { launchChromium, screenshot, settledState } from '../helpers/browser.js';
import { assertAppBuilt, openSignedIn, signIn } from '../helpers/app-page.js';
import { adminApi } from '../helpers/admin-api.js';
import { FIXTURE_PASSWORD, seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

assertAppBuilt();
const server = await startServer(t);
await seedProvince(server.store, { districts: 2, communes: 2 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const api = await adminApi(server);

const MINUTE = 60_000;
/** HH:MM dd/mm/yyyy in Vietnam. */
const vnDateTime = (ms: number) => {
  const iso = new Date(ms + 7 * 60 * MINUTE).toISOString();
  return `${iso.slice(11, 16)} ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
};

async function schedule(title: string, startsIn: number, body: { hostHallId: string; siteHallIds?: string[]; invitedPersonIds?: string[] }): Promise<{ id: string; start: number }> {
  const start = Math.floor((Date.now() + startsIn) / MINUTE) * MINUTE;
  const r = await api.call('POST', '/api/meetings', {
    title,
    start: new Date(start).toISOString(),
    end: new Date(start + 60 * MINUTE).toISOString(),
    chairId: 'off-province',
    hostHallId: body.hostHallId,
    sites: { hallIds: body.siteHallIds ?? [] },
    invitedPersonIds: body.invitedPersonIds ?? [],
  });
  if (r.statusCode !== 201) throw new Error(`schedule ${title}: ${r.statusCode} ${r.body}`);
  return { id: (r.json() as { id: string }).id, start };
}

const soon = await schedule('Họp khẩn Huyện 1', 10 * MINUTE, { hostHallId: 'hall-d1', invitedPersonIds: ['off-d1'] });
const later = await schedule('Giao ban chiều', 180 * MINUTE, { hostHallId: 'hall-d2', siteHallIds: ['hall-d1-c1'], invitedPersonIds: ['off-d1'] });
const elsewhere = await schedule('Họp riêng Huyện 2', 300 * MINUTE, { hostHallId: 'hall-d2', invitedPersonIds: ['off-d2'] });

const card = (page: Page, meetingId: string) => page.locator(`article.home-meeting[data-meeting-id="${meetingId}"]`);
const cardIds = (page: Page) => page.locator('article.home-meeting').evaluateAll((els) => els.map((el) => el.getAttribute('data-meeting-id')));

async function rsvpOf(meetingId: string, invitationId: string): Promise<string | undefined> {
  const r = await api.call('GET', `/api/meetings/${meetingId}/invitations`);
  return (r.json() as { invitations: { id: string; rsvp: string }[] }).invitations.find((i) => i.id === invitationId)?.rsvp;
}

t.test('an official sees their meetings in time order, accepts one, and joins the one about to start', async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'off-d1', { landing: '/home' });
  t.teardown(() => context.close());
  t.match(await page.locator('h1').textContent(), 'Cuộc họp sắp tới của tôi');
  t.same(await cardIds(page), [soon.id, later.id], 'their two meetings, the nearer first; not the other one');
  t.equal(await card(page, elsewhere.id).count(), 0);
  t.equal(await page.getByRole('link', { name: 'Kiểm tra thiết bị' }).last().getAttribute('href'), '#/device-check');

  const laterCard = card(page, later.id);
  t.match(await laterCard.locator('.home-time').textContent(), vnDateTime(later.start).slice(0, 5), 'the start, 24 h, Vietnam time');
  t.match(await laterCard.locator('.home-where').textContent(), 'Điểm cầu Huyện 2', 'the host hall, though outside the official’s unit');
  t.match(await laterCard.locator('.rsvp-invitation').textContent(), /Đại biểu — Lãnh đạo Huyện 1\s*Chưa trả lời/, 'their invitation, not answered');
  const laterJoin = laterCard.getByRole('button', { name: 'Vào họp' });
  t.ok(await laterJoin.isDisabled(), 'three hours ahead: closed');
  t.equal(await laterCard.locator('.join-note').textContent(), `Mở lúc ${vnDateTime(later.start - 30 * MINUTE)}`, 'says when it opens');
  const soonJoin = card(page, soon.id).getByRole('button', { name: 'Vào họp' });
  t.ok(await soonJoin.isEnabled(), 'ten minutes ahead: open');

  await laterCard.getByRole('button', { name: 'Tham dự', exact: true }).click();
  await laterCard.locator('.badge[data-rsvp="ACCEPTED"]').waitFor({ timeout: 10_000 });
  t.equal(await laterCard.getByRole('button', { name: 'Tham dự', exact: true }).getAttribute('aria-pressed'), 'true', 'the answer is marked');
  t.match(await laterCard.locator('.rsvp-message').textContent(), 'Đã ghi nhận: Tham dự');
  t.equal(await rsvpOf(later.id, 'p-off-d1'), 'ACCEPTED', 'the API holds the answer');
  await screenshot(page, 'app-home-official');

  await soonJoin.click();
  await page.waitForURL(/\/join\?token=/, { timeout: 15_000 });
  t.equal(await settledState(page), 'waiting', 'in the waiting room of the meeting not opened yet');
  t.equal(await page.evaluate(() => window.diemcau.self?.name), 'Lãnh đạo Huyện 1', 'as themselves');
  t.same(errors, []);
});

t.test('the join button opens by itself when the time comes', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  t.teardown(() => context.close());
  // The page's clock is driven by the test: two and a half hours pass in a moment.
  await context.clock.install({ time: Date.now() });
  const page = await context.newPage();
  await page.goto(`${server.url}/app#/`);
  await signIn(page, 'off-d1', FIXTURE_PASSWORD, '/home');
  const join = card(page, later.id).getByRole('button', { name: 'Vào họp' });
  t.ok(await join.isDisabled(), 'closed at first');
  await page.clock.fastForward(later.start - 30 * MINUTE - Date.now() + 5_000);
  await waitFor(() => join.isEnabled(), { timeout: 10_000, what: 'the join button to open' });
  t.ok(await join.isEnabled(), 'open 30 minutes before the start');
  t.equal(await card(page, later.id).locator('.join-note').textContent(), '', 'the note is gone');
});

t.test("an operator sees its hall's meeting with the hall's invitation, and answers for the hall", async (t) => {
  const { context, page, errors } = await openSignedIn(browser, server.url, 'op-d1', { landing: '/home' });
  t.teardown(() => context.close());
  t.same(await cardIds(page), [soon.id], 'the meeting its hall hosts, nothing else');
  const soonCard = card(page, soon.id);
  t.match(await soonCard.locator('.rsvp-invitation').textContent(), /Điểm cầu — Điểm cầu Huyện 1\s*Chưa trả lời/, "the hall's invitation");
  t.ok(await soonCard.getByRole('button', { name: 'Vào họp' }).isEnabled(), 'join open');
  await soonCard.getByRole('button', { name: 'Chưa chắc chắn' }).click();
  await soonCard.locator('.badge[data-rsvp="TENTATIVE"]').waitFor({ timeout: 10_000 });
  t.equal(await rsvpOf(soon.id, 'h-hall-d1'), 'TENTATIVE', "the hall's answer is recorded");
  await screenshot(page, 'app-home-operator');

  // The commune hall's operator sees the later meeting, where its hall is a site.
  const commune = await openSignedIn(browser, server.url, 'op-d1-c1', { landing: '/home' });
  t.teardown(() => commune.context.close());
  t.same(await cardIds(commune.page), [later.id], 'a site hall’s meeting too');
  t.same([...errors, ...commune.errors], []);
});
