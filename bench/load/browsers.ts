/**
 * The load harness's browser mode: join time with real Chromium pages, socket connect → first remote
 * video frame decoded (the page's own `window.diemcau.metrics`, both `performance.now()`). Each round,
 * `browsers` pages (a chair and sites, fake camera and microphone) join a fresh meeting at once on an
 * in-process server; every join's figure is printed, then the median and p95 over the first 10 joins
 * (the "10 joins") and over all of them.
 *   npm run bench:load -- --browsers 3 [--rounds 10]      BROWSERS=3 MODE=browser npm run bench:load
 *   npm run bench:join (the same, BROWSERS and ROUNDS from the environment)
 */
import { loadavg } from 'node:os';
import { createServer } from '../../server.js';
import { testConfig } from '../../test/helpers/config.js';
import { assertClientBuilt, launchChromium, openJoinPage, settledState } from '../../test/helpers/browser.js';
import { waitFor } from '../../test/helpers/wait.js';

export interface BrowserJoinOptions {
  /** Pages joining at once per round, the first as the chair. */
  browsers: number;
  rounds: number;
}

/** The figure set over the first 10 joins, then over all. */
const FIRST = 10;

/** The browser-mode options from `--browsers N` / `--rounds N` or BROWSERS / ROUNDS, if browser mode is asked for. */
export function browserModeOptions(argv: string[], env: NodeJS.ProcessEnv): BrowserJoinOptions | undefined {
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    const inline = argv.find((a) => a.startsWith(`--${name}=`));
    return inline ? inline.slice(name.length + 3) : i >= 0 ? argv[i + 1] : undefined;
  };
  const browsers = flag('browsers') ?? (env['MODE'] === 'browser' ? (env['BROWSERS'] ?? '3') : undefined);
  if (browsers === undefined) return undefined;
  // A page alone in its meeting has no remote frame to decode.
  return { browsers: atLeast('browsers', browsers, 2), rounds: atLeast('rounds', flag('rounds') ?? env['ROUNDS'] ?? '10', 1) };
}

function atLeast(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got "${value}"`);
  return n;
}

/** Runs the rounds, prints each join and the summaries; returns the join times in ms, in join order. */
export async function runBrowserJoins({ browsers, rounds }: BrowserJoinOptions): Promise<number[]> {
  assertClientBuilt();
  const config = testConfig({ logLevel: 'error' });
  const server = await createServer(config);
  const browser = await launchChromium();
  const joinTimes: number[] = [];
  console.log(`browser mode: ${rounds} rounds of ${browsers} Chromium pages joining at once (page 1 the chair); load average ${load()}`);

  try {
    for (let round = 0; round < rounds; round++) {
      const meetingId = `bench-join-${round}`;
      const pages = await Promise.all(
        Array.from({ length: browsers }, async (_, i) => {
          const token = server.signToken({ meetingId, sub: `site-${i}`, role: i === 0 ? 'chair' : 'site', name: `Site ${i}` });
          const opened = await openJoinPage(browser, server.joinUrl(token));
          const state = await settledState(opened.page);
          if (state !== 'joined') throw new Error(`round ${round + 1}: page ${i + 1} is ${state}, not joined; ${opened.errors.join('; ')}`);
          return opened;
        }),
      );
      const figures = await Promise.all(
        pages.map(async ({ page }) => {
          const metrics = await waitFor(
            () => page.evaluate(() => (window.diemcau.metrics.firstRemoteFrameAt === null ? null : window.diemcau.metrics)),
            { timeout: 30_000, what: 'a first remote frame' },
          );
          return metrics.firstRemoteFrameAt! - metrics.socketConnectedAt!;
        }),
      );
      await Promise.all(pages.map((p) => p.context.close()));
      figures.forEach((ms, i) => console.log(`  join ${joinTimes.length + i + 1} (round ${round + 1}, page ${i + 1}${i === 0 ? ', chair' : ''}): ${Math.round(ms)} ms`));
      joinTimes.push(...figures);
    }
  } finally {
    await browser.close();
    await server.close();
    config.cleanup();
  }

  if (joinTimes.length > FIRST) console.log(`first ${FIRST} joins: ${summary(joinTimes.slice(0, FIRST))}`);
  console.log(`all ${joinTimes.length} joins (${rounds} rounds of ${browsers}): ${summary(joinTimes)}`);
  console.log(`load average ${load()}`);
  return joinTimes;
}

/** Nearest-rank percentiles: the p95 of 10 joins is the largest. */
function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const ms = (v: number) => `${Math.round(v)} ms`;
  return `median ${ms(at(0.5))}, p95 ${ms(at(0.95))}, min ${ms(sorted[0]!)}, max ${ms(sorted.at(-1)!)}`;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
