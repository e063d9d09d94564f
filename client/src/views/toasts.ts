/** Short notices that go by themselves (muted by the chair, the floor granted, a new message). */
import { h } from '../dom.js';
import type { I18n, MessageKey, Params } from '../i18n.js';

const SHOWN_MS = 7000;

export class Toasts {
  readonly #el: HTMLElement;
  readonly #i18n: I18n;

  constructor(el: HTMLElement, i18n: I18n) {
    this.#el = el;
    this.#i18n = i18n;
  }

  show(key: MessageKey, params: Params = {}, kind: 'info' | 'warn' | 'error' = 'info', detail?: string): void {
    const text = h('span');
    this.#i18n.bind(text, key, params);
    const toast = h('div', { className: `toast ${kind}`, 'data-key': key }, text, detail ? h('span', { className: 'detail' }, detail) : null);
    this.#el.append(toast);
    while (this.#el.childElementCount > 4) this.#el.firstElementChild?.remove();
    setTimeout(() => toast.remove(), SHOWN_MS);
  }
}
