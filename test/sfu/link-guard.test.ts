import t from 'tap';
import { LinkGuard, type LinkMode } from '../../sfu/link-guard.js';

const options = { lowBps: 150_000, highBps: 350_000, downAfterMs: 4_000, upAfterMs: 8_000, probeAfterMs: 20_000 };

/** Feeds one estimate a second from `from` (s) for `seconds`. */
function feed(guard: LinkGuard, from: number, seconds: number, bps: number, _changes: LinkMode[]): void {
  for (let s = from; s < from + seconds; s++) guard.sample(bps, s * 1000);
}

t.test('a weak link goes to audio only after a while, and comes back when it recovers', async (t) => {
  const guard = new LinkGuard(options);
  const changes: LinkMode[] = [];
  guard.on('changed', (mode) => changes.push(mode));
  feed(guard, 0, 10, 2_000_000, changes);
  t.same(changes, [], 'a good link stays full');
  feed(guard, 10, 4, 100_000, changes);
  t.same(changes, [], 'a dip shorter than 4 s is ignored');
  feed(guard, 14, 1, 1_000_000, changes);
  feed(guard, 15, 5, 100_000, changes);
  t.same(changes, ['audio-only'], 'a weak link for 4 s: audio only');
  t.equal(guard.mode, 'audio-only');
  feed(guard, 20, 5, 300_000, changes);
  t.same(changes, ['audio-only'], 'between the thresholds it stays on audio only');
  feed(guard, 25, 9, 500_000, changes);
  t.same(changes, ['audio-only', 'full'], 'strong for 8 s: video again');
});

t.test('on audio only it probes video again after a while, and falls back if the link is still weak', async (t) => {
  const guard = new LinkGuard(options);
  const changes: LinkMode[] = [];
  guard.on('changed', (mode) => changes.push(mode));
  feed(guard, 0, 5, 50_000, changes);
  t.same(changes, ['audio-only']);
  feed(guard, 5, 19, 50_000, changes);
  t.same(changes, ['audio-only'], 'no probe before 20 s');
  feed(guard, 24, 1, 50_000, changes);
  t.same(changes, ['audio-only', 'full'], 'a probe 20 s after going to audio only');
  feed(guard, 25, 5, 50_000, changes);
  t.same(changes, ['audio-only', 'full', 'audio-only'], 'still weak: back to audio only');
});
