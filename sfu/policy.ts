/**
 * Media policy: which producers each receiver consumes, and at which simulcast layer.
 * Pure functions of the room's senders and a few inputs, so it is tested without a worker.
 */
import type { types as ms } from 'mediasoup';
import type { ParticipantId } from '../protocol/ids.js';
import type { MediaSource } from '../protocol/messages.js';

/** Simulcast spatial layers as the client publishes them: 160×120, 320×240, 640×480. */
export const LAYER = { low: 0, middle: 1, high: 2 } as const;
export type SpatialLayer = (typeof LAYER)[keyof typeof LAYER];

export interface SenderProducer {
  id: string;
  kind: ms.MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface Sender {
  id: ParticipantId;
  producers: readonly SenderProducer[];
}

/** producerId → the spatial layer wanted (video) or null (audio). */
export type Wanted = Map<string, SpatialLayer | null>;

export interface MediaPolicy {
  wanted(receiver: ParticipantId, senders: readonly Sender[]): Wanted;
  /**
   * How many consumers a receiver will hold in a meeting of `participants` (itself included), before
   * it holds them: placement uses it to keep each worker under its consumer budget.
   */
  expectedConsumers(receiver: ParticipantId, participants: number): number;
}

/** Each other participant's microphone and camera. */
const everyone = (participants: number) => 2 * Math.max(0, participants - 1);

/** Everyone receives everyone, video at the top layer: a small call, and a room nobody has configured. */
export const openCall: MediaPolicy = {
  wanted(receiver, senders) {
    const wanted: Wanted = new Map();
    for (const sender of senders) {
      if (sender.id === receiver) continue;
      for (const p of sender.producers) wanted.set(p.id, p.kind === 'video' ? LAYER.high : null);
    }
    return wanted;
  },
  expectedConsumers: (_receiver, participants) => everyone(participants),
};

export interface ConferenceInputs {
  /** The main video everyone watches: the chair's hall or whoever the chair spotlights. */
  main: ParticipantId | null;
  /** Whoever holds the floor: everyone watches it at the middle layer. */
  floor: ParticipantId | null;
  /** Whose audio everyone receives, paused or not (the chair, the floor holder). */
  audible: ReadonlySet<ParticipantId>;
  /** Whose audio everyone receives while it is unmuted (free discussion, sites the chair unmuted). */
  audibleWhenLive: ReadonlySet<ParticipantId>;
  /** The grid tiles a receiver has on screen (chair and secretary): lowest layer. */
  grids: ReadonlyMap<ParticipantId, readonly ParticipantId[]>;
}

/**
 * The 240-site policy: a receiver gets the main video (high layer), the floor holder's video
 * (middle layer), the audio of those allowed to speak, and, for the chair and secretary, the grid
 * page they look at (low layer). Nothing else: not the other 238 sites.
 */
export function conferencePolicy(inputs: ConferenceInputs): MediaPolicy {
  return {
    wanted(receiver, senders) {
      const byId = new Map(senders.map((s) => [s.id, s]));
      const wanted: Wanted = new Map();
      const want = (who: ParticipantId | null, layer: SpatialLayer, prefer: MediaSource) => {
        if (who === null || who === receiver) return;
        const video = videoOf(byId.get(who), prefer);
        // One consumer per producer: the highest layer any reason asks for.
        if (video) wanted.set(video.id, Math.max(wanted.get(video.id) ?? LAYER.low, layer) as SpatialLayer);
      };
      want(inputs.main, LAYER.high, 'screen');
      want(inputs.floor, LAYER.middle, 'screen');
      for (const tile of inputs.grids.get(receiver) ?? []) want(tile, LAYER.low, 'camera');
      for (const sender of senders) {
        if (sender.id === receiver) continue;
        const always = inputs.audible.has(sender.id);
        if (!always && !inputs.audibleWhenLive.has(sender.id)) continue;
        for (const p of sender.producers) if (p.kind === 'audio' && (always || !p.paused)) wanted.set(p.id, null);
      }
      return wanted;
    },
    expectedConsumers(receiver, participants) {
      // Its peak, so a floor grant does not push a worker over: the main video, a floor holder's
      // video and voice (whether or not someone holds the floor now), the voices allowed to speak,
      // and its grid page.
      const main = inputs.main !== null && inputs.main !== receiver ? 1 : 0;
      let audible = inputs.floor === null ? 1 : 0;
      for (const id of inputs.audible) if (id !== receiver) audible++;
      const grid = inputs.grids.get(receiver)?.length ?? 0;
      return Math.min(everyone(participants), main + 1 + audible + grid);
    },
  };
}

/** A participant's video: a shared screen if it has one and the view prefers it, else its camera. */
function videoOf(sender: Sender | undefined, prefer: MediaSource): SenderProducer | undefined {
  const videos = sender?.producers.filter((p) => p.kind === 'video') ?? [];
  return videos.find((p) => p.source === prefer) ?? videos.find((p) => p.source === 'camera') ?? videos[0];
}
