import { TypedEmitter } from '../lib/typed-emitter.js';

/** What a receiver gets: everything the policy gives it, or (on a link too weak even for the lowest layer) audio only. */
export type LinkMode = 'full' | 'audio-only';

export interface LinkGuardOptions {
  /** Below this estimate (bits/s) for `downAfterMs`, video stops: the lowest simulcast layer (~100 kbit/s) no longer fits. */
  lowBps: number;
  /** At or above this estimate for `upAfterMs`, video comes back. */
  highBps: number;
  downAfterMs: number;
  upAfterMs: number;
  /**
   * With no video flowing the estimate has little to measure, so after this long on audio only the
   * guard tries video again; a link still too weak falls back after `downAfterMs`.
   */
  probeAfterMs: number;
}

export const DEFAULT_LINK_GUARD: LinkGuardOptions = {
  lowBps: 100_000,
  highBps: 350_000,
  downAfterMs: 4_000,
  upAfterMs: 8_000,
  probeAfterMs: 20_000,
};

/**
 * Decides from a receiver's bandwidth estimates (mediasoup's `bwe` trace on its receive transport)
 * whether it gets video at all. Lower layers are mediasoup's own job: a simulcast consumer already
 * drops to the layers the estimate allows. This guard handles the step below the lowest layer,
 * with hysteresis so a link near the edge does not flap.
 */
export class LinkGuard extends TypedEmitter<{ changed: [LinkMode] }> {
  #mode: LinkMode = 'full';
  /** Since when the estimate has been on the other side of the threshold, or null. */
  #crossedAt: number | null = null;
  #audioOnlySince = 0;

  constructor(private readonly options: LinkGuardOptions = DEFAULT_LINK_GUARD) {
    super();
  }

  get mode(): LinkMode {
    return this.#mode;
  }

  /** A bandwidth estimate (bits/s) taken at `now` (ms, monotonic). */
  sample(availableBitrate: number, now: number = performance.now()): void {
    const { lowBps, highBps, downAfterMs, upAfterMs, probeAfterMs } = this.options;
    if (this.#mode === 'full') {
      if (availableBitrate >= lowBps) {
        this.#crossedAt = null;
        return;
      }
      this.#crossedAt ??= now;
      if (now - this.#crossedAt >= downAfterMs) this.#switch('audio-only', now);
      return;
    }
    if (availableBitrate < highBps) {
      this.#crossedAt = null;
      if (now - this.#audioOnlySince >= probeAfterMs) this.#switch('full', now);
      return;
    }
    this.#crossedAt ??= now;
    if (now - this.#crossedAt >= upAfterMs) this.#switch('full', now);
  }

  #switch(mode: LinkMode, now: number): void {
    this.#mode = mode;
    this.#crossedAt = null;
    if (mode === 'audio-only') this.#audioOnlySince = now;
    this.emit('changed', mode);
  }
}
