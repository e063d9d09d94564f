/**
 * Failover: two `npm start` programs on one Redis (short heartbeats). A meeting lives on node A, a
 * chair page and a site page (Chromium) joined there, the site decoding the chair. Node A is killed
 * (SIGKILL): B counts it gone within 10 s, both pages reconnect to B by themselves, join again, and
 * the site decodes the chair's video again. And a MOVED naming a node that does not answer (a
 * crashed node whose claim has not expired yet) does not trap a page: it keeps trying and joins
 * once the claim is free.
 */
import { createServer, type Server } from 'node:net';
import t from 'tap';
import type { Page } from 'playwright-core';
import { joinUrl, signJoinToken } from '../../lib/join-token.js';
import type { JoinClaims } from '../../protocol/claims.js';
import type { MeetingId, NodeId } from '../../protocol/ids.js';
import { createKeys } from '../../store/keys.js';
import { NodeStore } from '../../store/nodes.js';
import { connectRedis } from '../../store/redis.js';
import { assertClientBuilt, launchChromium, openJoinPage, remoteTileStats, settledState, type JoinPage } from '../helpers/browser.js';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { startNode } from '../helpers/program.js';
import { startRedis } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const redis = await startRedis(t);
const prefix = 'failover';
const HEARTBEAT_MS = 500;
const TIMEOUT_MS = 4000;

interface Health {
  status: string;
  node: { id: string; peers: number; participants: number };
}

async function run(nodeId: string) {
  const node = startNode(t, redis.url, prefix, { NODE_ID: nodeId, NODE_HEARTBEAT_MS: String(HEARTBEAT_MS), NODE_TIMEOUT_MS: String(TIMEOUT_MS) });
  return { ...node, url: await node.url, id: nodeId };
}

const health = async (url: string) => (await (await fetch(`${url}/healthz`)).json()) as Health;
const token = (claims: JoinClaims) => signJoinToken(TEST_JWT_SECRET, claims, { expiresAt: Math.floor(Date.now() / 1000) + 3600 });

const [a, b] = await Promise.all([run('node-a'), run('node-b')]);
await Promise.all(
  [a, b].map((node) => waitFor(async () => (await health(node.url)).node.peers === 2, { timeout: 15_000, what: `${node.id} to count 2 nodes` })),
);

const browser = await launchChromium();
t.teardown(() => browser.close());

/** What a page says of its connection. */
const pageConnection = (page: Page) =>
  page.evaluate(() => ({ state: window.diemcau.state, node: window.diemcau.node, rejoins: window.diemcau.rejoins, moves: window.diemcau.moves, self: window.diemcau.self?.id ?? null }));

/** Video frames the page decoded of `participantId`, throwing (not yet) until it has some. */
async function framesOf(page: Page, participantId: string): Promise<number> {
  const tile = (await remoteTileStats(page)).find((s) => s.participantId === participantId);
  if (!tile || tile.framesDecoded === 0) throw new Error(`no decoded video of ${participantId} yet`);
  return tile.framesDecoded;
}

async function open(url: string, claims: JoinClaims): Promise<JoinPage> {
  const opened = await openJoinPage(browser, joinUrl(url, token(claims)));
  t.teardown(() => opened.context.close());
  return opened;
}

