/**
 * The cascade with real browsers and two processes: node A (this process) serves the meeting, node B
 * (a child process running main.ts) announces district d1. A d1 commune's page opens A's join link;
 * its signaling stays on A and its WebRTC goes to B's port. It sees and hears the chair (whose media
 * is on A), the chair's grid shows it, and when B's process is killed, the page joins again by itself
 * with its media on A, and the meeting goes on.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId, NodeId } from '../../protocol/ids.js';
import { RemotePeer } from '../../sfu/cascade/remote-peer.js';
import { Peer } from '../../sfu/peer.js';
import { assertClientBuilt, launchChromium, openJoinPage, remoteTileStats, settledState } from '../helpers/browser.js';
import { testClusterConfig, testSchedulerConfig } from '../helpers/config.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startNode } from '../helpers/program.js';
import { startRedis } from '../helpers/redis.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const redis = await startRedis(t);
const scheduler = testSchedulerConfig({ redisUrl: redis.url, redisPrefix: 'cascade-e2e' });
const quick = { heartbeatMs: 300, timeoutMs: 1200 };
const a = await startServer(t, { scheduler, cluster: testClusterConfig(quick) });
const bId = 'node-b-d1' as NodeId;
const b = startNode(t, redis.url, 'cascade-e2e', {
  NODE_ID: bId,
  NODE_UNITS: 'd1',
  NODE_HEARTBEAT_MS: String(quick.heartbeatMs),
  NODE_TIMEOUT_MS: String(quick.timeoutMs),
});
await b.url;
await waitFor(() => a.registry.isLive(bId) || undefined, { timeout: 10_000, what: 'node A to see node B' });
const bRtcPort = (await a.registry.nodeInfo(bId))!.rtcPort;
await seedProvince(a.store, { districts: 2, communes: 2 });
const browser = await launchChromium();
t.teardown(() => browser.close());

const meetingId = 'hop-lien-cap';
const token = (sub: string, name: string, unitId: string, role: JoinClaims['role'] = 'site') => a.signToken({ meetingId, sub, role, name, unitId });
const room = () => a.sfu.existingRoom(meetingId as MeetingId)!;
const selfId = (page: Page) => page.evaluate(() => window.diemcau.self?.id ?? '');

/** Waits until the page decodes `who`'s video and receives its audio, both growing; returns the counts. */
async function seesAndHears(page: Page, who: string, what: string): Promise<{ frames: number; packets: number }> {
  const tile = async () => (await remoteTileStats(page)).find((s) => s.participantId === who);
  const first = await waitFor(async () => {
    const s = await tile();
    return s && s.framesDecoded > 0 && s.audioPacketsReceived > 0 ? s : undefined;
  }, { timeout: 30_000, interval: 250, what: `${what}: first frames and audio` });
  return waitFor(async () => {
    const s = await tile();
    return s && s.framesDecoded > first.framesDecoded && s.audioPacketsReceived > first.audioPacketsReceived
      ? { frames: s.framesDecoded, packets: s.audioPacketsReceived }
      : undefined;
  }, { timeout: 15_000, interval: 250, what: `${what}: more frames and audio` });
}

/** The remote port of each of the page's transports' selected ICE pair (null while not connected). Declares no named function (see remoteTileStats). */
function remotePorts(page: Page): Promise<{ send: number | null; recv: number | null }> {
  return page.evaluate(async () => {
    const ports: Record<string, number | null> = { send: null, recv: null };
    for (const direction of ['send', 'recv'] as const) {
      const pc = window.diemcau.pcs[direction];
      if (!pc) continue;
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((x) => x['type'] === 'transport');
      const pair = stats.find((x) => x['id'] === transport?.['selectedCandidatePairId']);
      const remote = stats.find((x) => x['id'] === pair?.['remoteCandidateId']);
      ports[direction] = typeof remote?.['port'] === 'number' ? remote['port'] : null;
    }
    return { send: ports['send'] ?? null, recv: ports['recv'] ?? null };
  });
}

t.test('a d1 site’s browser sends and receives through node B, and sees and hears the chair on A', async (t) => {
  const chair = await openJoinPage(browser, a.joinUrl(token('hall-province', 'UBND tỉnh', 'province', 'chair')));
  t.teardown(() => chair.context.close());
  t.equal(await settledState(chair.page), 'joined', `the chair joins ${chair.errors.join('; ')}`);
  const chairId = await selfId(chair.page);

  const site = await openJoinPage(browser, a.joinUrl(token('hall-d1-c1', 'Xã 1 Huyện 1', 'd1-c1')));
  t.teardown(() => site.context.close());
  t.equal(await settledState(site.page), 'joined', `the d1 site joins ${site.errors.join('; ')}`);
  const siteId = await selfId(site.page);
  const member = room().member(siteId as never);
  t.ok(member instanceof RemotePeer && member.node === bId, "the site's media is placed on node B");
  const ports = await waitFor(async () => {
    const found = await remotePorts(site.page);
    return found.send !== null && found.recv !== null ? found : undefined;
  }, { timeout: 20_000, interval: 250, what: "the page's transports to connect" });
  t.same(ports, { send: bRtcPort, recv: bRtcPort }, `the page sends and receives through node B's media port (${bRtcPort})`);

  const heard = await seesAndHears(site.page, chairId, "the site decoding the chair");
  t.pass(`the d1 site sees and hears the chair from node A (${heard.frames} frames, ${heard.packets} audio packets)`);
  const tile = await waitFor(async () => {
    const s = (await remoteTileStats(chair.page)).find((x) => x.participantId === siteId);
    return s && s.framesDecoded > 0 ? s : undefined;
  }, { timeout: 30_000, interval: 250, what: "the chair's grid to show the d1 site" });
  t.ok(tile.framesDecoded > 0, `the chair's grid decodes the d1 site's camera, sent from node B (${tile.framesDecoded} frames)`);
  t.ok(room().links!.importedFrom(bId).length > 0, 'node A imports what it watches from B');

  const before = a.signaling.participantCount(meetingId);
  b.child.kill('SIGKILL');
  await b.exited;
  await waitFor(async () => {
    const id = await selfId(site.page);
    return id && id !== siteId && room().peer(id as never) instanceof Peer ? id : undefined;
  }, { timeout: 30_000, interval: 250, what: 'the site page to join again with its media on node A' });
  t.pass("node B's process was killed: the site page joined again by itself, its media now on node A");
  t.notOk(a.registry.isLive(bId), 'node A counts B gone');
  t.equal(a.signaling.participantCount(meetingId), before, 'the meeting has the chair and the site, as before');
  t.equal(await settledState(site.page), 'joined');
  const again = await seesAndHears(site.page, chairId, 'the site decoding the chair again');
  t.pass(`and sees and hears the chair again (${again.frames} frames, ${again.packets} audio packets)`);
});
