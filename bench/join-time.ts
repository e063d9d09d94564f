/**
 * Join time with real browsers: socket connect → first remote video frame decoded.
 * Each round, BROWSERS pages (default 3) join a fresh meeting at once; prints every join and the
 * median and p95 over the first 10 joins and over all ROUNDS rounds (default 10). The load
 * harness's browser mode (bench/load/browsers.ts) does the work.
 *   npm run bench:join            ROUNDS=20 BROWSERS=3 npm run bench:join
 */
import { browserModeOptions, runBrowserJoins } from './load/browsers.js';

await runBrowserJoins(browserModeOptions([], { ...process.env, MODE: 'browser' })!);
