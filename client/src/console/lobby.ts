/** The guest lobby: join links not on the invitation list wait here until admitted or refused. */
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import { fire, type Send } from './send.js';

export class LobbyPanel {
  readonly el: HTMLDivElement;
  readonly #list: HTMLUListElement;
  readonly #all: HTMLButtonElement;
  readonly #removed: HTMLUListElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  readonly #send: Send;
  #key = '';

  constructor(i18n: I18n, model: Model, send: Send) {
    this.#i18n = i18n;
    this.#model = model;
    this.#send = send;
    this.#list = h('ul', { className: 'lobby', id: 'lobby' });
    this.#all = button(i18n, 'admitAll', () => fire(send('admit-all-guests', {})), { id: 'admit-all', className: 'primary' });
    this.#removed = h('ul', { className: 'removed', id: 'removed-list' });
    this.el = h('div', { className: 'lobby-panel' }, h('div', { className: 'lobby-tools' }, this.#all), this.#list, ht(i18n, 'h3', 'removedList'), this.#removed);
  }

  get waiting(): number {
    return this.#model.conference?.lobby?.length ?? 0;
  }

  render(): void {
    const lobby = this.#model.conference?.lobby ?? [];
    const removed = this.#model.conference?.removed ?? [];
    const key = JSON.stringify([lobby, removed, this.#i18n.lang]);
    if (key === this.#key) return;
    this.#key = key;
    const i18n = this.#i18n;
    const send = this.#send;
    this.#all.disabled = lobby.length === 0;
    this.#list.replaceChildren(
      ...(lobby.length === 0
        ? [ht(i18n, 'li', 'lobbyEmpty', {}, { className: 'empty' })]
        : lobby.map((g) =>
            h(
              'li',
              { className: 'guest', 'data-participant-id': g.participantId },
              h('div', { className: 'what' }, h('strong', {}, g.name), ht(i18n, 'span', `role.${g.role}`, {}, { className: 'role' }), ht(i18n, 'span', 'since', { time: i18n.time(g.since) }, { className: 'at' })),
              h(
                'div',
                { className: 'row-actions' },
                button(i18n, 'admit', () => fire(send('admit-guest', { participantId: g.participantId })), { className: 'small primary', 'data-action': 'admit', 'data-key': `admit-${g.participantId}` }),
                button(i18n, 'refuse', () => fire(send('refuse-guest', { participantId: g.participantId })), { className: 'small danger', 'data-action': 'refuse', 'data-key': `refuse-${g.participantId}` }),
              ),
            ),
          )),
    );
    this.#removed.closest('div')!.querySelector('h3')!.hidden = removed.length === 0;
    this.#removed.replaceChildren(
      ...removed.map((r) =>
        h(
          'li',
          { className: 'guest' },
          h('div', { className: 'what' }, h('strong', {}, r.name), h('span', { className: 'at' }, i18n.time(r.removedAt))),
          button(i18n, 'readmit', () => fire(send('admit', { subjectId: r.subjectId })), { className: 'small', 'data-key': `readmit-${r.subjectId}` }),
        ),
      ),
    );
  }
}
