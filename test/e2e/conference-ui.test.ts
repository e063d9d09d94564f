/**
 * The conference UI in Chromium, on a meeting scheduled through the API: three sites wait in the
 * waiting room; the chair's console shows them on the roll call and opens the meeting; a site
 * requests the floor with its button, the chair grants it from the queue; then the other sites decode
 * and hear that site while a non-floor site's microphone reaches nobody; a site reports "no sound" to
 * the chair by message; the roll call is called and confirmed with a headcount; "mute all" stops the
 * floor holder's sound; "end meeting" disconnects everyone. Screenshots at 1366×768 go to
 * .tap/screenshots/.
 */
import t, { type Test } from 'tap';
import type { RollCall } from '../../protocol/conference.js';
import type { MeetingId, ParticipantId } from '../../protocol/ids.js';
import {
  assertClientBuilt,
  launchChromium,
  openJoinPage,
  remoteTileStats,
  screenshot,
  settledState,
  type JoinPage,
} from '../helpers/browser.js';
import { seedProvince } from '../helpers/fixtures.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { adminApi } from '../helpers/admin-api.js';

assertClientBuilt();
const server = await startServer(t);
await seedProvince(server.store);
const api = await adminApi(server);
const title = 'Giao ban trực tuyến tháng 12';
const meetingId = await api.schedule({ title, siteHallIds: ['hall-d1', 'hall-d1-c1', 'hall-d2'] });
const tokens = await api.tokens(meetingId);
const browser = await launchChromium();
t.teardown(() => browser.close());

interface Opened extends JoinPage {
  key: string;
  id: ParticipantId;
}

async function open(key: string): Promise<Opened> {
  const token = tokens.get(key);
  if (!token) throw new Error(`no invitation ${key}`);
  const opened = await openJoinPage(browser, server.joinUrl(token));
  t.teardown(() => opened.context.close());
  await settledState(opened.page);
  const id = (await opened.page.evaluate(() => window.diemcau.self?.id ?? '')) as ParticipantId;
  return { ...opened, key, id };
}

const room = () => server.sfu.existingRoom(meetingId as MeetingId);
const rollEntry = (view: RollCall | null, key: string) => view?.entries.find((e) => e.key === key);

// Sites arrive before the chair, as halls do in the morning.
const [a, b, c] = await Promise.all([open('h-hall-d1'), open('h-hall-d1-c1'), open('h-hall-d2')]) as [Opened, Opened, Opened];
const sites = [a, b, c];
// The chair comes in: it sees the console, the sites stay in the waiting room until it opens the meeting.
const chair = await open('p-off-province');

t.test('sites wait in the waiting room with the meeting title and start', async (t) => {
  for (const s of sites) {
    const seen = await s.page.evaluate(() => ({
      state: window.diemcau.state,
      visible: !(document.querySelector<HTMLElement>('#waiting-room')?.hidden ?? true),
      title: document.querySelector('#waiting-title')?.textContent ?? '',
      start: document.querySelector('#waiting-start')?.textContent ?? '',
    }));
    t.match(seen, { state: 'waiting', visible: true, title }, `${s.key}: waiting room`);
    t.match(seen.start, /Bắt đầu lúc/, `${s.key}: shows the start time`);
  }
  await screenshot(a.page, 'waiting-room');
});

t.test("the chair's console lists the waiting sites on the roll call, then opens the meeting", async (t) => {
  t.equal(await chair.page.evaluate(() => window.diemcau.view), 'console');
  await chair.page.click('#tab-roll-call');
  await chair.page.waitForFunction(
    () => ['h-hall-d1', 'h-hall-d1-c1', 'h-hall-d2'].every((k) => document.querySelector(`#roll-call [data-key="${k}"]`)?.getAttribute('data-state') === 'connected'),
    null,
    { timeout: 15_000 },
  );
  const absent = await chair.page.getAttribute('#roll-call [data-key="h-hall-province"]', 'data-state');
  t.equal(absent, 'absent', 'the host hall has not connected');
  const totals = await chair.page.textContent('#roll-call-totals');
  t.match(totals, /4\/5 điểm cầu đã kết nối/, `overall totals (${totals})`);
  t.ok(await chair.page.isVisible('#open-meeting'), 'the chair may open the meeting');

  await chair.page.click('#open-meeting');
  await Promise.all(sites.map((s) => s.page.waitForFunction(() => window.diemcau.state === 'joined', null, { timeout: 15_000 })));
  t.pass('every site is in the meeting');
  // Each site publishes its camera: the roll call says video.
  await chair.page.waitForFunction(
    () => ['h-hall-d1', 'h-hall-d1-c1', 'h-hall-d2'].every((k) => window.diemcau.rollCall?.entries.find((e) => e.key === k)?.state === 'video'),
    null,
    { timeout: 15_000 },
  );
  t.pass('the roll call shows video from every site');
  await screenshot(chair.page, 'chair-roll-call');
});

