/**
 * Three Chromium pages join one meeting through the real client and server, under the conference
 * media policy: the chair decodes both sites (its grid), each site decodes and hears the chair (the
 * main video) but not the other site, and the sites' microphones are held on the server; a page
 * that goes away loses its tile elsewhere.
 */
import t from 'tap';
import type { Role } from '../../protocol/claims.js';
import type { MeetingId } from '../../protocol/ids.js';
import {
  assertClientBuilt,
  launchChromium,
  openJoinPage,
  remoteTileStats,
  settledState,
  type JoinPage,
  type RemoteTileStats,
} from '../helpers/browser.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const server = await startServer(t);
const browser = await launchChromium();
t.teardown(() => browser.close());

const meetingId = 'hop-ubnd-tinh-e2e';
const sites: { sub: string; role: Role; name: string }[] = [
  { sub: 'ubnd-tinh', role: 'chair', name: 'UBND tỉnh' },
  { sub: 'xa-tan-lap', role: 'site', name: 'Xã Tân Lập' },
  { sub: 'phuong-hung-vuong', role: 'site', name: 'Phường Hùng Vương' },
];

interface Joined extends JoinPage {
  name: string;
  participantId: string;
}

// All three at once, as sites do when a meeting opens.
const joined: Joined[] = await Promise.all(
  sites.map(async (site) => {
    const opened = await openJoinPage(browser, server.joinUrl(server.signToken({ meetingId, ...site })));
    const state = await settledState(opened.page);
    if (state !== 'joined') throw new Error(`${site.name}: page state ${state}; ${opened.errors.join('; ')}`);
    const participantId = await opened.page.evaluate(() => window.diemcau.self?.id ?? '');
    return { ...opened, name: site.name, participantId };
  }),
);
t.teardown(() => Promise.all(joined.map((j) => j.context.close())));

const others = (me: Joined) => joined.filter((j) => j !== me);

/** Stats of the tiles of `me`'s page, checked against the two other participants; throws what is missing. */
async function tilesOf(me: Joined): Promise<RemoteTileStats[]> {
  const stats = await remoteTileStats(me.page);
  for (const other of others(me)) {
    if (!stats.some((s) => s.participantId === other.participantId)) throw new Error(`${me.name}: no tile for ${other.name}`);
  }
  return stats;
}

t.test('the server counts three participants and each page shows who it is', async (t) => {
  t.equal(server.signaling.participantCount(meetingId), 3);
  for (const me of joined) {
    const header = await me.page.evaluate(() => ({
      meeting: document.querySelector('#meeting-id')?.textContent,
      name: document.querySelector('#self-name')?.textContent,
    }));
    t.same(header, { meeting: meetingId, name: me.name }, `${me.name}: header`);
  }
});

/** The remote participants whose video `me` must decode: the chair's grid holds both sites; a site sees the chair. */
const watched = (me: Joined) => (me === joined[0] ? others(me) : [joined[0]!]);

t.test('the chair decodes both sites, each site decodes the chair', async (t) => {
  await Promise.all(
    joined.map(async (me) => {
      const expected = watched(me);
      const stats = await waitFor(
        async () => {
          const tiles = (await tilesOf(me)).filter((s) => expected.some((o) => o.participantId === s.participantId));
          const lacking = tiles.filter((s) => s.framesDecoded === 0 || s.videoWidth === 0);
          if (lacking.length > 0) throw new Error(`${me.name}: no video yet from ${JSON.stringify(lacking)}`);
          return tiles;
        },
        { timeout: 20_000, interval: 200, what: `${me.name} to decode ${expected.map((o) => o.name).join(', ')}` },
      );
      for (const s of stats) {
        t.ok(s.framesDecoded > 0, `${me.name} decodes frames from ${s.name} (${s.framesDecoded})`);
        t.ok(s.videoWidth > 0, `${me.name} shows ${s.name} at ${s.videoWidth} px wide`);
      }
    }),
  );
  const room = server.sfu.existingRoom(meetingId as MeetingId)!;
  const [, a, b] = joined as [Joined, Joined, Joined];
  const consumesFrom = (me: Joined, other: Joined) =>
    room.peer(me.participantId as never)!.consumers.some((c) => (c.appData as { peerId: string }).peerId === other.participantId);
  t.notOk(consumesFrom(a, b) || consumesFrom(b, a), 'a site receives nothing of the other site');
});

