/**
 * Join time with real browsers: socket connect → first remote video frame decoded.
 * Each round, BROWSERS pages (default 3) join a fresh meeting at once; prints every
 * figure and the median and p95 over ROUNDS rounds (default 10).
 *   npm run bench:join            ROUNDS=20 BROWSERS=3 npm run bench:join
 */
import { createServer } from '../server.js';
import { testConfig } from '../test/helpers/config.js';
import { assertClientBuilt, launchChromium, openJoinPage, settledState } from '../test/helpers/browser.js';
import { waitFor } from '../test/helpers/wait.js';

const rounds = Number(process.env.ROUNDS ?? 10);
const pagesPerRound = Number(process.env.BROWSERS ?? 3);
assertClientBuilt();
const config = testConfig({ logLevel: 'error' });
const server = await createServer(config);
const browser = await launchChromium();
const joinTimes: number[] = [];

try {
  for (let round = 0; round < rounds; round++) {
    const meetingId = `bench-${round}`;
    const pages = await Promise.all(
      Array.from({ length: pagesPerRound }, async (_, i) => {
        const token = server.signToken({ meetingId, sub: `site-${i}`, role: i === 0 ? 'chair' : 'site', name: `Site ${i}` });
        const opened = await openJoinPage(browser, server.joinUrl(token));
        if ((await settledState(opened.page)) !== 'joined') throw new Error(`round ${round}: page ${i} did not join`);
        return opened;
      }),
    );
    for (const { page } of pages) {
      const metrics = await waitFor(
        () => page.evaluate(() => (window.diemcau.metrics.firstRemoteFrameAt === null ? null : window.diemcau.metrics)),
        { timeout: 30_000, what: 'a first remote frame' },
      );
      joinTimes.push(metrics.firstRemoteFrameAt! - metrics.socketConnectedAt!);
    }
    await Promise.all(pages.map((p) => p.context.close()));
    console.log(`round ${round + 1}/${rounds}: ${joinTimes.slice(-pagesPerRound).map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
  }
} finally {
  await browser.close();
  await server.close();
  config.cleanup();
}

const sorted = [...joinTimes].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
console.log(`join time over ${sorted.length} joins (${rounds} rounds of ${pagesPerRound} browsers at once):`);
console.log(`  median ${Math.round(at(0.5))} ms, p95 ${Math.round(at(0.95))} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted.at(-1)!)} ms`);