t.test('a site requests the floor in the UI and the chair grants it from the queue', async (t) => {
  await a.page.click('#request-floor');
  await a.page.fill('#floor-subject', 'Báo cáo tình hình lũ');
  // The meeting's agenda is a list: the second item.
  await a.page.selectOption('#floor-agenda', '1');
  await a.page.click('#floor-submit');
  await a.page.waitForFunction(() => window.diemcau.queuePosition === 1, null, { timeout: 15_000 });
  t.match(await a.page.textContent('#queue-position'), /thứ 1\/1/, 'the site sees its queue position');

  await chair.page.click('#tab-queue');
  const entry = `#queue [data-participant-id="${a.id}"]`;
  await chair.page.waitForSelector(entry, { timeout: 15_000 });
  t.match(await chair.page.textContent(entry), /Báo cáo tình hình lũ/, 'the queue shows the subject');
  t.match(await chair.page.textContent(entry), /2\. Phòng chống thiên tai/, 'and the agenda item, by its title');
  await chair.page.click(`${entry} [data-action="grant"]`);
  await Promise.all([chair, ...sites].map((p) => p.page.waitForFunction((id) => window.diemcau.floor?.participantId === id, a.id, { timeout: 15_000 })));
  t.pass('everyone sees the floor holder');
  // The floor shows in the conference state at once; 'muted' follows once the worker has resumed the microphone.
  await a.page.waitForFunction(() => window.diemcau.muted === false, null, { timeout: 15_000 });
  t.equal(await a.page.evaluate(() => window.diemcau.muted), false, "the floor holder's microphone is let go");
});

/** A page's counters for one remote participant: decoded frames and received audio packets. */
async function from(page: Opened, other: Opened) {
  const stats = await remoteTileStats(page.page);
  return stats.find((s) => s.participantId === other.id) ?? { framesDecoded: 0, audioPacketsReceived: 0, videoWidth: 0 };
}

t.test("the other sites decode the floor holder's video and receive its audio; a non-floor site is heard by nobody", async (t) => {
  for (const me of [b, c, chair]) {
    const before = await from(me, a);
    const after = await waitFor(
      async () => {
        const now = await from(me, a);
        if (now.audioPacketsReceived > before.audioPacketsReceived + 20 && (me === chair || now.framesDecoded > before.framesDecoded)) return now;
        throw new Error(`frames ${now.framesDecoded} (before ${before.framesDecoded}), audio ${now.audioPacketsReceived} (before ${before.audioPacketsReceived})`);
      },
      { timeout: 15_000, interval: 250, what: `${me.key} to receive the floor holder` },
    );
    if (me !== chair) t.ok(after.videoWidth > 0, `${me.key} shows the floor holder's video (${after.videoWidth} px)`);
    t.ok(after.audioPacketsReceived > before.audioPacketsReceived, `${me.key} receives the floor holder's audio (${after.audioPacketsReceived} packets)`);
  }
  const bMic = room()?.peer(b.id)?.producers.find((p) => p.kind === 'audio');
  t.ok(bMic, 'the non-floor site publishes a microphone');
  t.ok(bMic?.paused, 'held on the server');
  t.notOk(room()?.peers.some((peer) => peer.consumers.some((consumer) => consumer.producerId === bMic?.id)), 'nobody consumes it');
  for (const me of [a, c, chair]) t.equal((await from(me, b)).audioPacketsReceived, 0, `${me.key} receives no audio from the non-floor site`);
  await screenshot(c.page, 'conference-view');
  await screenshot(chair.page, 'chair-console');
});