t.test("the sites keep receiving the chair's audio; their own microphones are held on the server", async (t) => {
  const chair = joined[0]!;
  await Promise.all(
    others(chair).map(async (me) => {
      const audio = async () => (await tilesOf(me)).find((s) => s.participantId === chair.participantId)?.audioPacketsReceived ?? 0;
      const before = await waitFor(audio, { timeout: 15_000, what: `${me.name} to receive the chair's audio` });
      await waitFor(async () => (await audio()) > before, { timeout: 10_000, what: `${me.name}'s audio packet count to grow` });
      t.pass(`${me.name} receives the chair's audio`);
    }),
  );
  const room = server.sfu.existingRoom(meetingId as MeetingId)!;
  for (const site of others(chair)) {
    const mic = room.peer(site.participantId as never)!.producers.find((p) => p.kind === 'audio');
    t.ok(mic?.paused, `${site.name}: the microphone is paused on the server`);
    t.notOk(
      room.peers.some((peer) => peer.consumers.some((c) => c.producerId === mic?.id)),
      `${site.name}: nobody receives its microphone`,
    );
  }
});

t.test('the active speaker is announced and highlighted', async (t) => {
  // Chromium's fake microphone beeps: the server's active-speaker observer picks somebody.
  await Promise.all(
    joined.map((me) => me.page.waitForFunction(() => document.querySelector('.tile.speaking, #self-tile.speaking') !== null, null, { timeout: 15_000 })),
  );
  t.pass('every page highlights a speaker');
});

t.test('join time: first remote frame after socket connect', async (t) => {
  for (const me of joined) {
    const metrics = await me.page.evaluate(() => window.diemcau.metrics);
    const { socketConnectedAt, firstRemoteFrameAt } = metrics;
    t.ok(socketConnectedAt !== null && firstRemoteFrameAt !== null, `${me.name}: both marks recorded`);
    if (socketConnectedAt === null || firstRemoteFrameAt === null) continue;
    const ms = firstRemoteFrameAt - socketConnectedAt;
    t.ok(ms > 0, `${me.name}: first frame comes after the connection`);
    t.comment(`join time ${me.name}: ${Math.round(ms)} ms`);
  }
});

t.test('muting the microphone shows on the other pages', async (t) => {
  const [chair, site] = joined as [Joined, Joined, Joined];
  const tileFlag = (flag: string) =>
    site.page.evaluate(
      ([id, cls]) => document.querySelector(`.tile[data-participant-id="${id}"]`)?.classList.contains(cls ?? '') ?? null,
      [chair.participantId, flag] as const,
    );
  await chair.page.click('#mic-toggle');
  t.ok(await waitFor(() => tileFlag('no-audio'), { timeout: 15_000, what: 'the mute to reach another page' }), 'muted');
  // The chair's page marks its button once the server acks the pause; the other page may hear of it first.
  await chair.page.waitForFunction(() => document.querySelector('#mic-toggle')?.getAttribute('aria-pressed') === 'true', null, { timeout: 15_000 });
  t.equal(await chair.page.getAttribute('#mic-toggle', 'aria-pressed'), 'true');
  await chair.page.click('#mic-toggle');
  t.ok(await waitFor(async () => (await tileFlag('no-audio')) === false, { timeout: 15_000, what: 'the unmute' }), 'unmuted');
});

// Closing the page closes its socket: the server hears at once, long before a ping timeout (10 s or more).
// The limit leaves room for pages that a loaded CI machine renders slowly.
t.test('a page that closes loses its tile on the other two within 10 s', async (t) => {
  const gone = joined[2] as Joined;
  const remaining = joined.slice(0, 2);
  await gone.context.close();
  await Promise.all(
    remaining.map((me) =>
      me.page.waitForFunction((id) => !document.querySelector(`.tile[data-participant-id="${id}"]`), gone.participantId, {
        timeout: 10_000,
      }),
    ),
  );
  for (const me of remaining) {
    const names = (await remoteTileStats(me.page)).map((s) => s.name);
    t.same(names, others(me).filter((o) => o !== gone).map((o) => o.name), `${me.name} keeps only the remaining site`);
  }
  t.equal(server.signaling.participantCount(meetingId), 2);
});

t.test('Leave ends the meeting for that page and removes it elsewhere', async (t) => {
  const [stays, leaves] = joined as [Joined, Joined, Joined];
  await leaves.page.click('#leave');
  await leaves.page.waitForFunction(() => window.diemcau.state === 'left', null, { timeout: 15_000 });
  await stays.page.waitForFunction((id) => !document.querySelector(`.tile[data-participant-id="${id}"]`), leaves.participantId, {
    timeout: 15_000,
  });
  t.equal(server.signaling.participantCount(meetingId), 1);
  t.equal(await leaves.page.locator('#notice').isVisible(), true, 'the page says it has left');
  t.same(leaves.errors.filter((e) => e.startsWith('pageerror')), [], 'no uncaught errors on the page that left');
});
