/** The conference view's videos: the main video (chair or spotlight), and the floor holder's "speaker view". */
import type { ParticipantId } from '../../../protocol/ids.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import type { RemoteTracks } from '../remote-tracks.js';
import { VideoSlot } from './video-slot.js';

export class Stage {
  readonly main: VideoSlot;
  readonly speaker: VideoSlot;
  readonly #i18n: I18n;
  readonly #model: Model;
  readonly #tracks: RemoteTracks;
  readonly #local: () => MediaStream | null;

  constructor(i18n: I18n, model: Model, tracks: RemoteTracks, local: () => MediaStream | null, onFirstFrame: () => void) {
    this.#i18n = i18n;
    this.#model = model;
    this.#tracks = tracks;
    this.#local = local;
    this.main = new VideoSlot(i18n, 'main-video', onFirstFrame);
    this.main.el.id = 'main-video';
    this.speaker = new VideoSlot(i18n, 'speaker-view', onFirstFrame);
    this.speaker.el.id = 'speaker-view';
  }

  render(): void {
    const conference = this.#model.conference;
    const main = conference?.main ?? null;
    const floor = conference?.floor?.participantId ?? null;
    this.main.show(this.#content(main, 'noMain', this.#i18n.t('mainVideo')));
    this.speaker.show(this.#content(floor, 'noSpeaker', this.#i18n.t('speakerView')));
  }

  #content(id: ParticipantId | null, emptyKey: 'noMain' | 'noSpeaker', badge: string) {
    const model = this.#model;
    const self = id !== null && id === model.self?.id;
    return {
      id,
      name: self ? `${model.name(id)} (${this.#i18n.t('you')})` : model.name(id),
      tracks: this.#tracks.get(id),
      local: self ? this.#local() : null,
      emptyKey,
      micOff: id ? !(model.conference?.speakers.includes(id) ?? false) : false,
      speaking: id !== null && id === model.activeSpeaker,
      badge,
    } as const;
  }
}
