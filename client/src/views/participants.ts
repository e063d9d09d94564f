/**
 * Everyone else in the meeting, one row (`.tile[data-participant-id]`) each: name, role, whether it
 * may speak or asked to, and the <audio> element that plays it. For the chair and secretary, a
 * row also carries the actions on that participant.
 */
import type { ParticipantInfo } from '../../../protocol/events.js';
import type { ParticipantId } from '../../../protocol/ids.js';
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import type { RemoteTracks } from '../remote-tracks.js';

export interface ParticipantActions {
  setMuted(id: ParticipantId, muted: boolean): void;
  spotlight(id: ParticipantId): void;
  grant(id: ParticipantId): void;
  remove(id: ParticipantId, name: string): void;
}

interface Row {
  el: HTMLLIElement;
  audio: HTMLAudioElement;
  name: HTMLSpanElement;
  role: HTMLSpanElement;
  flags: HTMLSpanElement;
  actions: HTMLDivElement;
  audioTrack: MediaStreamTrack | null;
  actionKey: string;
}

export class ParticipantList {
  readonly el: HTMLUListElement;
  readonly #rows = new Map<ParticipantId, Row>();
  readonly #i18n: I18n;
  readonly #model: Model;
  readonly #tracks: RemoteTracks;
  readonly #actions: ParticipantActions | null;
  readonly #onAudioBlocked: () => void;
  #sinkId = '';

  constructor(i18n: I18n, model: Model, tracks: RemoteTracks, actions: ParticipantActions | null, onAudioBlocked: () => void) {
    this.#i18n = i18n;
    this.#model = model;
    this.#tracks = tracks;
    this.#actions = actions;
    this.#onAudioBlocked = onAudioBlocked;
    this.el = h('ul', { className: 'participants', id: 'tiles' });
  }

  render(): void {
    const model = this.#model;
    const present = new Set(model.participants.keys());
    for (const id of [...this.#rows.keys()]) if (!present.has(id)) this.#drop(id);
    for (const info of model.participants.values()) this.#update(this.#rows.get(info.id) ?? this.#add(info), info);
  }

  setSpeaker(id: ParticipantId | null): void {
    for (const [rowId, row] of this.#rows) row.el.classList.toggle('speaking', rowId === id);
  }

  /** Sends every participant's sound to one output device (HTMLMediaElement.setSinkId). */
  async setSinkId(deviceId: string): Promise<void> {
    this.#sinkId = deviceId;
    await Promise.all([...this.#rows.values()].map((row) => applySink(row.audio, deviceId)));
  }

  playAll(): void {
    for (const row of this.#rows.values()) if (row.audio.srcObject) void row.audio.play().catch(() => undefined);
  }

  clear(): void {
    for (const id of [...this.#rows.keys()]) this.#drop(id);
  }

  #add(info: ParticipantInfo): Row {
    const audio = h('audio', { autoplay: true });
    const row: Row = {
      el: h('li', { className: 'tile no-audio', 'data-participant-id': info.id }),
      audio,
      name: h('span', { className: 'name' }),
      role: h('span', { className: 'role' }),
      flags: h('span', { className: 'flags' }),
      actions: h('div', { className: 'row-actions' }),
      audioTrack: null,
      actionKey: '',
    };
    row.el.append(h('div', { className: 'who' }, row.name, row.role, row.flags), row.actions, audio);
    if (this.#sinkId) void applySink(audio, this.#sinkId);
    this.#rows.set(info.id, row);
    this.el.append(row.el);
    return row;
  }

  #update(row: Row, info: ParticipantInfo): void {
    const model = this.#model;
    const conference = model.conference;
    row.el.dataset['name'] = info.name;
    row.name.textContent = info.name;
    this.#i18n.bind(row.role, `role.${info.role}`);

    const tracks = this.#tracks.get(info.id);
    const track = tracks?.audio ?? null;
    if (track !== row.audioTrack) {
      row.audioTrack = track;
      row.audio.srcObject = track ? new MediaStream([track]) : null;
      if (track) {
        row.audio.play().catch((error: unknown) => {
          if (error instanceof DOMException && error.name === 'NotAllowedError') this.#onAudioBlocked();
        });
      }
    }
    const maySpeak = conference?.speakers.includes(info.id) ?? false;
    // No sound from it: the server holds its microphone, or it paused its own.
    row.el.classList.toggle('no-audio', !maySpeak || !track || (tracks?.audioPaused ?? true));
    const floor = conference?.floor?.participantId === info.id;
    const queued = conference?.queue.some((r) => r.participantId === info.id) ?? false;
    row.el.classList.toggle('floor', floor);
    row.el.classList.toggle('queued', queued);
    row.flags.replaceChildren(
      ...(floor ? [ht(this.#i18n, 'span', 'speaking', {}, { className: 'flag floor' })] : []),
      ...(queued ? [ht(this.#i18n, 'span', 'handRaised', {}, { className: 'flag hand' })] : []),
      ...(maySpeak ? [] : [ht(this.#i18n, 'span', 'micOff', {}, { className: 'flag mic' })]),
    );
    if (this.#actions) this.#renderActions(row, info, maySpeak, floor);
  }

  #renderActions(row: Row, info: ParticipantInfo, maySpeak: boolean, floor: boolean): void {
    const actions = this.#actions!;
    const conference = this.#model.conference;
    const isChair = info.role === 'chair';
    const spotlighted = conference?.spotlight === info.id;
    const key = `${maySpeak}|${floor}|${spotlighted}|${this.#i18n.lang}`;
    if (key === row.actionKey) return;
    row.actionKey = key;
    // A secretary cannot act on the chair; the server refuses it anyway.
    if (isChair) {
      row.actions.replaceChildren();
      return;
    }
    const id = info.id;
    const name = info.name;
    const buttons = [
      maySpeak
        ? button(this.#i18n, 'muteOne', () => actions.setMuted(id, true), { className: 'small', 'data-key': `mute-${id}`, 'data-action': 'mute' })
        : button(this.#i18n, 'allowSpeak', () => actions.setMuted(id, false), { className: 'small', 'data-key': `unmute-${id}`, 'data-action': 'unmute' }),
      floor ? null : button(this.#i18n, 'grant', () => actions.grant(id), { className: 'small', 'data-key': `grant-${id}`, 'data-action': 'grant' }),
      spotlighted ? null : button(this.#i18n, 'spotlight', () => actions.spotlight(id), { className: 'small', 'data-key': `spot-${id}`, 'data-action': 'spotlight' }),
      button(this.#i18n, 'remove', () => actions.remove(id, name), { className: 'small danger', 'data-key': `remove-${id}`, 'data-action': 'remove' }),
    ];
    row.actions.replaceChildren(...buttons.filter((b): b is HTMLButtonElement => b !== null));
  }

  #drop(id: ParticipantId): void {
    const row = this.#rows.get(id);
    if (!row) return;
    row.audio.srcObject = null;
    row.el.remove();
    this.#rows.delete(id);
  }
}

async function applySink(audio: HTMLAudioElement, deviceId: string): Promise<void> {
  const withSink = audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
  if (typeof withSink.setSinkId === 'function') await withSink.setSinkId(deviceId).catch(() => undefined);
}
