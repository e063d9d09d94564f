/**
 * The roll call (điểm danh) for the chair and secretary: every expected site grouped by the unit
 * tree (a district, then its communes), its state, headcount and link quality, totals per group and
 * overall, filters for who is missing, and "call the roll".
 */
import type { RollCall, RollCallEntry, RollCallTotals } from '../../../protocol/conference.js';
import { button, h, ht } from '../dom.js';
import type { I18n } from '../i18n.js';
import type { Model } from '../model.js';
import { fire, type Send } from './send.js';

export class RollCallPanel {
  readonly el: HTMLDivElement;
  readonly #totals: HTMLParagraphElement;
  readonly #called: HTMLSpanElement;
  readonly #groups: HTMLDivElement;
  readonly #absent: HTMLInputElement;
  readonly #unconfirmed: HTMLInputElement;
  readonly #i18n: I18n;
  readonly #model: Model;
  #key = '';

  constructor(i18n: I18n, model: Model, send: Send) {
    this.#i18n = i18n;
    this.#model = model;
    this.#totals = h('p', { className: 'totals', id: 'roll-call-totals', 'aria-live': 'polite' });
    this.#called = h('span', { className: 'called' });
    this.#absent = h('input', { type: 'checkbox', id: 'filter-absent' });
    this.#unconfirmed = h('input', { type: 'checkbox', id: 'filter-unconfirmed' });
    for (const box of [this.#absent, this.#unconfirmed]) box.addEventListener('change', () => this.render(true));
    this.#groups = h('div', { className: 'roll-groups', id: 'roll-call' });
    const call = button(i18n, 'callRoll', () => fire(send('call-roll', {})), { id: 'call-roll', className: 'primary' });
    this.el = h(
      'div',
      { className: 'roll-call-panel' },
      this.#totals,
      h('div', { className: 'roll-tools' }, call, this.#called),
      h(
        'div',
        { className: 'filters', role: 'group' },
        h('label', {}, this.#absent, ' ', ht(i18n, 'span', 'filterAbsent')),
        h('label', {}, this.#unconfirmed, ' ', ht(i18n, 'span', 'filterUnconfirmed')),
      ),
      this.#groups,
    );
  }

  render(force = false): void {
    const roll = this.#model.rollCall;
    const key = JSON.stringify([roll?.at, roll?.entries.length, this.#i18n.lang, this.#model.rollCallUnavailable]);
    if (!force && key === this.#key) return;
    this.#key = key;
    if (!roll) {
      this.#totals.textContent = '';
      this.#groups.replaceChildren(this.#model.rollCallUnavailable ? ht(this.#i18n, 'p', 'rollUnavailable', {}, { className: 'empty' }) : h('p'));
      return;
    }
    this.#totals.replaceChildren(...this.#totalsText(roll.totals, true));
    if (roll.calledAt) this.#i18n.bind(this.#called, 'rollCalledAt', { time: this.#i18n.time(roll.calledAt) });
    else this.#i18n.bind(this.#called, 'rollNever');
    this.#groups.replaceChildren(...this.#renderGroups(roll));
  }

  #renderGroups(roll: RollCall): HTMLElement[] {
    const shown = roll.entries.filter((e) => (!this.#absent.checked || e.state === 'absent') && (!this.#unconfirmed.checked || e.confirmedAt === null));
    const groups = [...roll.groups];
    if (shown.some((e) => e.groupId === null) && !groups.some((g) => g.unit === null)) groups.push({ unit: null, totals: roll.totals });
    return groups
      .map((group) => {
        const entries = shown.filter((e) => (e.groupId ?? null) === (group.unit?.id ?? null));
        if (entries.length === 0) return null;
        const title = group.unit?.name ?? this.#i18n.t('otherGroup');
        return h(
          'details',
          { open: true, className: 'roll-group', 'data-group': group.unit?.id ?? '' },
          h('summary', {}, h('strong', {}, title), ' ', h('span', { className: 'group-totals' }, ...this.#totalsText(group.totals, false))),
          h('ul', { className: 'roll-entries' }, ...entries.map((e) => this.#entry(e, group.unit?.id ?? null))),
        );
      })
      .filter((el): el is HTMLDetailsElement => el !== null);
  }

  #entry(e: RollCallEntry, groupId: string | null): HTMLLIElement {
    const i18n = this.#i18n;
    // Below the group: the commune (the path's units under the district).
    const below = e.unitPath.slice(e.unitPath.findIndex((u) => u.id === groupId) + 1).map((u) => u.name);
    const q = e.quality;
    const quality = q
      ? i18n.t('quality', {
          kbps: q.sendKbps === null ? '–' : String(Math.round(q.sendKbps)),
          loss: q.lossPercent === null ? '–' : q.lossPercent.toFixed(1),
          rtt: q.rttMs === null ? '–' : String(Math.round(q.rttMs)),
          score: q.score === null ? '–' : String(q.score),
        })
      : e.state === 'absent'
        ? ''
        : i18n.t('noQuality');
    return h(
      'li',
      { className: `roll-entry state-${e.state}`, 'data-key': e.key, 'data-subject-id': e.subjectId, 'data-state': e.state },
      h('span', { className: `dot state-${e.state}`, 'aria-hidden': 'true' }),
      h('div', { className: 'what' }, h('strong', {}, e.name), below.length ? h('span', { className: 'unit' }, below.join(' › ')) : null, quality ? h('span', { className: 'quality' }, quality) : null),
      h(
        'div',
        { className: 'state' },
        ht(i18n, 'span', `rc.${e.state}`, {}, { className: 'state-label' }),
        e.waiting ? ht(i18n, 'span', 'rcWaiting', {}, { className: 'tag' }) : null,
        e.guest ? ht(i18n, 'span', 'rcGuest', {}, { className: 'tag' }) : null,
        e.headcount !== null ? ht(i18n, 'span', 'people', { n: String(e.headcount) }, { className: 'headcount' }) : null,
      ),
    );
  }

  #totalsText(t: RollCallTotals, overall: boolean): HTMLElement[] {
    const i18n = this.#i18n;
    return [
      ht(i18n, 'span', 'connectedTotals', { connected: String(t.expectedConnected), expected: String(t.expected) }, { className: overall ? 'connected big' : 'connected' }),
      h('span', { className: 'sep' }, ' · '),
      ht(i18n, 'span', 'confirmedTotals', { confirmed: String(t.confirmed) }),
      h('span', { className: 'sep' }, ' · '),
      ht(i18n, 'span', 'headcountTotals', { headcount: String(t.headcount) }),
    ];
  }
}
