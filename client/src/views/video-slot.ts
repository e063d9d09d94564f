/**
 * A place on screen that shows one participant's video: the main video, the speaker view, a grid
 * cell. The same track may be shown in several slots; each has its own <video> element.
 */
import type { ParticipantId } from '../../../protocol/ids.js';
import { h } from '../dom.js';
import type { I18n, MessageKey } from '../i18n.js';
import type { ParticipantTracks } from '../remote-tracks.js';

export interface SlotContent {
  id: ParticipantId | null;
  name: string;
  tracks: ParticipantTracks | undefined;
  /** A local stream to show instead (our own camera when we are the main video or the speaker). */
  local?: MediaStream | null;
  /** Shown when there is nobody to show. */
  emptyKey: MessageKey;
  micOff?: boolean;
  speaking?: boolean;
  badge?: string | null;
}

export class VideoSlot {
  readonly el: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly #placeholder: HTMLDivElement;
  readonly #name: HTMLSpanElement;
  readonly #badge: HTMLSpanElement;
  readonly #micOff: HTMLSpanElement;
  readonly #i18n: I18n;
  readonly #onFirstFrame: () => void;
  #track: MediaStreamTrack | MediaStream | null = null;

  constructor(i18n: I18n, className: string, onFirstFrame: () => void, extra: Node[] = []) {
    this.#i18n = i18n;
    this.#onFirstFrame = onFirstFrame;
    this.video = h('video', { autoplay: true, playsinline: true });
    this.video.muted = true;
    this.#placeholder = h('div', { className: 'placeholder' });
    this.#name = h('span', { className: 'name' });
    this.#badge = h('span', { className: 'badge' });
    this.#micOff = h('span', { className: 'mic-off' });
    i18n.bind(this.#micOff, 'micOff');
    this.el = h(
      'div',
      { className: `video-slot ${className}` },
      this.video,
      this.#placeholder,
      h('div', { className: 'caption' }, this.#name, this.#badge, this.#micOff),
      ...extra,
    );
  }

  show(content: SlotContent): void {
    const { id, tracks, local } = content;
    this.el.dataset['participantId'] = id ?? '';
    if (id) this.video.dataset['participantId'] = id;
    else delete this.video.dataset['participantId'];
    this.#name.textContent = id ? content.name : '';
    this.#badge.textContent = content.badge ?? '';
    this.#badge.hidden = !content.badge;
    // A paused track stays on the element (the server pauses video on a weak link and resumes it).
    const source = local ?? tracks?.video ?? null;
    const paused = !local && (tracks?.videoPaused ?? true);
    if (source !== this.#track) {
      this.#track = source;
      this.video.srcObject = source instanceof MediaStream ? source : source ? new MediaStream([source]) : null;
      if (source) {
        this.video.play().catch(() => undefined);
        if (!local) whenFirstFrame(this.video, this.#onFirstFrame);
      }
    }
    this.el.classList.toggle('self', !!local);
    this.el.classList.toggle('no-video', !source || paused);
    this.el.classList.toggle('empty', !id);
    this.el.classList.toggle('muted', !!content.micOff);
    this.el.classList.toggle('speaking', !!content.speaking);
    this.#i18n.bind(this.#placeholder, id ? 'videoOff' : content.emptyKey);
  }
}

function whenFirstFrame(video: HTMLVideoElement, callback: () => void): void {
  if (typeof video.requestVideoFrameCallback === 'function') {
    video.requestVideoFrameCallback(() => callback());
    return;
  }
  const check = (): void => {
    if (video.videoWidth === 0) return;
    video.removeEventListener('resize', check);
    callback();
  };
  video.addEventListener('resize', check);
}
