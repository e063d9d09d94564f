/**
 * The floor as everyone sees it: who speaks and the countdown of a limited turn; and, for sites and
 * officials, "request the floor" (with an optional subject and agenda item), the queue position
 * and withdrawing the request.
 */
import type { FloorRequestPayload } from '../../../protocol/messages.js';
import { clock, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';

/** How a request or turn names its agenda item: "2. Title" for a scheduled meeting's agenda, else as typed. */
export function agendaLabel(about: { agendaItem?: string; agendaTitle?: string }): string | undefined {
  if (about.agendaTitle !== undefined && about.agendaItem !== undefined) return `${Number(about.agendaItem) + 1}. ${about.agendaTitle}`;
  return about.agendaItem;
}

export interface FloorRequests {
  request(payload: FloorRequestPayload): Promise<void>;
  cancel(): Promise<void>;
}

export class FloorStatus {
  readonly el: HTMLDivElement;
  readonly #who: HTMLSpanElement;
  readonly #countdown: HTMLSpanElement;
  readonly #subject: HTMLSpanElement;
  readonly #i18n: I18n;
  readonly #model: Model;

  constructor(i18n: I18n, model: Model, extra: Node[] = []) {
    this.#i18n = i18n;
    this.#model = model;
    this.#who = h('span', { className: 'who', id: 'floor-holder' });
    this.#countdown = h('span', { className: 'countdown', id: 'floor-countdown', role: 'timer' });
    this.#subject = h('span', { className: 'subject' });
    this.el = h('div', { className: 'floor-status', id: 'floor-status' }, h('div', { className: 'line' }, this.#who, this.#countdown), this.#subject, ...extra);
    // The countdown runs between renders.
    setInterval(() => this.#tick(), 500);
  }

  render(): void {
    const floor = this.#model.conference?.floor ?? null;
    this.el.classList.toggle('active', !!floor);
    this.el.classList.toggle('mine', this.#model.hasFloor);
    if (!floor) this.#i18n.bind(this.#who, 'noSpeaker');
    else if (this.#model.hasFloor) this.#i18n.bind(this.#who, 'floorYou');
    else this.#i18n.bind(this.#who, 'floorHolder', { name: this.#model.name(floor.participantId) });
    this.#subject.textContent = [floor ? agendaLabel(floor) : undefined, floor?.subject].filter(Boolean).join(' · ');
    this.#tick();
  }

  #tick(): void {
    const deadline = this.#model.conference?.floor?.deadline ?? null;
    this.#countdown.hidden = deadline === null;
    if (deadline === null) return;
    const left = deadline - Date.now();
    this.#countdown.classList.toggle('ending', left < 30_000);
    this.#i18n.bind(this.#countdown, left > 0 ? 'timeLeft' : 'timeUp', { time: clock(left) });
  }
}

/** The request button (in the control bar) and its dialog. */
export class FloorRequest {
  readonly button: HTMLButtonElement;
  readonly position: HTMLSpanElement;
  readonly dialog: HTMLDialogElement;
  readonly #i18n: I18n;
  readonly #model: Model;

  constructor(i18n: I18n, model: Model, requests: FloorRequests, onError: (error: unknown) => void) {
    this.#i18n = i18n;
    this.#model = model;
    this.button = h('button', { type: 'button', id: 'request-floor', className: 'primary' });
    this.position = h('span', { className: 'queue-position', id: 'queue-position', role: 'status' });
    const subject = h('input', { type: 'text', name: 'subject', maxlength: 200, id: 'floor-subject', autocomplete: 'off' });
    // A scheduled meeting's agenda is a list to pick from; an ad-hoc meeting's item is typed.
    const agenda: HTMLInputElement | HTMLSelectElement = model.agenda.length
      ? h(
          'select',
          { name: 'agendaItem', id: 'floor-agenda' },
          h('option', { value: '' }, '—'),
          ...model.agenda.map((item, i) => h('option', { value: String(i) }, agendaLabel({ agendaItem: String(i), agendaTitle: item.title }) ?? '')),
        )
      : h('input', { type: 'text', name: 'agendaItem', maxlength: 64, id: 'floor-agenda', autocomplete: 'off' });
    const submit = ht(i18n, 'button', 'requestFloor', {}, { type: 'submit', className: 'primary', id: 'floor-submit' });
    const cancel = ht(i18n, 'button', 'cancel', {}, { type: 'button' });
    const form = h(
      'form',
      { method: 'dialog' },
      ht(i18n, 'h2', 'requestFloor'),
      h('label', { for: 'floor-subject' }, ht(i18n, 'span', 'floorSubject')),
      subject,
      h('label', { for: 'floor-agenda' }, ht(i18n, 'span', 'floorAgenda')),
      agenda,
      h('div', { className: 'dialog-buttons' }, cancel, submit),
    );
    this.dialog = h('dialog', { id: 'floor-dialog', 'aria-labelledby': 'floor-dialog-title' }, form);
    form.querySelector('h2')!.id = 'floor-dialog-title';
    cancel.addEventListener('click', () => this.dialog.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const payload: FloorRequestPayload = {};
      if (subject.value.trim()) payload.subject = subject.value.trim();
      if (agenda.value.trim()) payload.agendaItem = agenda.value.trim();
      submit.disabled = true;
      requests
        .request(payload)
        .then(() => {
          this.dialog.close();
          subject.value = '';
          agenda.value = '';
        })
        .catch(onError)
        .finally(() => (submit.disabled = false));
    });
    this.button.addEventListener('click', () => {
      if (this.#model.queuePosition !== null) {
        this.button.disabled = true;
        requests
          .cancel()
          .catch(onError)
          .finally(() => (this.button.disabled = false));
      } else {
        this.dialog.showModal();
        subject.focus();
      }
    });
    document.body.append(this.dialog);
  }

  render(): void {
    const model = this.#model;
    const allowed = model.mayRequestFloor() && model.phase === 'live';
    this.button.hidden = !model.mayRequestFloor();
    this.button.disabled = !allowed || model.hasFloor;
    const position = model.queuePosition;
    this.#i18n.bind(this.button, position === null ? 'requestFloor' : 'cancelRequest');
    this.button.setAttribute('aria-pressed', String(position !== null));
    this.position.hidden = position === null;
    if (position !== null) this.#i18n.bind(this.position, 'queuePosition', { position: String(position), total: String(model.conference?.queue.length ?? position) });
  }
}