t.test('a site on a link too weak for video is told, gets audio only, and its video back when the link recovers', async (t) => {
  const peer = room()?.peer(c.id);
  t.ok(peer, "the site's peer on the server");
  // Bandwidth estimates as its receive transport's bwe trace would report them, one a second, on
  // the guard's clock (performance.now()): the real trace keeps reporting meanwhile, on that clock.
  const t0 = Math.floor(performance.now()); // whole ms: t0 + 4000 - t0 is exactly 4000
  for (let s = 0; s < 5; s++) peer?.linkEstimate(50_000, t0 + s * 1000);
  // The link stays weak while we watch. The real trace's estimates of a link now carrying audio only
  // can be high, and 8 s of them would bring video back before the checks below on a slow machine.
  const weak = setInterval(() => peer?.linkEstimate(50_000), 250);
  t.teardown(() => clearInterval(weak));
  await waitFor(async () => (await c.page.evaluate(() => window.diemcau.linkMode)) === 'audio-only', { what: 'the page to hear it gets audio only' });
  await waitFor(() => peer?.consumers.filter((x) => x.kind === 'video').every((x) => x.paused), { what: "the site's video consumers paused on the server" });
  // Frames already on their way are still decoded, more of them when the page's process is starved:
  // count from when its decoder has caught up (no new frame for half a second).
  let lastFrames = -1;
  const frozen = await waitFor(
    async () => {
      const now = await from(c, a);
      const still = now.framesDecoded === lastFrames;
      lastFrames = now.framesDecoded;
      if (still) return now;
      throw new Error(`frames still being decoded (${now.framesDecoded})`);
    },
    { timeout: 15_000, interval: 500, what: 'the frames in flight to be decoded' },
  );
  const audioBefore = frozen.audioPacketsReceived;
  // Paused on the server: no new frames arrive, while the floor holder's audio keeps coming.
  await waitFor(
    async () => {
      const now = await from(c, a);
      if (now.audioPacketsReceived > audioBefore + 50) return now;
      throw new Error(`audio ${now.audioPacketsReceived} (before ${audioBefore})`);
    },
    { timeout: 15_000, interval: 250, what: 'audio to keep flowing on audio only' },
  );
  t.ok(peer?.consumers.filter((x) => x.kind === 'video').every((x) => x.paused), 'every video consumer of the site is paused on the server');
  const framesOnAudioOnly = (await from(c, a)).framesDecoded;
  t.ok(framesOnAudioOnly - frozen.framesDecoded <= 5, `no new video meanwhile (${framesOnAudioOnly - frozen.framesDecoded} frames still in flight)`);
  // Strong for 8 s, on the guard's clock from now (the audio-only checks took however long they took).
  clearInterval(weak);
  const t1 = Math.floor(performance.now());
  for (let s = 0; s <= 8; s++) peer?.linkEstimate(2_000_000, t1 + s * 1000);
  await waitFor(async () => (await c.page.evaluate(() => window.diemcau.linkMode)) === 'full', { what: 'the page to hear video is back' });
  const back = await waitFor(
    async () => {
      const now = await from(c, a);
      if (now.framesDecoded > framesOnAudioOnly + 10) return now;
      throw new Error(`frames ${now.framesDecoded} (on audio only ${framesOnAudioOnly})`);
    },
    { timeout: 15_000, interval: 250, what: 'video frames again after recovery' },
  );
  t.ok(back.framesDecoded > framesOnAudioOnly, 'the floor holder\'s video is decoded again');
});

t.test('a hall operator reports "no sound" to the chair and secretary only', async (t) => {
  await c.page.click('#tab-messages');
  await c.page.click('[data-quick="quickNoSound"]');
  await chair.page.waitForFunction(() => window.diemcau.messages.some((m) => m.to === 'control' && /không nghe được tiếng/.test(m.text)), null, { timeout: 15_000 });
  t.pass('the chair has the report');
  await chair.page.click('#tab-messages');
  t.match(await chair.page.textContent('#message-list'), /không nghe được tiếng/, 'shown in the console');
  t.same(await b.page.evaluate(() => window.diemcau.messages.length), 0, 'another site does not see it');
});

