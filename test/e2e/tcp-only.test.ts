/** Sites behind firewalls that block UDP: media over the WebRtcServer's TCP port only (`?transport=tcp`). */
import t from 'tap';
import { assertClientBuilt, launchChromium, openJoinPage, remoteTileStats, settledState } from '../helpers/browser.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

assertClientBuilt();
const server = await startServer(t);
const browser = await launchChromium();
t.teardown(() => browser.close());
const meetingId = 'meeting-tcp';

const pages = await Promise.all(
  [
    { name: 'UBND tỉnh', role: 'chair' as const },
    { name: 'Xã Tân Lập', role: 'site' as const },
  ].map(async ({ name, role }, i) => {
    const url = `${server.joinUrl(server.signToken({ meetingId, sub: `tcp-${i}`, role, name }))}&transport=tcp`;
    const opened = await openJoinPage(browser, url);
    const state = await settledState(opened.page);
    if (state !== 'joined') throw new Error(`${name}: page state ${state}; ${opened.errors.join('; ')}`);
    return { ...opened, name, role };
  }),
);
t.teardown(() => Promise.all(pages.map((p) => p.context.close())));

t.test('media over TCP: the site gets the chair video and audio, the chair the site video', async (t) => {
  for (const p of pages) {
    // The site's microphone is held muted by the server until it has the floor: the chair hears nothing yet.
    const wantsAudio = p.role === 'site';
    const [tile] = await waitFor(
      async () => {
        const tiles = await remoteTileStats(p.page);
        return tiles.length === 1 && tiles[0]!.framesDecoded > 0 && (!wantsAudio || tiles[0]!.audioPacketsReceived > 0) ? tiles : undefined;
      },
      { timeout: 20_000, interval: 200, what: `${p.name} to receive media over TCP` },
    );
    t.ok(tile!.framesDecoded > 0, `${p.name} decodes video`);
    // The selected candidate pair of both of the page's transports, once each has one.
    const protocols = await waitFor(
      () =>
        p.page.evaluate(async () => {
          const found: string[] = [];
          for (const pc of [window.diemcau.pcs.send, window.diemcau.pcs.recv]) {
            const report = await pc?.getStats();
            const stats: Record<string, unknown>[] = [];
            report?.forEach((s: Record<string, unknown>) => stats.push(s));
            const transport = stats.find((s) => s['type'] === 'transport' && s['selectedCandidatePairId']);
            const pair = stats.find((s) => s['id'] === transport?.['selectedCandidatePairId']);
            const remote = stats.find((s) => s['id'] === pair?.['remoteCandidateId']);
            if (typeof remote?.['protocol'] !== 'string') return null;
            found.push(remote['protocol']);
          }
          return found;
        }),
      { timeout: 10_000, interval: 200, what: `${p.name}: a selected candidate pair on both transports` },
    );
    t.same(protocols, ['tcp', 'tcp'], `${p.name}: both transports run over TCP`);
  }
});
