/**
 * The join page with a token the server must refuse: it says so, stays out of the meeting
 * and never touches camera, microphone or media transports.
 */
import t from 'tap';
import { signJoinToken } from '../../lib/join-token.js';
import type { JoinClaims } from '../../protocol/claims.js';
import { assertClientBuilt, launchChromium, openJoinPage, settledState } from '../helpers/browser.js';
import { startServer } from '../helpers/server.js';

assertClientBuilt();
const server = await startServer(t);
const browser = await launchChromium();
t.teardown(() => browser.close());

const meetingId = 'hop-giao-ban-e2e';
const claims: JoinClaims = { meetingId, sub: 'xa-tan-lap', role: 'site', name: 'Xã Tân Lập' };
const now = () => Math.floor(Date.now() / 1000);

/** Opens the page, waits for it to settle, and reads what a person and a test would see. */
async function visit(url: string) {
  const { context, page } = await openJoinPage(browser, url);
  t.teardown(() => context.close());
  const state = await settledState(page);
  const seen = await page.evaluate(() => ({
    errorVisible: !(document.querySelector<HTMLElement>('#error')?.hidden ?? true),
    errorText: document.querySelector('#error')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    self: window.diemcau.self,
    pcs: [window.diemcau.pcs.send, window.diemcau.pcs.recv].filter(Boolean).length,
    preview: document.querySelector<HTMLVideoElement>('#self-video')?.srcObject ?? null,
  }));
  return { page, state, ...seen };
}

t.test('a token signed with another secret is refused', async (t) => {
  const forged = signJoinToken('another-secret-another-secret-0123456789', claims, { expiresAt: now() + 3600 });
  const seen = await visit(server.joinUrl(forged));
  t.equal(seen.state, 'refused');
  t.ok(seen.errorVisible, '#error is visible');
  t.match(seen.errorText, /không hợp lệ hoặc đã hết hạn/, 'says the link is invalid, in Vietnamese');
  t.match(seen.errorText, /invalid signature/, 'and shows the server reason');
  t.equal(seen.self, null, 'never joined');
  t.equal(seen.pcs, 0, 'no media transport');
  t.equal(seen.preview, null, 'camera not opened');
  t.equal(server.signaling.participantCount(meetingId), 0);
});

t.test('an expired token is refused', async (t) => {
  const expired = server.signToken(claims, { notBefore: now() - 7200, expiresAt: now() - 60 });
  const seen = await visit(server.joinUrl(expired));
  t.equal(seen.state, 'refused');
  t.ok(seen.errorVisible, '#error is visible');
  t.match(seen.errorText, /Liên kết tham dự đã hết hạn/, 'says the link has expired');
  t.match(seen.errorText, /has expired/, 'and shows the server reason');
  t.equal(seen.pcs, 0, 'no media transport');
  t.equal(server.signaling.participantCount(meetingId), 0);
});

t.test('a link without a token is refused without asking the server', async (t) => {
  const seen = await visit(`${server.url}/join`);
  t.equal(seen.state, 'refused');
  t.ok(seen.errorVisible, '#error is visible');
  t.match(seen.errorText, /Thiếu mã tham dự/);
  t.equal(server.signaling.participantCount(meetingId), 0);
});

t.test('the English page says it in English', async (t) => {
  const forged = signJoinToken('another-secret-another-secret-0123456789', claims, { expiresAt: now() + 3600 });
  const seen = await visit(`${server.joinUrl(forged)}&lang=en`);
  t.equal(seen.state, 'refused');
  t.match(seen.errorText, /invalid or has expired/);
});

// The control: the same page and server admit a good token, so the refusals above are the token's doing.
t.test('a valid token joins', async (t) => {
  const seen = await visit(server.joinUrl(server.signToken(claims)));
  t.equal(seen.state, 'joined');
  t.notOk(seen.errorVisible, 'no error shown');
  t.equal(seen.self?.name, 'Xã Tân Lập');
  t.equal(server.signaling.participantCount(meetingId), 1);
});