t.test('the chair calls the roll; an operator confirms with a headcount', async (t) => {
  await chair.page.click('#tab-roll-call');
  await chair.page.click('#call-roll');
  await c.page.waitForFunction(() => window.diemcau.presence.rollCalledAt !== null, null, { timeout: 15_000 });
  t.equal(await c.page.evaluate(() => document.querySelector('[role="tab"][aria-selected="true"]')?.id), 'tab-presence', 'the operator is shown the roll call');
  await c.page.fill('#headcount', '12');
  await c.page.click('#confirm-presence');
  await chair.page.waitForFunction(
    () => {
      const e = window.diemcau.rollCall?.entries.find((x) => x.key === 'h-hall-d2');
      return e?.state === 'confirmed' && e.headcount === 12;
    },
    null,
    { timeout: 15_000 },
  );
  t.equal(rollEntry(await chair.page.evaluate(() => window.diemcau.rollCall), 'h-hall-d2')?.headcount, 12, 'the console has the headcount');
  await chair.page.waitForSelector('#roll-call [data-key="h-hall-d2"][data-state="confirmed"]', { timeout: 15_000 });
  // The operator's page shows it on its own ack, which its renderer may handle after the chair's push.
  await c.page.waitForFunction(() => /Đã xác nhận/.test(document.querySelector('#presence-status')?.textContent ?? ''), null, { timeout: 15_000 });
  t.match(await c.page.textContent('#presence-status'), /Đã xác nhận/, 'the operator sees its confirmation');
  await c.page.click('#tab-devices');
  await c.page.waitForFunction(() => (document.querySelector<HTMLSelectElement>('#device-camera')?.options.length ?? 0) > 0, null, { timeout: 15_000 });
  t.pass('the operator can pick a camera');
  await screenshot(c.page, 'operator-view');
  await c.page.click('#tab-presence');
  await screenshot(c.page, 'operator-presence');
});

/** Asserts that `sender`'s sound stopped at `receiver`: it gains at most a few packets while the chair's gains 100. */
async function soundStops(t: Test, receiver: Opened, sender: Opened, what: string) {
  const before = { sender: (await from(receiver, sender)).audioPacketsReceived, chair: (await from(receiver, chair)).audioPacketsReceived };
  await waitFor(async () => (await from(receiver, chair)).audioPacketsReceived > before.chair + 100, { timeout: 15_000, what: "the chair's audio to keep flowing" });
  const grown = (await from(receiver, sender)).audioPacketsReceived - before.sender;
  t.ok(grown <= 5, `${what}: ${sender.key}'s audio stopped at ${receiver.key} (${grown} packets meanwhile)`);
}

t.test('the console lets one site speak, mutes all, then mutes the floor holder', async (t) => {
  await chair.page.click('#tab-participants');
  await chair.page.click(`#tiles [data-participant-id="${c.id}"] [data-action="unmute"]`);
  await c.page.waitForFunction(() => !window.diemcau.muted, null, { timeout: 15_000 });
  const before = (await from(b, c)).audioPacketsReceived;
  await waitFor(async () => (await from(b, c)).audioPacketsReceived > before + 20, { timeout: 15_000, what: 'the unmuted site to be heard' });
  t.pass('a site the chair lets speak is heard by the others');

  await chair.page.click('#mute-all');
  await c.page.waitForFunction(() => window.diemcau.muted, null, { timeout: 15_000 });
  t.match(await c.page.textContent('#mic-state'), /chủ trì đang giữ/, "the site's page says the chair holds its microphone");
  await soundStops(t, b, c, 'mute all');
  t.equal(await a.page.evaluate(() => window.diemcau.muted), false, 'mute all spares the floor holder (the server keeps its turn)');

  await chair.page.click(`#tiles [data-participant-id="${a.id}"] [data-action="mute"]`);
  await a.page.waitForFunction(() => window.diemcau.muted, null, { timeout: 15_000 });
  const mic = room()?.peer(a.id)?.producers.find((p) => p.kind === 'audio');
  await waitFor(() => mic?.paused, { timeout: 15_000, what: "the floor holder's microphone to be paused on the server" });
  await soundStops(t, b, a, 'mute one');
});

t.test('end meeting (with a confirmation) disconnects everyone', async (t) => {
  await chair.page.click('#end-meeting');
  await chair.page.waitForSelector('#confirm-dialog[open]');
  await chair.page.click('#confirm-yes');
  await Promise.all([chair, ...sites].map((p) => p.page.waitForFunction(() => window.diemcau.state === 'ended', null, { timeout: 15_000 })));
  t.pass('every page says the meeting has ended');
  t.match(await a.page.textContent('#notice'), /kết thúc cuộc họp/);
  await waitFor(() => server.signaling.participantCount(meetingId) === 0, { timeout: 15_000, what: 'everyone to be disconnected' });
  t.equal(server.signaling.participantCount(meetingId), 0);
  for (const p of [chair, ...sites]) t.same(p.errors.filter((e) => e.startsWith('pageerror')), [], `${p.key}: no uncaught errors`);
});
