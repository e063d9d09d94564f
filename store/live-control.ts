/**
 * What the chair decided about who may come in — removed join links and the lock — kept per meeting
 * so a restart does not let a removed link back in or unlock a meeting. Small (a few removals),
 * written whole on every change.
 */
import type { RemovedInfo } from '../protocol/conference.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

export interface AdmissionControl {
  locked: boolean;
  /** link key (see signaling/conference/admission.ts linkKey) → who was removed, when. */
  removed: Record<string, RemovedInfo>;
}

/** Kept a while after the meeting's end, then Redis forgets it (a meeting's links expire with it). */
const TTL_SECONDS = 7 * 24 * 3600;

export class LiveControlStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}


  async get(meetingId: string): Promise<AdmissionControl | undefined> {
    const raw = await this.redis.get(this.keys.admission(meetingId));
    return raw == null ? undefined : (JSON.parse(raw) as AdmissionControl);
  }

  async set(meetingId: string, control: AdmissionControl): Promise<void> {
    const key = this.keys.admission(meetingId);
    if (!control.locked && Object.keys(control.removed).length === 0) await this.redis.del(key);
    else await this.redis.set(key, JSON.stringify(control), { EX: TTL_SECONDS });
  }
}
