/**
 * What one site receives under the conference media policy: 1 chair + SITES sites (default 20) as
 * headless Chromium pages with fake media, one meeting. After a steady-state wait (WARMUP_S, default
 * 20 s) it prints, for one ordinary site and for the chair, how many consumers the server holds for
 * it (video/audio) and the kbit/s it receives (inbound-rtp bytes over MEASURE_S, default 10 s).
 *   npm run bench:bitrate            SITES=12 npm run bench:bitrate
 * BROWSER_SITES=k (default: all) makes only the first k sites browsers and the rest Node clients
 * that join, publish (RTP parameters, no packets) and consume like a site, so 20 sites fit on 2 cores;
 * what a site receives depends only on the chair and the floor holder, which stay real browsers.
 */
import type { Page } from 'playwright-core';
import type { MeetingId, ParticipantId } from '../protocol/ids.js';
import { createServer } from '../server.js';
import { testConfig } from '../test/helpers/config.js';
import { assertClientBuilt, launchChromium, openJoinPage, settledState, type JoinPage } from '../test/helpers/browser.js';
import { waitFor } from '../test/helpers/wait.js';
import { participant } from '../test/helpers/conference.js';
import type { Test } from 'tap';

const sites = Number(process.env['SITES'] ?? 20);
const warmupMs = Number(process.env['WARMUP_S'] ?? 20) * 1000;
const measureMs = Number(process.env['MEASURE_S'] ?? 10) * 1000;
const browserSites = Math.min(sites, Number(process.env['BROWSER_SITES'] ?? sites));
const meetingId = 'bench-bitrate';
/** Node clients register their clean-up here (the test helpers expect a tap Test for that). */
const cleanups: (() => unknown)[] = [];
const nodeScope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as Test;

assertClientBuilt();
const config = testConfig({ logLevel: 'error' });
const server = await createServer(config);
const browser = await launchChromium();
const pages: JoinPage[] = [];

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Bytes received over the page's receive transport (all inbound-rtp), and when. */
function inbound(page: Page): Promise<{ bytes: number; at: number; video: number; audio: number }> {
  return page.evaluate(async () => {
    let bytes = 0;
    let video = 0;
    let audio = 0;
    const report = await window.diemcau.pcs.recv?.getStats();
    report?.forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'inbound-rtp') return;
      bytes += Number(s['bytesReceived'] ?? 0);
      if (s['kind'] === 'video') video++;
      else audio++;
    });
    return { bytes, at: performance.now(), video, audio };
  });
}

try {
  const started = Date.now();
  // The chair first, then the sites a few at a time (2 cores: a burst of 20 page loads starves the worker).
  const open = async (i: number) => {
    const role = i === 0 ? 'chair' : 'site';
    const token = server.signToken({ meetingId, sub: `${role}-${i}`, role, name: i === 0 ? 'UBND tỉnh' : `Điểm cầu ${i}` });
    const opened = await openJoinPage(browser, server.joinUrl(token));
    const state = await settledState(opened.page, 60_000);
    if (state !== 'joined') throw new Error(`page ${i}: ${state} ${opened.errors.join('; ')}`);
    pages.push(opened);
  };
  await open(0);
  for (let i = 1; i <= browserSites; i += 4) await Promise.all(Array.from({ length: Math.min(4, browserSites + 1 - i) }, (_, k) => open(i + k)));
  for (let i = browserSites + 1; i <= sites; i++) {
    await participant(nodeScope, server, { meetingId, sub: `site-${i}`, role: 'site', name: `Điểm cầu ${i} (Node)` });
  }
  console.log(
    `${sites} sites (${browserSites} browsers, ${sites - browserSites} Node clients) + chair joined in ${((Date.now() - started) / 1000).toFixed(1)} s; steady state for ${warmupMs / 1000} s…`,
  );

  const room = server.sfu.existingRoom(meetingId as MeetingId);
  if (!room) throw new Error('no room');
  const [chair, site] = [pages[0]!, pages[2]!];
  const idOf = (p: JoinPage) => p.page.evaluate(() => window.diemcau.self?.id ?? '') as Promise<ParticipantId>;
  // Give one site the floor, as in a meeting: every site then receives the chair and the speaker.
  const speaker = pages[1]!;
  const speakerId = await idOf(speaker);
  // On 2 cores a page can drop out while 21 encoders start: say how many are really in.
  await waitFor(() => room.peers.length === sites + 1, { timeout: 30_000, what: 'every peer in the room' }).catch(() => undefined);
  const states = await Promise.all(pages.map((p) => p.page.evaluate(() => window.diemcau.state).catch(() => 'closed')));
  if (browserSites < sites) states.push(...Array.from({ length: sites - browserSites }, () => 'node'));
  console.log(`in the room: ${room.peers.length} peers; page states: ${JSON.stringify(countBy(states))}`);
  await chair.page.click('#tab-participants');
  await chair.page.click(`#tiles [data-participant-id="${speakerId}"] [data-action="grant"]`);
  await site.page.waitForFunction((id) => window.diemcau.floor?.participantId === id, speakerId, { timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, warmupMs));

  for (const [label, page] of [['site', site], ['chair', chair]] as const) {
    const id = await idOf(page);
    const peer = room.peer(id);
    const consumers = peer?.consumers ?? [];
    const video = consumers.filter((c) => c.kind === 'video');
    const audio = consumers.filter((c) => c.kind === 'audio');
    const a = await inbound(page.page);
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    const b = await inbound(page.page);
    const kbps = ((b.bytes - a.bytes) * 8) / (b.at - a.at);
    const layers = video.map((c) => c.currentLayers?.spatialLayer ?? '-').join(',');
    console.log(
      `${label}: ${consumers.length} consumers on the server (${video.length} video [spatial layers ${layers}], ${audio.length} audio); receives ${kbps.toFixed(0)} kbit/s (inbound-rtp streams: ${b.video} video, ${b.audio} audio)`,
    );
  }
  const total = room.peers.reduce((n, p) => n + p.consumers.length, 0);
  console.log(`whole room: ${room.peers.length} peers, ${total} consumers`);
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)));
  await browser.close();
  await server.close();
  config.cleanup();
}
