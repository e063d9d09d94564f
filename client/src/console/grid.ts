/**
 * The console's grid: every site at the lowest layer, one page at a time. The server consumes only
 * the tiles of the page shown; turning the page asks it for another (set-grid-page).
 */
import type { ParticipantId } from '../../../protocol/ids.js';
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import type { RemoteTracks } from '../remote-tracks.js';
import { VideoSlot } from '../views/video-slot.js';
import { fire, type Send } from './send.js';

export class GridView {
  readonly el: HTMLDivElement;
  readonly #cells: HTMLDivElement;
  readonly #slots: VideoSlot[] = [];
  readonly #label: HTMLSpanElement;
  readonly #prev: HTMLButtonElement;
  readonly #next: HTMLButtonElement;
  readonly #empty: HTMLParagraphElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  readonly #tracks: RemoteTracks;
  readonly #onFirstFrame: () => void;
  readonly #send: Send;

  constructor(i18n: I18n, model: Model, tracks: RemoteTracks, send: Send, onFirstFrame: () => void) {
    this.#i18n = i18n;
    this.#model = model;
    this.#tracks = tracks;
    this.#onFirstFrame = onFirstFrame;
    this.#cells = h('div', { className: 'grid-cells', id: 'grid' });
    this.#label = h('span', { id: 'grid-page-label', 'aria-live': 'polite' });
    const turn = (delta: number) => {
      const grid = model.grid;
      if (!grid) return;
      fire(send('set-grid-page', { page: Math.max(0, grid.page + delta), pageSize: grid.pageSize }).then((page) => {
        model.grid = page;
        model.changed();
      }));
    };
    this.#prev = button(i18n, 'prevPage', () => turn(-1), { id: 'grid-prev' });
    this.#next = button(i18n, 'nextPage', () => turn(1), { id: 'grid-next' });
    this.#empty = ht(i18n, 'p', 'gridEmpty', {}, { className: 'empty' });
    this.el = h('div', { className: 'grid-view' }, this.#cells, this.#empty, h('div', { className: 'pager' }, this.#prev, this.#label, this.#next));
    this.#send = send;
  }

  render(): void {
    const model = this.#model;
    const grid = model.grid;
    const ids = grid?.participantIds ?? [];
    const size = grid?.pageSize ?? 9;
    while (this.#slots.length < size) this.#addSlot();
    this.#cells.style.setProperty('--columns', String(Math.ceil(Math.sqrt(size))));
    const conference = model.conference;
    this.#slots.forEach((slot, i) => {
      const id = (ids[i] ?? null) as ParticipantId | null;
      slot.el.hidden = i >= size || (id === null && ids.length === 0);
      const badge = id && conference?.floor?.participantId === id ? this.#i18n.t('speaking') : id && conference?.main === id ? this.#i18n.t('mainVideo') : null;
      slot.show({
        id,
        name: model.name(id),
        tracks: this.#tracks.get(id),
        emptyKey: 'gridEmpty',
        micOff: id ? !conference?.speakers.includes(id) : false,
        speaking: id !== null && id === model.activeSpeaker,
        badge,
      });
      slot.el.classList.toggle('floor', !!id && conference?.floor?.participantId === id);
    });
    this.#empty.hidden = ids.length > 0;
    const pages = grid ? Math.max(1, Math.ceil(grid.total / grid.pageSize)) : 1;
    this.#i18n.bind(this.#label, 'gridPage', { page: String((grid?.page ?? 0) + 1), pages: String(pages) });
    this.#prev.disabled = !grid || grid.page === 0;
    this.#next.disabled = !grid || grid.page + 1 >= pages;
  }

  #addSlot(): void {
    const index = this.#slots.length;
    const idAt = () => this.#model.grid?.participantIds[index];
    const send = this.#send;
    const actions = h(
      'div',
      { className: 'cell-actions' },
      button(this.#i18n, 'grant', () => {
        const id = idAt();
        if (id) fire(send('grant-floor', { participantId: id }));
      }, { className: 'small', 'data-action': 'grant' }),
      button(this.#i18n, 'spotlight', () => {
        const id = idAt();
        if (id) fire(send('spotlight', { participantId: id }));
      }, { className: 'small', 'data-action': 'spotlight' }),
    );
    const slot = new VideoSlot(this.#i18n, 'grid-cell', this.#onFirstFrame, [actions]);
    this.#slots.push(slot);
    this.#cells.append(slot.el);
  }
}
