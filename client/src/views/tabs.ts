/** A tab list (WAI-ARIA tabs pattern: arrow keys move between tabs), each tab with an optional count. */
import { h } from '../dom.js';
import type { I18n, MessageKey } from '../i18n.js';

export interface TabSpec {
  id: string;
  key: MessageKey;
  panel: HTMLElement;
}

export class Tabs {
  readonly el: HTMLDivElement;
  readonly #tabs = new Map<string, { tab: HTMLButtonElement; panel: HTMLElement; count: HTMLSpanElement }>();
  #current = '';

  constructor(i18n: I18n, specs: TabSpec[], label: string) {
    const list = h('div', { role: 'tablist', 'aria-label': label, className: 'tablist' });
    const panels = h('div', { className: 'tabpanels' });
    for (const spec of specs) {
      const text = h('span');
      i18n.bind(text, spec.key);
      const count = h('span', { className: 'count' });
      count.hidden = true;
      const tab = h('button', { type: 'button', role: 'tab', id: `tab-${spec.id}`, 'aria-controls': `panel-${spec.id}`, 'aria-selected': 'false', tabindex: '-1' }, text, count);
      tab.addEventListener('click', () => this.select(spec.id));
      tab.addEventListener('keydown', (event) => this.#onKey(event, spec.id));
      spec.panel.id = `panel-${spec.id}`;
      spec.panel.setAttribute('role', 'tabpanel');
      spec.panel.setAttribute('aria-labelledby', tab.id);
      spec.panel.classList.add('tabpanel');
      spec.panel.hidden = true;
      list.append(tab);
      panels.append(spec.panel);
      this.#tabs.set(spec.id, { tab, panel: spec.panel, count });
    }
    this.el = h('div', { className: 'tabs' }, list, panels);
    if (specs[0]) this.select(specs[0].id);
  }

  get current(): string {
    return this.#current;
  }

  select(id: string, focus = false): void {
    if (!this.#tabs.has(id)) return;
    this.#current = id;
    for (const [tabId, { tab, panel }] of this.#tabs) {
      const selected = tabId === id;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panel.hidden = !selected;
      if (selected && focus) tab.focus();
    }
  }

  /** A number beside the tab's name (queue length, unread messages); 0 hides it. */
  setCount(id: string, count: number, alert = false): void {
    const entry = this.#tabs.get(id);
    if (!entry) return;
    entry.count.textContent = String(count);
    entry.count.hidden = count === 0;
    entry.count.classList.toggle('alert', alert);
  }

  #onKey(event: KeyboardEvent, id: string): void {
    const ids = [...this.#tabs.keys()];
    const i = ids.indexOf(id);
    const next = event.key === 'ArrowRight' ? ids[(i + 1) % ids.length] : event.key === 'ArrowLeft' ? ids[(i - 1 + ids.length) % ids.length] : event.key === 'Home' ? ids[0] : event.key === 'End' ? ids.at(-1) : undefined;
    if (next === undefined) return;
    event.preventDefault();
    this.select(next, true);
  }
}
