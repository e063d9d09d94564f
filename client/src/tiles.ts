/** The grid of remote participants: one tile each, filled with tracks as consumers arrive. */
import type { ParticipantId } from '../../protocol/ids.js';
import type { I18n } from './i18n.js';

type Kind = 'audio' | 'video';

export interface TileHooks {
  /** A remote video element showed its first decoded frame. */
  onFirstFrame(): void;
  /** The browser refused to start audio without a user gesture. */
  onAudioBlocked(): void;
}

export class Tile {
  readonly el: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly audio: HTMLAudioElement;
  readonly #label: HTMLSpanElement;
  readonly #hooks: TileHooks;

  constructor(id: ParticipantId, name: string, i18n: I18n, hooks: TileHooks) {
    this.#hooks = hooks;
    this.el = document.createElement('div');
    this.el.className = 'tile no-video';
    this.el.dataset['participantId'] = id;

    this.video = document.createElement('video');
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.muted = true;

    this.audio = document.createElement('audio');
    this.audio.autoplay = true;

    const placeholder = document.createElement('div');
    placeholder.className = 'placeholder';
    i18n.bind(placeholder, 'videoOff');

    const micOff = document.createElement('span');
    micOff.className = 'mic-off';
    i18n.bind(micOff, 'micOff');

    this.#label = document.createElement('span');
    this.#label.className = 'name';

    const caption = document.createElement('div');
    caption.className = 'caption';
    caption.append(this.#label, micOff);

    this.el.append(this.video, placeholder, caption, this.audio);
    this.setName(name);
  }

  setName(name: string): void {
    this.el.dataset['name'] = name;
    this.#label.textContent = name;
  }

  setTrack(kind: Kind, track: MediaStreamTrack): void {
    const el = kind === 'video' ? this.video : this.audio;
    el.srcObject = new MediaStream([track]);
    this.setPaused(kind, false);
    if (kind === 'video') whenFirstFrame(this.video, () => this.#hooks.onFirstFrame());
    el.play().catch((error: unknown) => {
      if (kind === 'audio' && error instanceof DOMException && error.name === 'NotAllowedError') this.#hooks.onAudioBlocked();
    });
  }

  clearTrack(kind: Kind): void {
    const el = kind === 'video' ? this.video : this.audio;
    el.srcObject = null;
    this.setPaused(kind, true);
  }

  setPaused(kind: Kind, paused: boolean): void {
    this.el.classList.toggle(kind === 'video' ? 'no-video' : 'no-audio', paused);
  }
}

export class Tiles {
  readonly #container: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #i18n: I18n;
  readonly #hooks: TileHooks;
  readonly #tiles = new Map<ParticipantId, Tile>();

  constructor(container: HTMLElement, empty: HTMLElement, i18n: I18n, hooks: TileHooks) {
    this.#container = container;
    this.#empty = empty;
    this.#i18n = i18n;
    this.#hooks = hooks;
  }

  /** The tile of a participant, created if needed (media may arrive before the join notice). */
  ensure(id: ParticipantId, name?: string): Tile {
    let tile = this.#tiles.get(id);
    if (!tile) {
      tile = new Tile(id, name ?? '', this.#i18n, this.#hooks);
      this.#tiles.set(id, tile);
      this.#container.append(tile.el);
      this.#updateEmpty();
    } else if (name !== undefined) {
      tile.setName(name);
    }
    return tile;
  }

  get(id: ParticipantId): Tile | undefined {
    return this.#tiles.get(id);
  }

  remove(id: ParticipantId): void {
    const tile = this.#tiles.get(id);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.audio.srcObject = null;
    tile.el.remove();
    this.#tiles.delete(id);
    this.#updateEmpty();
  }

  clear(): void {
    for (const id of [...this.#tiles.keys()]) this.remove(id);
  }

  setSpeaker(id: ParticipantId | null): void {
    for (const [tileId, tile] of this.#tiles) tile.el.classList.toggle('speaking', tileId === id);
  }

  /** Starts every audio element again, from a click, after the browser blocked autoplay. */
  playAllAudio(): void {
    for (const tile of this.#tiles.values()) if (tile.audio.srcObject) void tile.audio.play().catch(() => undefined);
  }

  #updateEmpty(): void {
    this.#empty.hidden = this.#tiles.size > 0;
  }
}

function whenFirstFrame(video: HTMLVideoElement, callback: () => void): void {
  // Firefox before 132 has no requestVideoFrameCallback.
  if (typeof video.requestVideoFrameCallback === 'function') {
    video.requestVideoFrameCallback(() => callback());
    return;
  }
  const check = (): void => {
    if (video.videoWidth === 0) return;
    video.removeEventListener('resize', check);
    video.removeEventListener('playing', check);
    callback();
  };
  video.addEventListener('resize', check);
  video.addEventListener('playing', check);
}
