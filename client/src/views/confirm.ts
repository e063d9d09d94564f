/** A modal yes/no question (<dialog>: focus is trapped and Escape cancels). */
import { h, ht } from '../dom.js';
import type { I18n, MessageKey, Params } from '../i18n.js';

export class ConfirmDialog {
  readonly #dialog: HTMLDialogElement;
  readonly #text: HTMLParagraphElement;
  readonly #i18n: I18n;
  #resolve: ((yes: boolean) => void) | null = null;

  constructor(i18n: I18n) {
    this.#i18n = i18n;
    this.#text = h('p', { id: 'confirm-text' });
    const no = ht(i18n, 'button', 'cancel', {}, { type: 'button', id: 'confirm-no' });
    const yes = ht(i18n, 'button', 'confirm', {}, { type: 'button', id: 'confirm-yes', className: 'danger' });
    this.#dialog = h('dialog', { id: 'confirm-dialog', 'aria-describedby': 'confirm-text' }, this.#text, h('div', { className: 'dialog-buttons' }, no, yes));
    no.addEventListener('click', () => this.#dialog.close('no'));
    yes.addEventListener('click', () => this.#dialog.close('yes'));
    this.#dialog.addEventListener('close', () => {
      this.#resolve?.(this.#dialog.returnValue === 'yes');
      this.#resolve = null;
    });
    document.body.append(this.#dialog);
  }

  ask(key: MessageKey, params: Params = {}): Promise<boolean> {
    this.#i18n.bind(this.#text, key, params);
    this.#dialog.returnValue = '';
    this.#dialog.showModal();
    this.#dialog.querySelector<HTMLButtonElement>('#confirm-no')?.focus();
    return new Promise((resolve) => (this.#resolve = resolve));
  }
}
