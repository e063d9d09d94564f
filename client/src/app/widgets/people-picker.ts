/**
 * Choosing people (the chair, secretaries, invited officials): the chosen ones as removable
 * chips, and a search box listing matches by name, title or unit, marks ignored. Enter adds the
 * first match; the arrow keys move through the matches. With `max: 1` a choice replaces the last.
 */
import type { Translate } from '../i18n.js';
import { defineStrings } from '../i18n.js';
import { btn, h } from '../ui.js';
import { fold } from './unit-picker.js';

export interface PickerPerson {
  id: string;
  name: string;
  title?: string | undefined;
  unitId: string;
}

export const peoplePickerStrings = defineStrings({
  vi: {
    search: 'Tìm cán bộ để thêm',
    searchHint: 'Gõ tên, chức vụ hoặc đơn vị; Enter để chọn người đầu tiên.',
    remove: 'Bỏ {name}',
    add: 'Chọn {name}',
    none: 'Chưa chọn ai.',
    noMatch: 'Không tìm thấy cán bộ nào.',
    more: 'Còn {n} người khác: gõ thêm để thu hẹp.',
    unknown: '{id} (ngoài phạm vi của bạn)',
  },
  en: {
    search: 'Find a person to add',
    searchHint: 'Type a name, title or unit; Enter picks the first.',
    remove: 'Remove {name}',
    add: 'Choose {name}',
    none: 'Nobody chosen.',
    noMatch: 'Nobody matches.',
    more: '{n} more: type more to narrow it down.',
    unknown: '{id} (outside your scope)',
  },
});

export interface PeoplePicker {
  el: HTMLFieldSetElement;
  value(): string[];
  set(ids: readonly string[]): void;
  setError(message: string | null): void;
}

const SHOWN = 8;
let seq = 0;

export function createPeoplePicker(options: {
  t: Translate<keyof (typeof peoplePickerStrings)['vi']>;
  legend: string;
  hint?: string;
  people: readonly PickerPerson[];
  unitName(unitId: string): string | undefined;
  max?: number;
  /** People not offered (e.g. already the chair). */
  exclude?: () => ReadonlySet<string>;
  onChange(ids: string[]): void;
}): PeoplePicker {
  const { t } = options;
  const id = `pp${++seq}`;
  const byId = new Map(options.people.map((p) => [p.id, p]));
  const folded = options.people.map((p) => ({ person: p, text: fold(`${p.name} ${p.title ?? ''} ${options.unitName(p.unitId) ?? ''}`) }));
  let chosen: string[] = [];

  const chips = h('ul', { className: 'chips', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: `${id}-q`, autocomplete: 'off', 'aria-describedby': `${id}-hint ${id}-error`, 'aria-controls': `${id}-results` });
  const results = h('ul', { className: 'people-results', id: `${id}-results`, hidden: true });
  const error = h('p', { className: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const el = h(
    'fieldset',
    { className: 'people-picker' },
    h('legend', {}, options.legend),
    options.hint ? h('p', { className: 'hint' }, options.hint) : null,
    chips,
    h('div', { className: 'field' }, h('label', { for: search.id }, t('search')), search, h('p', { className: 'hint', id: `${id}-hint` }, t('searchHint')), results),
    error,
  );

  const describe = (p: PickerPerson) => [p.title, options.unitName(p.unitId)].filter(Boolean).join(', ');

  function renderChips(): void {
    chips.replaceChildren(
      ...(chosen.length === 0
        ? [h('li', { className: 'muted' }, t('none'))]
        : chosen.map((pid) => {
            const person = byId.get(pid);
            const name = person ? person.name : t('unknown', { id: pid });
            return h(
              'li',
              { className: 'chip', 'data-person-id': pid },
              h('span', {}, name),
              person && describe(person) ? h('span', { className: 'muted' }, ` — ${describe(person)}`) : null,
              btn('✕', () => remove(pid), { className: 'small', 'aria-label': t('remove', { name }) }),
            );
          })),
    );
  }

  function matches(): PickerPerson[] {
    const needle = fold(search.value.trim());
    if (!needle) return [];
    const skip = options.exclude?.() ?? new Set<string>();
    return folded.filter((f) => f.text.includes(needle) && !chosen.includes(f.person.id) && !skip.has(f.person.id)).map((f) => f.person);
  }

  function renderResults(): void {
    const found = matches();
    results.hidden = search.value.trim() === '';
    results.replaceChildren(
      ...(found.length === 0 ? [h('li', { className: 'muted' }, t('noMatch'))] : []),
      ...found.slice(0, SHOWN).map((p) =>
        h(
          'li',
          {},
          btn(`${p.name}${describe(p) ? ` — ${describe(p)}` : ''}`, () => add(p.id, true), { className: 'person-option', 'aria-label': t('add', { name: p.name }), 'data-person-id': p.id }),
        ),
      ),
      ...(found.length > SHOWN ? [h('li', { className: 'muted' }, t('more', { n: found.length - SHOWN }))] : []),
    );
  }

  function add(pid: string, refocus: boolean): void {
    chosen = options.max === 1 ? [pid] : [...chosen, pid];
    search.value = '';
    renderChips();
    renderResults();
    if (refocus) search.focus();
    options.onChange([...chosen]);
  }

  function remove(pid: string): void {
    chosen = chosen.filter((c) => c !== pid);
    renderChips();
    renderResults();
    search.focus();
    options.onChange([...chosen]);
  }

  search.addEventListener('input', renderResults);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const first = matches()[0];
      if (first) add(first.id, true);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      results.querySelector<HTMLButtonElement>('button')?.focus();
    } else if (event.key === 'Escape') {
      search.value = '';
      renderResults();
    }
  });
  results.addEventListener('keydown', (event) => {
    const buttons = [...results.querySelectorAll<HTMLButtonElement>('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = at + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) search.focus();
      else buttons[Math.min(next, buttons.length - 1)]?.focus();
    } else if (event.key === 'Escape') search.focus();
  });

  renderChips();
  return {
    el,
    value: () => [...chosen],
    set(ids) {
      chosen = [...new Set(ids)];
      renderChips();
      renderResults();
    },
    setError(message) {
      error.textContent = message ?? '';
      if (message) search.setAttribute('aria-invalid', 'true');
      else search.removeAttribute('aria-invalid');
    },
  };
}
