/**
 * Messages: what the meeting said (to everyone, or to the chair and secretary), and a form to send
 * one. A hall operator reports trouble ("no sound") to the chair this way, with one click.
 */
import type { MessageAudience } from '../../../protocol/messages.js';
import { h, ht } from '../dom.js';
import type { I18n, MessageKey } from '../i18n.js';
import type { Model } from '../model.js';

export class MessagesView {
  readonly el: HTMLDivElement;
  readonly #list: HTMLOListElement;
  readonly #input: HTMLInputElement;
  readonly #to: HTMLSelectElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  #shown = 0;

  constructor(i18n: I18n, model: Model, send: (to: MessageAudience, text: string) => Promise<void>) {
    this.#i18n = i18n;
    this.#model = model;
    this.#list = h('ol', { className: 'messages', 'aria-live': 'polite', id: 'message-list' });
    this.#input = h('input', { type: 'text', maxlength: 1000, id: 'message-text', autocomplete: 'off', required: true });
    i18n.bindAttr(this.#input, 'placeholder', 'messagePlaceholder');
    i18n.bindAttr(this.#input, 'aria-label', 'messagePlaceholder');
    this.#to = h('select', { id: 'message-to' });
    i18n.bindAttr(this.#to, 'aria-label', 'messageTo');
    for (const audience of ['all', 'control'] as const) {
      const option = ht(i18n, 'option', `to.${audience}`, {}, { value: audience });
      this.#to.append(option);
    }
    const submit = ht(i18n, 'button', 'send', {}, { type: 'submit', id: 'message-send' });
    const form = h('form', { className: 'message-form' }, this.#to, this.#input, submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.#input.value.trim();
      if (!text) return;
      submit.disabled = true;
      send(this.#to.value as MessageAudience, text)
        .then(() => (this.#input.value = ''))
        .finally(() => (submit.disabled = false));
    });
    // Quick reports for a hall operator: straight to the chair and secretary.
    const quick = h('div', { className: 'quick' });
    const role = () => model.self?.role;
    for (const key of ['quickNoSound', 'quickNoVideo'] as const satisfies MessageKey[]) {
      const b = ht(i18n, 'button', key, {}, { type: 'button', className: 'small', 'data-quick': key });
      b.addEventListener('click', () => void send('control', i18n.t(key)).catch(() => undefined));
      quick.append(b);
    }
    this.el = h('div', { className: 'messages-view' }, this.#list, quick, form);
    model.onChange(() => {
      quick.hidden = role() === 'chair' || role() === 'secretary';
      this.#to.hidden = !model.mayMessageAll();
      if (!model.mayMessageAll()) this.#to.value = 'control';
    });
  }

  /** Appends messages that arrived since the last render. Returns how many are new. */
  render(): number {
    const messages = this.#model.messages;
    if (messages.length === 0 && this.#shown === 0) {
      this.#list.replaceChildren(ht(this.#i18n, 'li', 'noMessages', {}, { className: 'empty' }));
      return 0;
    }
    if (this.#shown === 0) this.#list.replaceChildren();
    const fresh = messages.slice(this.#shown);
    for (const m of fresh) {
      const mine = m.from === this.#model.self?.id;
      const item = h(
        'li',
        { className: `message${mine ? ' mine' : ''}${m.to === 'control' ? ' to-control' : ''}`, 'data-message-id': m.id },
        h('div', { className: 'meta' }, h('strong', {}, m.name), ' ', h('time', { datetime: new Date(m.at).toISOString() }, this.#i18n.time(m.at)), m.to === 'control' ? ht(this.#i18n, 'span', 'toControlTag', {}, { className: 'tag' }) : null),
        h('p', {}, m.text),
      );
      this.#list.append(item);
    }
    this.#shown = messages.length;
    if (fresh.length) this.#list.lastElementChild?.scrollIntoView({ block: 'nearest' });
    return fresh.length;
  }
}