t.test('the pages of a killed node rejoin on the other node and the site decodes the chair again', async (t) => {
  const meetingId = 'failover-meeting';
  const chair = await open(a.url, { sub: 'ubnd-tinh', meetingId, role: 'chair', name: 'UBND tỉnh' });
  t.equal(await settledState(chair.page), 'joined', `the chair joins on A ${chair.errors.join('; ')}`);
  const site = await open(a.url, { sub: 'xa-tan-lap', meetingId, role: 'site', name: 'Xã Tân Lập' });
  t.equal(await settledState(site.page), 'joined', `the site joins on A ${site.errors.join('; ')}`);

  const before = await Promise.all([chair, site].map((p) => pageConnection(p.page)));
  t.same(
    before.map((c) => c.node),
    [a.url, a.url],
    'both pages are connected to node A',
  );
  const chairBefore = before[0]?.self ?? '';
  await waitFor(() => framesOf(site.page, chairBefore), { timeout: 30_000, what: 'the site to decode the chair on A' });
  t.equal((await health(a.url)).node.participants, 2, "A's /healthz counts the two participants");

  const killedAt = Date.now();
  a.child.kill('SIGKILL');
  await a.exited;

  const [goneAfter, rejoined] = await Promise.all([
    waitFor(async () => ((await health(b.url)).node.peers === 1 ? Date.now() - killedAt : undefined), {
      timeout: 15_000,
      interval: 100,
      what: 'B to count A gone',
    }),
    Promise.all(
      [chair, site].map((p) =>
        waitFor(
          async () => {
            const c = await pageConnection(p.page);
            return c.state === 'joined' && c.node === b.url && c.self !== null && c.self !== before[0]?.self && c.self !== before[1]?.self ? c : undefined;
          },
          { timeout: 60_000, interval: 200, what: 'the page to rejoin on B' },
        ),
      ),
    ),
  ]);
  t.ok(goneAfter < 10_000, `B counts A gone ${goneAfter} ms after the kill`);
  t.match(b.output(), /removed a node that stopped heartbeating/, 'B removed A from the registry (it says so)');
  const client = await connectRedis(redis.url);
  t.teardown(() => client.close());
  t.same(await client.zRange(createKeys(prefix).nodes(), 0, -1), [b.id], 'only B is registered');

  t.same(
    rejoined.map((c) => [c.node, c.rejoins]),
    [
      [b.url, 1],
      [b.url, 1],
    ],
    'both pages reconnected to B on their own and joined again, once',
  );
  t.comment(`rejoined ${Date.now() - killedAt} ms after the kill; MOVED answers on the way: ${rejoined.map((c) => c.moves).join(', ')}`);

  // The chair is a new participant on B; the site decodes its video on its new receive transport.
  const chairAfter = rejoined[0]?.self ?? '';
  const first = await waitFor(() => framesOf(site.page, chairAfter), { timeout: 30_000, what: "the site to decode the chair's video on B" });
  const later = await waitFor(async () => {
    const frames = await framesOf(site.page, chairAfter);
    return frames > first + 10 ? frames : undefined;
  }, { timeout: 15_000, what: 'more decoded frames' });
  t.ok(later > first, `the site keeps decoding the chair after the failover (${first} → ${later} frames)`);

  const h = await health(b.url);
  t.same([h.node.id, h.node.participants], [b.id, 2], "B's /healthz counts both participants");
  t.same([...chair.errors, ...site.errors].filter((e) => e.startsWith('pageerror')), [], 'no uncaught page errors');
});

/** A TCP port that takes connections and drops them at once: a node that does not answer. */
async function deadPort(): Promise<number> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

t.test('a MOVED naming a node that does not answer does not trap the page: it joins once the claim expires', async (t) => {
  const meetingId = 'failover-ghost' as MeetingId;
  const ghost = 'ghost' as NodeId;
  const client = await connectRedis(redis.url);
  t.teardown(() => client.close());
  const nodes = new NodeStore(client, createKeys(prefix));
  const announcement = {
    url: `http://127.0.0.1:${await deadPort()}`,
    rtcAddress: '127.0.0.1',
    rtcPort: 0,
    workers: 1,
    units: [],
    startedAt: new Date().toISOString(),
    load: { rooms: 1, participants: 1, consumers: 0, liveWorkers: 1 },
  };
  // The ghost heartbeats like a node and holds the meeting, until it "crashes" (stops heartbeating).
  await nodes.heartbeat(ghost, announcement, TIMEOUT_MS);
  const beating = setInterval(() => void nodes.heartbeat(ghost, announcement, TIMEOUT_MS).catch(() => {}), HEARTBEAT_MS);
  t.teardown(() => clearInterval(beating));
  t.equal(await nodes.claimMeeting(meetingId, ghost, TIMEOUT_MS), ghost, 'the ghost holds the meeting');

  const site = await open(b.url, { sub: 'xa-tan-lap', meetingId, role: 'site', name: 'Xã Tân Lập' });
  // Sent to the ghost, which does not answer, then back to B and sent again: not stuck at the ghost.
  const waiting = await waitFor(async () => {
    const c = await pageConnection(site.page);
    return c.moves >= 2 ? c : undefined;
  }, { timeout: 30_000, interval: 100, what: 'the page to be sent to the ghost twice' });
  t.equal(waiting.state, 'connecting', 'the page is still looking for the meeting');
  t.equal(await nodes.ownerOf(meetingId, TIMEOUT_MS), ghost, 'while the ghost holds it');

  clearInterval(beating);
  const stoppedAt = Date.now();
  const joined = await waitFor(async () => {
    const c = await pageConnection(site.page);
    return c.state === 'joined' ? c : undefined;
  }, { timeout: 30_000, interval: 100, what: 'the page to join once the claim expires' });
  t.equal(joined.node, b.url, 'the page joined on B');
  t.equal(await nodes.ownerOf(meetingId, TIMEOUT_MS), 'node-b', 'which took the meeting over');
  t.comment(`joined ${Date.now() - stoppedAt} ms after the ghost stopped; ${joined.moves} MOVED answers`);
});
