/**
 * While one socket sends garbage, floods and oversized messages, two real browsers in the
 * same meeting keep sending and receiving media: bad input hurts only its sender.
 */
import t from 'tap';
import { assertClientBuilt, launchChromium, openJoinPage, remoteTileStats, settledState } from '../helpers/browser.js';
import { startServer } from '../helpers/server.js';
import { connectSocket, connected, disconnected, joinAs, ok, rawRequest, FAKE_DTLS } from '../helpers/socket-client.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const server = await startServer(t);
const browser = await launchChromium();
t.teardown(() => browser.close());
const meetingId = 'meeting-under-attack';

const pages = await Promise.all(
  [
    { sub: 'chair', role: 'chair' as const, name: 'UBND tỉnh' },
    { sub: 'site', role: 'site' as const, name: 'Xã Tân Lập' },
  ].map(async (who) => {
    const opened = await openJoinPage(browser, server.joinUrl(server.signToken({ meetingId, ...who })));
    const state = await settledState(opened.page);
    if (state !== 'joined') throw new Error(`${who.name}: page state ${state}; ${opened.errors.join('; ')}`);
    return { ...opened, name: who.name };
  }),
);
t.teardown(() => Promise.all(pages.map((p) => p.context.close())));

// Sites join muted: a secretary (a Node client) gives the site the floor, so its audio reaches the chair.
const secretary = await joinAs(t, server, { sub: 'secretary', meetingId, role: 'secretary', name: 'Thư ký' });
const siteId = await pages[1]!.page.evaluate(() => window.diemcau.self?.id ?? '');
await ok(secretary.socket, 'grant-floor', { participantId: siteId });

/** Decoded frames and received audio packets, summed over a page's remote tiles. */
async function received(page: (typeof pages)[number]['page']) {
  const tiles = await remoteTileStats(page);
  return {
    frames: tiles.reduce((n, s) => n + s.framesDecoded, 0),
    audio: tiles.reduce((n, s) => n + s.audioPacketsReceived, 0),
  };
}

/** Waits until every page's counters have grown past `before`. */
async function mediaFlowsPast(before: { frames: number; audio: number }[], what: string) {
  return Promise.all(
    pages.map((p, i) =>
      waitFor(
        async () => {
          const now = await received(p.page);
          if (now.frames > before[i]!.frames && now.audio > before[i]!.audio) return now;
          // Thrown, so a time-out says which counter stood still.
          throw new Error(`frames ${now.frames} (before ${before[i]!.frames}), audio packets ${now.audio} (before ${before[i]!.audio})`);
        },
        { timeout: 15_000, interval: 200, what: `${p.name}: media ${what}` },
      ),
    ),
  );
}

let beforeAttack: { frames: number; audio: number }[] = [];
t.test('both pages receive video and audio before the attack', async (t) => {
  beforeAttack = await mediaFlowsPast(
    pages.map(() => ({ frames: 0, audio: 0 })),
    'before the attack',
  );
  t.ok(beforeAttack.every((r) => r.frames > 0 && r.audio > 0));
});

t.test('garbage, unknown ids, an oversized message and a flood from one socket', async (t) => {
  const token = server.signToken({ sub: 'attacker', meetingId, role: 'site', name: 'Attacker' });
  const attacker = connectSocket(t, server.url, token);
  await connected(attacker);
  t.match(await rawRequest(attacker, 'produce', 'garbage'), { ok: false, error: { code: 'BAD_REQUEST' } });
  t.match(await rawRequest(attacker, 'connect-transport', { transportId: 'nope', dtlsParameters: FAKE_DTLS }), { ok: false, error: { code: 'NOT_JOINED' } });
  t.match(await rawRequest(attacker, 'close-producer', { producerId: 'x'.repeat(5000) }), { ok: false, error: { code: 'BAD_REQUEST' } });

  const flood = await Promise.allSettled(Array.from({ length: 300 }, () => rawRequest(attacker, 'router-capabilities', {})));
  t.ok(
    flood.some((r) => r.status === 'fulfilled' && !r.value.ok && r.value.error.code === 'RATE_LIMITED'),
    'the flood is rate-limited',
  );

  const second = connectSocket(t, server.url, token);
  await connected(second);
  const gone = disconnected(second);
  (second as unknown as { emit(e: string, p: unknown): void }).emit('join', { rtpCapabilities: { codecs: 'x'.repeat(2 * 1024 * 1024) } });
  t.match(await gone, /transport (close|error)/, 'the oversized message disconnects its sender');
});

t.test('the browsers media keeps flowing, and nobody else was affected', async (t) => {
  await mediaFlowsPast(beforeAttack, 'after the attack');
  t.pass('both pages still decode new frames and receive new audio packets');
  t.equal(server.signaling.participantCount(meetingId), 3, 'the attacker never joined; both pages and the secretary are still in');
  for (const p of pages) {
    t.equal(await p.page.evaluate(() => window.diemcau.state), 'joined', `${p.name} is still joined`);
  }
});
