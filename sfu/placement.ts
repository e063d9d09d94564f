import type { types as ms } from 'mediasoup';
import { mediaCodecs } from './codecs.js';
import type { PeerPlace } from './peer.js';
import { load, type WorkerSlot } from './worker-pool.js';

/** A meeting's router on a worker, counted on the worker before the await so simultaneous placements see it. */
export async function openRouter(slot: WorkerSlot, appData: ms.AppData): Promise<PeerPlace> {
  slot.routers++;
  let router: ms.Router;
  try {
    router = await slot.worker.createRouter({ mediaCodecs, appData });
  } catch (error) {
    slot.routers--;
    throw error;
  }
  router.observer.once('close', () => slot.routers--);
  return { router, slot };
}

/**
 * The worker a meeting's new participant goes to, expecting `expected` consumers for it:
 * the first of the meeting's workers (in the order the meeting took them) with room under the
 * budget, else the least loaded live worker with room, else (everything full) the least loaded of
 * all. Staying on the meeting's workers first keeps pipes few: a producer crosses to a worker once,
 * however many there consume it.
 */
export function placeParticipant(options: {
  expected: number;
  budget: number;
  /** The workers the meeting already has a router on, oldest first. */
  meeting: readonly WorkerSlot[];
  /** Every live worker. */
  live: readonly WorkerSlot[];
}): WorkerSlot {
  const { expected, budget, meeting, live } = options;
  const fits = (slot: WorkerSlot) => load(slot) + expected <= budget;
  const leastLoaded = (slots: readonly WorkerSlot[]) => [...slots].sort((a, b) => load(a) - load(b) || a.routers - b.routers)[0];
  const usable = meeting.filter((s) => !s.worker.closed);
  const chosen =
    usable.find(fits) ??
    leastLoaded(live.filter((s) => !usable.includes(s) && fits(s))) ??
    leastLoaded([...usable, ...live.filter((s) => !usable.includes(s))]);
  if (!chosen) throw new Error('no live mediasoup worker');
  return chosen;
}
