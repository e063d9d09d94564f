/**
 * The cluster's join redirect in a real browser: two nodes share one Redis; the chair's page joins on
 * node A; a site's page opens node B's join link for the same meeting, is refused with MOVED, follows
 * it to A's origin (the page itself stays on B's), joins there and decodes the chair. A redirect that
 * leads to a second MOVED (a node whose PUBLIC_URL names another node) is not followed again.
 */
import t, { type Test } from 'tap';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId } from '../../protocol/ids.js';
import { assertClientBuilt, launchChromium, openJoinPage, remoteTileStats, settledState, type JoinPage } from '../helpers/browser.js';
import { testSchedulerConfig } from '../helpers/config.js';
import { startRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server.js';
import { connectSocket, connected } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const redis = await startRedis(t);
const scheduler = testSchedulerConfig({ redisUrl: redis.url, redisPrefix: 'cluster-redirect-e2e' });
const a = await startServer(t, { scheduler });
const b = await startServer(t, { scheduler });
await waitFor(() => a.registry.liveCount === 2 && b.registry.liveCount === 2, { timeout: 10_000, what: 'both nodes to see each other' });
const browser = await launchChromium();
t.teardown(() => browser.close());

const origin = (url: string) => new URL(url).origin;

/** Opens a join link, noting the URL of every WebSocket the page opens (the client uses WebSocket only). */
async function openRecording(t: Test, url: string): Promise<JoinPage & { sockets: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(url);
  t.teardown(() => context.close());
  return { context, page, errors, sockets };
}

const wsOrigin = (url: string) => origin(url.replace(/^ws/, 'http'));

t.test('a site opening node B’s link joins on node A, where the meeting is, and decodes the chair', async (t) => {
  const meetingId = 'hop-chuyen-node';
  const chairClaims: JoinClaims = { meetingId, sub: 'ubnd-tinh', role: 'chair', name: 'UBND tỉnh' };
  const chair = await openJoinPage(browser, a.joinUrl(a.signToken(chairClaims)));
  t.teardown(() => chair.context.close());
  t.equal(await settledState(chair.page), 'joined', `the chair joins on A ${chair.errors.join('; ')}`);
  const chairId = await chair.page.evaluate(() => window.diemcau.self?.id ?? '');
  t.equal(await a.registry.ownerOf(meetingId as MeetingId), a.registry.id, 'node A serves the meeting');

  const site = await openRecording(t, b.joinUrl(b.signToken({ meetingId, sub: 'xa-tan-lap', role: 'site', name: 'Xã Tân Lập' })));
  t.equal(await settledState(site.page), 'joined', `the site's page joins ${site.errors.join('; ')}`);
  t.equal(origin(site.page.url()), origin(b.url), "the page is still node B's");
  t.same(site.sockets.map(wsOrigin), [origin(b.url), origin(a.url)], 'one socket to B (refused with MOVED), then one to A');
  t.equal(a.signaling.participantCount(meetingId), 2, 'node A counts the chair and the site');
  t.equal(b.signaling.participantCount(meetingId), 0, 'node B counts nobody');
  t.equal(await site.page.evaluate(() => window.diemcau.participants.map((p) => p.name).join()), 'UBND tỉnh', 'the site sees the chair in the meeting');

  const chairTile = await waitFor(
    async () => {
      const tile = (await remoteTileStats(site.page)).find((s) => s.participantId === chairId);
      return tile && tile.framesDecoded > 0 && tile.videoWidth > 0 ? tile : undefined;
    },
    { timeout: 20_000, interval: 200, what: "the site to decode the chair's video" },
  );
  const decoded = async () => (await remoteTileStats(site.page)).find((s) => s.participantId === chairId)?.framesDecoded ?? 0;
  const later = await waitFor(async () => ((await decoded()) > chairTile.framesDecoded ? decoded() : undefined), {
    timeout: 10_000,
    interval: 200,
    what: "the site's count of the chair's decoded frames to grow",
  });
  t.ok(later > chairTile.framesDecoded, `the site keeps decoding the chair's video through node A (${later} frames, ${chairTile.videoWidth} px)`);
  const metrics = await site.page.evaluate(() => window.diemcau.metrics);
  t.ok(metrics.firstRemoteFrameAt !== null && metrics.socketConnectedAt !== null, 'the page noted its first remote frame');
  t.ok(metrics.firstRemoteFrameAt! >= metrics.socketConnectedAt!, `socket connected on A → first remote frame ${Math.round(metrics.firstRemoteFrameAt! - metrics.socketConnectedAt!)} ms`);
});

t.test('a second MOVED after the redirect is shown, not followed', async (t) => {
  // Node C is misconfigured: its PUBLIC_URL is A's. A meeting C serves sends B's joins to A, and A's to A again.
  const c = await startServer(t, { scheduler, publicUrl: a.url });
  await waitFor(() => a.registry.liveCount === 3 && b.registry.liveCount === 3, { timeout: 10_000, what: 'A and B to see node C' });
  const meetingId = 'hop-vong-lap';
  const cAddress = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
  // A socket holds the meeting's claim from its handshake on.
  await connected(connectSocket(t, cAddress, c.signToken({ meetingId, sub: 'ubnd-tinh', role: 'chair', name: 'UBND tỉnh' })));
  t.equal(await a.registry.ownerOf(meetingId as MeetingId), c.registry.id, 'node C serves the meeting');

  const site = await openRecording(t, b.joinUrl(b.signToken({ meetingId, sub: 'xa-tan-lap', role: 'site', name: 'Xã Tân Lập' })));
  t.equal(await settledState(site.page), 'refused', 'the page gives up');
  t.same(site.sockets.map(wsOrigin), [origin(b.url), origin(a.url)], 'after one socket to B and one to A, no more');
  t.equal(await errorKey(site.page), 'closed.otherNode', 'and says the meeting is on a server it could not reach');
  t.equal(a.signaling.participantCount(meetingId) + b.signaling.participantCount(meetingId), 0, 'neither A nor B let it in');
});

/** The message key of the page's error banner, if it shows one. */
function errorKey(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const banner = document.querySelector<HTMLElement>('#error');
    return banner && !banner.hidden ? (document.querySelector<HTMLElement>('#error-message')?.dataset['i18n'] ?? null) : null;
  });
}
