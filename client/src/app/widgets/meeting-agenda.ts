/**
 * The agenda of a meeting as editable rows (content, presenter, minutes), added, removed and
 * moved up or down; each row checks itself as one types.
 */
import type { Translate } from '../i18n.js';
import { defineStrings } from '../i18n.js';
import { btn, field, h, input } from '../ui.js';

/** A row as typed (minutes as text until checked). */
export interface AgendaRow {
  title: string;
  presenter: string;
  minutes: string;
}

export const agendaStrings = defineStrings({
  vi: {
    legend: 'Chương trình họp',
    item: 'Nội dung mục {n}',
    presenter: 'Người trình bày',
    minutes: 'Số phút',
    add: '+ Thêm mục',
    up: 'Chuyển mục {n} lên',
    down: 'Chuyển mục {n} xuống',
    remove: 'Xoá mục {n}',
    empty: 'Chưa có mục nào.',
    titleRequired: 'Nhập nội dung của mục này (hoặc xoá mục).',
    minutesRange: 'Thời lượng là số phút từ 1 đến 1440.',
    total: 'Tổng thời lượng: {n} phút',
  },
  en: {
    legend: 'Agenda',
    item: 'Item {n}',
    presenter: 'Presenter',
    minutes: 'Minutes',
    add: '+ Add an item',
    up: 'Move item {n} up',
    down: 'Move item {n} down',
    remove: 'Remove item {n}',
    empty: 'No items yet.',
    titleRequired: 'Enter what this item is about (or remove it).',
    minutesRange: 'Duration is a number of minutes from 1 to 1440.',
    total: 'Total: {n} minutes',
  },
});

/** The error of each part of a row, or null. */
export function agendaRowErrors(row: AgendaRow): { title: 'titleRequired' | null; minutes: 'minutesRange' | null } {
  const m = row.minutes.trim();
  return {
    title: row.title.trim() === '' ? 'titleRequired' : null,
    minutes: m === '' || (/^\d+$/.test(m) && Number(m) >= 1 && Number(m) <= 1440) ? null : 'minutesRange',
  };
}

/** The rows as the API takes them. */
export function agendaItems(rows: readonly AgendaRow[]): { title: string; presenter?: string; minutes?: number }[] {
  return rows.map((r) => ({
    title: r.title.trim(),
    ...(r.presenter.trim() ? { presenter: r.presenter.trim() } : {}),
    ...(r.minutes.trim() ? { minutes: Number(r.minutes.trim()) } : {}),
  }));
}

export interface AgendaEditor {
  el: HTMLFieldSetElement;
  /** Shows every row's errors (after a save attempt). */
  showErrors(): void;
}

/** Edits `rows` in place (it is the form's draft); `onChange` after every change. */
export function createAgendaEditor(t: Translate<keyof (typeof agendaStrings)['vi']>, rows: AgendaRow[], onChange: () => void): AgendaEditor {
  const list = h('ol', { className: 'agenda-rows' });
  const total = h('p', { className: 'muted agenda-total' });
  const el = h('fieldset', { className: 'agenda' }, h('legend', {}, t('legend')), list, h('div', { className: 'row' }, btn(t('add'), () => addRow()), total));
  let showAll = false;
  const touched = new WeakSet<AgendaRow>();

  function render(focus?: { index: number; part: 'title' | 'up' | 'down' | 'remove' | 'add' }): void {
    list.replaceChildren(...(rows.length === 0 ? [h('li', { className: 'muted empty-row' }, t('empty'))] : rows.map((row, i) => renderRow(row, i, focus?.index === i ? focus.part : undefined))));
    renderTotal();
  }

  function renderTotal(): void {
    const sum = rows.reduce((s, r) => s + (/^\d+$/.test(r.minutes.trim()) ? Number(r.minutes.trim()) : 0), 0);
    total.textContent = sum > 0 ? t('total', { n: sum }) : '';
  }

  function renderRow(row: AgendaRow, i: number, focus: string | undefined): HTMLLIElement {
    const n = i + 1;
    const title = field(t('item', { n }), input({ value: row.title, maxlength: 300, 'data-part': 'title' }));
    const presenter = field(t('presenter'), input({ value: row.presenter, maxlength: 200 }));
    const minutes = field(t('minutes'), input({ value: row.minutes, inputmode: 'numeric', maxlength: 4, className: 'minutes' }));
    const check = () => {
      const errors = agendaRowErrors(row);
      const show = showAll || touched.has(row);
      title.setError(show && errors.title ? t(errors.title) : null);
      minutes.setError(show && errors.minutes ? t(errors.minutes) : null);
    };
    const bind = (f: { control: HTMLInputElement }, key: keyof AgendaRow) =>
      f.control.addEventListener('input', () => {
        row[key] = f.control.value;
        touched.add(row);
        check();
        renderTotal();
        onChange();
      });
    bind(title, 'title');
    bind(presenter, 'presenter');
    bind(minutes, 'minutes');
    check();
    const up = btn('↑', () => move(i, -1), { className: 'small', 'aria-label': t('up', { n }), disabled: i === 0 });
    const down = btn('↓', () => move(i, 1), { className: 'small', 'aria-label': t('down', { n }), disabled: i === rows.length - 1 });
    const remove = btn('✕', () => removeRow(i), { className: 'small', 'aria-label': t('remove', { n }) });
    const li = h('li', { className: 'agenda-row' }, title.el, presenter.el, minutes.el, h('div', { className: 'agenda-buttons' }, up, down, remove));
    if (focus) queueMicrotask(() => ({ title: title.control, up, down, remove, add: title.control })[focus as 'title']?.focus());
    return li;
  }

  function addRow(): void {
    rows.push({ title: '', presenter: '', minutes: '' });
    render({ index: rows.length - 1, part: 'title' });
    onChange();
  }

  function removeRow(i: number): void {
    rows.splice(i, 1);
    render(rows.length > 0 ? { index: Math.min(i, rows.length - 1), part: 'remove' } : undefined);
    if (rows.length === 0) (el.querySelector('button') as HTMLButtonElement | null)?.focus();
    onChange();
  }

  function move(i: number, by: -1 | 1): void {
    const j = i + by;
    if (j < 0 || j >= rows.length) return;
    [rows[i], rows[j]] = [rows[j] as AgendaRow, rows[i] as AgendaRow];
    // Keep the focus on the same button of the moved row, unless it went to an end where it is disabled.
    const part = (by < 0 && j === 0) || (by > 0 && j === rows.length - 1) ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down';
    render({ index: j, part });
    onChange();
  }

  render();
  return {
    el,
    showErrors() {
      showAll = true;
      render();
    },
  };
}
