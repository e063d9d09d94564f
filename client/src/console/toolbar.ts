/**
 * The chair console's meeting-wide controls: open the meeting, mute all, free discussion, lock, the
 * main video (spotlight), end the meeting (chair only, after a confirmation).
 */
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import type { ConfirmDialog } from '../views/confirm.js';
import { fire, type Send } from './send.js';

export class Toolbar {
  readonly el: HTMLDivElement;
  readonly #open: HTMLButtonElement;
  readonly #muteAll: HTMLButtonElement;
  readonly #free: HTMLButtonElement;
  readonly #lock: HTMLButtonElement;
  readonly #spotlight: HTMLSelectElement;
  readonly #end: HTMLButtonElement;
  readonly #waiting: HTMLParagraphElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  #spotKey = '';

  constructor(i18n: I18n, model: Model, send: Send, confirm: ConfirmDialog, onMutedAll: (count: number) => void) {
    this.#i18n = i18n;
    this.#model = model;
    this.#open = button(i18n, 'openMeeting', () => fire(send('open-meeting', {})), { id: 'open-meeting', className: 'primary' });
    this.#muteAll = button(i18n, 'muteAll', () => fire(send('mute-all', {}).then((r) => onMutedAll(r.muted))), { id: 'mute-all' });
    this.#free = button(i18n, 'freeDiscussion', () => fire(send('set-free-discussion', { open: !model.conference?.freeDiscussion })), {
      id: 'free-discussion',
      'aria-pressed': 'false',
    });
    this.#lock = button(i18n, 'lock', () => fire(send('lock-meeting', { locked: !model.conference?.locked })), { id: 'lock-meeting', 'aria-pressed': 'false' });
    this.#spotlight = h('select', { id: 'spotlight' });
    this.#spotlight.addEventListener('change', () => fire(send('spotlight', { participantId: this.#spotlight.value || null })));
    this.#end = button(
      i18n,
      'endMeeting',
      () => {
        const count = String(model.participants.size);
        void confirm.ask('endConfirm', { count }).then((yes) => {
          if (yes) fire(send('end-meeting', {}));
        });
      },
      { id: 'end-meeting', className: 'danger' },
    );
    this.#waiting = ht(i18n, 'p', 'phaseWaiting', {}, { className: 'phase-note', role: 'status' });
    this.el = h(
      'div',
      { className: 'toolbar', role: 'toolbar', id: 'console-toolbar' },
      this.#open,
      this.#muteAll,
      this.#free,
      this.#lock,
      h('label', { className: 'spotlight', for: 'spotlight' }, ht(i18n, 'span', 'spotlightLabel'), this.#spotlight),
      h('span', { className: 'spacer' }),
      this.#end,
    );
    this.el.append(this.#waiting);
    i18n.bindAttr(this.el, 'aria-label', 'console');
  }

  render(): void {
    const model = this.#model;
    const conference = model.conference;
    const isChair = model.self?.role === 'chair';
    this.#open.hidden = !isChair || model.phase !== 'waiting';
    this.#waiting.hidden = model.phase !== 'waiting';
    this.#end.hidden = !isChair;
    this.#free.setAttribute('aria-pressed', String(!!conference?.freeDiscussion));
    this.#lock.setAttribute('aria-pressed', String(!!conference?.locked));
    const options: [string, string][] = [['', this.#i18n.t('spotlightDefault')]];
    for (const p of model.participants.values()) if (p.role !== 'observer') options.push([p.id, p.name]);
    const spotlight = conference?.spotlight ?? '';
    const key = JSON.stringify([options, spotlight]);
    if (key === this.#spotKey) return;
    this.#spotKey = key;
    this.#spotlight.replaceChildren(...options.map(([value, label]) => h('option', { value, selected: value === spotlight }, label)));
    this.#spotlight.value = spotlight;
  }
}
