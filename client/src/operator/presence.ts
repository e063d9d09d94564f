/** A site's side of the roll call: the headcount in its hall, and "confirm presence" when the chair calls the roll. */
import { h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import { fire, type Send } from '../console/send.js';

export class PresencePanel {
  readonly el: HTMLDivElement;
  readonly #input: HTMLInputElement;
  readonly #confirm: HTMLButtonElement;
  readonly #status: HTMLParagraphElement;
  readonly #alert: HTMLParagraphElement;
  readonly #i18n: I18n;
  readonly #model: Model;

  constructor(i18n: I18n, model: Model, send: Send) {
    this.#i18n = i18n;
    this.#model = model;
    this.#input = h('input', { type: 'number', min: 0, max: 10000, step: 1, id: 'headcount', inputmode: 'numeric' });
    const headcount = (): number | undefined => {
      const n = this.#input.valueAsNumber;
      return Number.isInteger(n) && n >= 0 && n <= 10000 ? n : undefined;
    };
    const save = ht(i18n, 'button', 'saveHeadcount', {}, { type: 'submit', id: 'save-headcount' });
    const form = h('form', { className: 'headcount-form' }, h('label', { for: 'headcount' }, ht(i18n, 'span', 'headcount')), h('div', { className: 'row' }, this.#input, save));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const n = headcount();
      if (n === undefined) return;
      fire(send('set-headcount', { headcount: n }).then(() => {
        model.headcount = n;
        model.changed();
      }));
    });
    this.#confirm = ht(i18n, 'button', 'confirmPresence', {}, { type: 'button', id: 'confirm-presence', className: 'primary big' });
    this.#confirm.addEventListener('click', () => {
      const n = headcount();
      fire(send('confirm-presence', n === undefined ? {} : { headcount: n }).then(() => {
        model.confirmedAt = Date.now();
        if (n !== undefined) model.headcount = n;
        model.changed();
      }));
    });
    this.#status = h('p', { className: 'presence-status', id: 'presence-status', role: 'status' });
    this.#alert = ht(i18n, 'p', 'rollCallNow', {}, { className: 'roll-alert' });
    this.el = h('div', { className: 'presence', id: 'presence' }, this.#alert, this.#confirm, this.#status, form);
  }

  /** Whether the chair has called the roll and we have not answered since. */
  get pending(): boolean {
    const { rollCalledAt, confirmedAt } = this.#model;
    return rollCalledAt !== null && (confirmedAt === null || confirmedAt < rollCalledAt);
  }

  render(): void {
    const model = this.#model;
    const confirmed = model.confirmedAt !== null && !this.pending;
    this.#alert.hidden = !this.pending;
    this.#confirm.classList.toggle('pulse', this.pending);
    this.#confirm.disabled = model.phase !== 'live' && model.phase !== 'waiting';
    if (confirmed) this.#i18n.bind(this.#status, 'confirmedAt', { time: this.#i18n.time(model.confirmedAt!) });
    else this.#i18n.bind(this.#status, 'notConfirmed');
    this.el.classList.toggle('confirmed', confirmed);
    if (model.headcount !== null && document.activeElement !== this.#input && this.#input.value === '') this.#input.value = String(model.headcount);
  }
}
