/** A few DOM helpers: the page is plain DOM, rendered from the model on every change. */
import type { I18n, MessageKey, Params } from './i18n.js';

type Attrs = Record<string, string | number | boolean | undefined | null>;
type Child = Node | string | null | undefined | false;

/** Creates an element: attributes (false/null/undefined are left out; true is an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'className') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** An element whose text is a translated key (re-rendered on a language switch). */
export function ht<K extends keyof HTMLElementTagNameMap>(
  i18n: I18n,
  tag: K,
  key: MessageKey,
  params: Params = {},
  attrs: Attrs = {},
): HTMLElementTagNameMap[K] {
  const el = h(tag, attrs);
  i18n.bind(el, key, params);
  return el;
}

/** A button with a translated label; `label` also names it for screen readers when the text is short. */
export function button(i18n: I18n, key: MessageKey, onClick: () => void, attrs: Attrs = {}, params: Params = {}): HTMLButtonElement {
  const el = ht(i18n, 'button', key, params, { type: 'button', ...attrs });
  el.addEventListener('click', onClick);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`join.html lacks #${id}`);
  return el as T;
}

/** Replaces an element's children, keeping focus on a control with the same data-key if it had it. */
export function replaceChildren(parent: HTMLElement, children: Node[]): void {
  const focused = document.activeElement instanceof HTMLElement && parent.contains(document.activeElement) ? document.activeElement.dataset['key'] : undefined;
  parent.replaceChildren(...children);
  if (focused) parent.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
}

/** mm:ss of a number of milliseconds (never negative). */
export function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
