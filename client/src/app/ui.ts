/** Small building blocks the screens share: elements, labelled fields with their own error line, tables. */
import { h } from '../dom.js';

export { h };

type Child = Node | string | null | undefined | false;

export interface Field<E extends HTMLElement> {
  /** The <div class="field"> holding label, control, hint and error. */
  el: HTMLDivElement;
  control: E;
  /** Shows (or with null clears) the field's error, and marks the control invalid for screen readers. */
  setError(message: string | null): void;
}

let fieldSeq = 0;

/** A control with its label, an optional hint, and an error line tied to it by aria-describedby. */
export function field<E extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(label: string, control: E, hint?: string): Field<E> {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  const error = h('p', { className: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  const hintEl = hint ? h('p', { className: 'hint', id: `${id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
  const el = h('div', { className: 'field' }, h('label', { for: id }, label), control, hintEl, error);
  return {
    el,
    control,
    setError(message) {
      error.textContent = message ?? '';
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

export function input(attrs: Record<string, string | number | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(options: readonly { value: string; label: string }[], value?: string, attrs: Record<string, string | boolean | undefined> = {}): HTMLSelectElement {
  const el = h('select', attrs, ...options.map((o) => h('option', { value: o.value }, o.label)));
  if (value !== undefined) el.value = value;
  return el;
}

export function btn(label: string, onClick: (event: MouseEvent) => void, attrs: Record<string, string | boolean | undefined> = {}): HTMLButtonElement {
  const el = h('button', { type: 'button', ...attrs }, label);
  el.addEventListener('click', onClick);
  return el;
}

/** A data table: header cells, then one row of cells per item. */
export function table(headers: readonly string[], rows: readonly (readonly Child[])[], attrs: Record<string, string | undefined> = {}): HTMLTableElement {
  return h(
    'table',
    { className: 'data', ...attrs },
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** The screen's heading (focused after navigation so keyboard and screen-reader users land on it). */
export function heading(text: string, ...actions: Child[]): HTMLElement {
  return h('div', { className: 'screen-head' }, h('h1', { tabindex: '-1' }, text), h('div', { className: 'actions' }, ...actions));
}

/** An error box inside a form: a headline and the server's own words. */
export function errorBox(): { el: HTMLDivElement; show(message: string | null, detail?: string | null): void } {
  const el = h('div', { className: 'form-error', role: 'alert', hidden: true });
  return {
    el,
    show(message, detail) {
      el.hidden = !message;
      el.replaceChildren(...(message ? [h('p', {}, message), detail ? h('p', { className: 'detail' }, detail) : null].filter((n): n is HTMLParagraphElement => n !== null) : []));
    },
  };
}
