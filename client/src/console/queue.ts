/** The speaker queue for the chair and secretary: grant (with an optional time limit), skip, revoke. */
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import { agendaLabel, FloorStatus } from '../views/floor.js';
import { fire, type Send } from './send.js';

const LIMITS_MINUTES = [1, 2, 3, 5, 10, 15];

export class QueuePanel {
  readonly el: HTMLDivElement;
  /** The floor holder and countdown, with "end turn": shown above the tabs. */
  readonly floor: FloorStatus;
  readonly #list: HTMLOListElement;
  readonly #limit: HTMLSelectElement;
  readonly #next: HTMLButtonElement;
  readonly #revoke: HTMLButtonElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  readonly #send: Send;
  #key = '';

  constructor(i18n: I18n, model: Model, send: Send) {
    this.#i18n = i18n;
    this.#model = model;
    this.#send = send;
    this.#revoke = button(i18n, 'revoke', () => fire(send('revoke-floor', {})), { id: 'revoke-floor', className: 'danger small' });
    this.floor = new FloorStatus(i18n, model, [this.#revoke]);
    this.#limit = h('select', { id: 'turn-limit' });
    this.#limit.append(ht(i18n, 'option', 'noLimit', {}, { value: '' }));
    for (const n of LIMITS_MINUTES) this.#limit.append(ht(i18n, 'option', 'minutes', { n: String(n) }, { value: String(n * 60) }));
    this.#next = button(i18n, 'grantNext', () => this.#grant(undefined), { id: 'grant-next', className: 'primary' });
    this.#list = h('ol', { className: 'queue', id: 'queue' });
    this.el = h(
      'div',
      { className: 'queue-panel' },
      h('div', { className: 'queue-tools' }, h('label', { for: 'turn-limit' }, ht(i18n, 'span', 'timeLimit')), this.#limit, this.#next),
      this.#list,
    );
  }

  /** Grants the floor with the chosen time limit; the head of the queue when no one is named. */
  grant(participantId: string | undefined): void {
    this.#grant(participantId);
  }

  render(): void {
    this.floor.render();
    const conference = this.#model.conference;
    const queue = conference?.queue ?? [];
    this.#revoke.hidden = !conference?.floor;
    this.#next.disabled = queue.length === 0;
    const key = JSON.stringify([queue, this.#i18n.lang, queue.map((r) => this.#model.name(r.participantId))]);
    if (key === this.#key) return;
    this.#key = key;
    if (queue.length === 0) {
      this.#list.replaceChildren(ht(this.#i18n, 'li', 'queueEmpty', {}, { className: 'empty' }));
      return;
    }
    this.#list.replaceChildren(
      ...queue.map((r, i) =>
        h(
          'li',
          { className: 'queue-entry', 'data-participant-id': r.participantId },
          h('span', { className: 'position' }, String(i + 1)),
          h(
            'div',
            { className: 'what' },
            h('strong', {}, this.#model.name(r.participantId)),
            h('span', { className: 'subject' }, [agendaLabel(r), r.subject].filter(Boolean).join(' · ')),
            ht(this.#i18n, 'span', 'requestedAt', { time: this.#i18n.time(r.requestedAt) }, { className: 'at' }),
          ),
          h(
            'div',
            { className: 'row-actions' },
            button(this.#i18n, 'grant', () => this.#grant(r.participantId), { className: 'small primary', 'data-action': 'grant', 'data-key': `qgrant-${r.participantId}` }),
            button(this.#i18n, 'skip', () => fire(this.#send('skip-floor', { participantId: r.participantId })), { className: 'small', 'data-action': 'skip', 'data-key': `qskip-${r.participantId}` }),
          ),
        ),
      ),
    );
  }

  #grant(participantId: string | undefined): void {
    const seconds = Number(this.#limit.value);
    fire(this.#send('grant-floor', { ...(participantId ? { participantId } : {}), ...(seconds ? { timeLimitSeconds: seconds } : {}) }));
  }
}
