/**
 * What the directory screens (units, halls, people, import) share: name search without marks,
 * the unit tree as the API serves it, unit pickers limited to what the caller manages, a modal
 * form, a confirmation, and the plain-language explanation of a 409 "still referenced".
 */
import type { AccountRole, Hall, Person, Unit } from '../../../../store/records.js';
import { ApiError } from '../api.js';
import type { AppContext } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { defineStrings, translator, type Lang } from '../i18n.js';
import { errorBox, h } from '../ui.js';
import { fold } from '../text.js';

export { fold };

export type { AccountRole, Hall, Person, Unit };

/** GET /api/units: a unit and whether the caller may change it. */
export interface UnitView extends Unit {
  manageable: boolean;
}

export const ROLES: readonly AccountRole[] = ['admin', 'secretariat', 'operator', 'official'];


const strings = defineStrings({
  vi: {
    role_admin: 'Quản trị',
    role_secretariat: 'Văn phòng',
    role_operator: 'Kỹ thuật điểm cầu',
    role_official: 'Cán bộ',
    allUnits: 'Tất cả đơn vị trong phạm vi',
    stillUsed: '{what} vẫn đang được sử dụng nên chưa xoá được. Hãy chuyển hoặc xoá những mục dưới đây trước:',
    units: '{count} đơn vị con',
    halls: '{count} điểm cầu',
    people: '{count} cán bộ',
    meetings: '{count} cuộc họp',
    andMore: 'và {count} mục khác',
    cancel: 'Huỷ',
    close: 'Đóng',
    confirm: 'Xác nhận',
  },
  en: {
    role_admin: 'Administrator',
    role_secretariat: 'Secretariat',
    role_operator: 'Hall operator',
    role_official: 'Official',
    allUnits: 'All units in scope',
    stillUsed: '{what} is still in use, so it was not deleted. Move or delete these first:',
    units: '{count} child units',
    halls: '{count} halls',
    people: '{count} people',
    meetings: '{count} meetings',
    andMore: 'and {count} more',
    cancel: 'Cancel',
    close: 'Close',
    confirm: 'Confirm',
  },
});

export function roleLabel(role: AccountRole, lang: Lang): string {
  return translator(strings, () => lang)(`role_${role}`);
}

/** The unit tree as GET /api/units lists it (parents first): depth, paths and subtrees. */
export class UnitIndex {
  readonly byId = new Map<string, UnitView>();
  readonly children = new Map<string, UnitView[]>();
  readonly roots: UnitView[] = [];
  readonly #depth = new Map<string, number>();

  constructor(readonly list: readonly UnitView[]) {
    for (const u of list) this.byId.set(u.id, u);
    for (const u of list) {
      const parent = u.parentId === null ? undefined : this.byId.get(u.parentId);
      if (!parent) this.roots.push(u);
      else {
        const siblings = this.children.get(parent.id) ?? [];
        siblings.push(u);
        this.children.set(parent.id, siblings);
      }
    }
  }

  depth(id: string): number {
    let d = this.#depth.get(id);
    if (d === undefined) {
      d = this.path(id).length - 1;
      this.#depth.set(id, d);
    }
    return d;
  }

  /** From the top visible unit down to this one. */
  path(id: string): UnitView[] {
    const path: UnitView[] = [];
    const seen = new Set<string>();
    for (let u = this.byId.get(id); u && !seen.has(u.id); u = u.parentId === null ? undefined : this.byId.get(u.parentId)) {
      seen.add(u.id);
      path.unshift(u);
    }
    return path;
  }

  /** The unit and everything below it. */
  subtree(id: string): Set<string> {
    const found = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (found.has(next)) continue;
      found.add(next);
      for (const c of this.children.get(next) ?? []) stack.push(c.id);
    }
    return found;
  }

  name(id: string): string {
    return this.byId.get(id)?.name ?? id;
  }

  /** Options for a unit picker, indented by depth; only units the caller manages unless told. */
  options(opts: { all?: boolean; exclude?: ReadonlySet<string>; keep?: string } = {}): { value: string; label: string }[] {
    return this.list
      .filter((u) => (opts.all || u.manageable || u.id === opts.keep) && !opts.exclude?.has(u.id))
      .map((u) => ({ value: u.id, label: `${'\u00a0\u00a0\u00a0'.repeat(this.depth(u.id))}${u.name}` }));
  }
}

export async function loadUnits(ctx: AppContext): Promise<UnitIndex> {
  return new UnitIndex(await ctx.api.get<UnitView[]>('/api/units'));
}

/** The unit filter of a list: every manageable unit; choosing one keeps its subtree. */
/**
 * Fills a list's unit filter ("all units", then the units one manages, indented) and answers the
 * choice to keep: `current` while that unit still exists, else "all".
 */
export function fillUnitFilter(ctx: AppContext, units: UnitIndex, control: HTMLSelectElement, current: string): string {
  const t = ctx.t(strings);
  const options = [{ value: '', label: t('allUnits') }, ...units.options()];
  control.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
  const kept = units.byId.has(current) ? current : '';
  control.value = kept;
  return kept;
}

type RefKind = 'units' | 'halls' | 'people' | 'meetings';
interface Refs {
  count: number;
  items: { id: string; name: string }[];
}

/** A 409 "still referenced" turned into a sentence and a list of what refers to it; null for other errors. */
export function referencesExplained(ctx: AppContext, error: unknown, what: string): HTMLElement | null {
  if (!(error instanceof ApiError) || error.code !== 'CONFLICT' || typeof error.details !== 'object' || error.details === null) return null;
  const details = error.details as Partial<Record<RefKind, Refs>>;
  const kinds = (['units', 'halls', 'people', 'meetings'] as const).filter((k) => details[k] && typeof details[k]?.count === 'number');
  if (kinds.length === 0) return null;
  const t = ctx.t(strings);
  return h(
    'div',
    { className: 'dir-refs' },
    h('p', {}, t('stillUsed', { what })),
    h(
      'ul',
      {},
      ...kinds.map((k) => {
        const r = details[k] as Refs;
        // The API names up to 20 of them; all are shown, in Vietnamese order.
        const names = r.items.map((i) => i.name).sort((a, b) => a.localeCompare(b, 'vi', { numeric: true }));
        const more = r.count - names.length;
        return h('li', {}, h('strong', {}, t(k, { count: r.count })), ': ', names.join(', '), more > 0 ? ` ${t('andMore', { count: more })}` : '');
      }),
    ),
  );
}

/** A box above a list for the outcome of a row action: a refusal (with its explanation) or nothing. */
export function noticeBox(ctx: AppContext): { el: HTMLDivElement; fail(error: unknown, what?: string): void; clear(): void } {
  const el = h('div', { className: 'form-error dir-notice', role: 'alert', hidden: true });
  return {
    el,
    fail(error, what) {
      const refs = what === undefined ? null : referencesExplained(ctx, error, what);
      const detail = serverDetail(error, ctx.lang);
      el.replaceChildren(h('p', {}, errorText(error, ctx.lang)), refs ?? (detail ? h('p', { className: 'detail' }, detail) : ''));
      el.hidden = false;
      el.focus();
    },
    clear() {
      el.hidden = true;
      el.replaceChildren();
    },
  };
}

export interface FormDialog {
  dialog: HTMLDialogElement;
  form: HTMLFormElement;
  error: ReturnType<typeof errorBox>;
  submit: HTMLButtonElement;
  close(): void;
}

/**
 * A modal form: the heading, the fields, an error box and Save/Cancel. `onSubmit` runs on Save or
 * Enter; while it runs the button is disabled; it closes the dialog itself when the save worked.
 */
export function formDialog(ctx: AppContext, title: string, submitLabel: string, fields: (Node | string)[], onSubmit: (d: FormDialog) => Promise<void> | void): FormDialog {
  const t = ctx.t(strings);
  const error = errorBox();
  const submit = h('button', { type: 'submit', className: 'primary' }, submitLabel);
  const cancel = h('button', { type: 'button' }, t('cancel'));
  const headingId = `dlg-${Math.random().toString(36).slice(2, 9)}`;
  const form = h('form', { novalidate: true, method: 'dialog' }, h('h2', { id: headingId }, title), error.el, ...fields, h('div', { className: 'actions' }, cancel, submit));
  const dialog = h('dialog', { className: 'dir-dialog', 'aria-labelledby': headingId }, form);
  const d: FormDialog = {
    dialog,
    form,
    error,
    submit,
    close() {
      dialog.close();
      dialog.remove();
    },
  };
  cancel.addEventListener('click', () => d.close());
  dialog.addEventListener('cancel', () => dialog.remove());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    Promise.resolve(onSubmit(d))
      .catch((e: unknown) => error.show(errorText(e, ctx.lang), serverDetail(e, ctx.lang)))
      .finally(() => {
        submit.disabled = false;
      });
  });
  document.body.append(dialog);
  dialog.showModal();
  return d;
}

/** Asks before a destructive step; resolves true on confirmation. */
export function confirmDialog(ctx: AppContext, message: string, confirmLabel: string): Promise<boolean> {
  const t = ctx.t(strings);
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', className: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button' }, t('cancel'));
    const text = h('p', { id: 'confirm-text' }, message);
    const dialog = h('dialog', { className: 'dir-dialog', role: 'alertdialog', 'aria-describedby': 'confirm-text' }, text, h('div', { className: 'actions' }, no, yes));
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener('click', () => finish(true));
    no.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}

/**
 * A list that filters fast: each item's row is built once, with its searchable text folded once;
 * a filter picks rows and puts them back with one replaceChildren.
 */
export class FastList<T> {
  readonly #rows: { item: T; row: HTMLTableRowElement; text: string }[] = [];
  /** Milliseconds the last build took (rows made and put in the page). */
  buildMs = 0;

  constructor(
    private readonly tbody: HTMLTableSectionElement,
    private readonly makeRow: (item: T) => HTMLTableRowElement,
    private readonly searchText: (item: T) => string,
  ) {}

  setItems(items: readonly T[]): void {
    const start = performance.now();
    this.#rows.length = 0;
    for (const item of items) this.#rows.push({ item, row: this.makeRow(item), text: fold(this.searchText(item)) });
    this.buildMs = performance.now() - start;
  }

  /** Shows the rows that contain every word of `query` and pass `keep`; returns how many. */
  filter(query: string, keep: (item: T) => boolean = () => true): number {
    const words = fold(query).split(/\s+/).filter(Boolean);
    const shown: HTMLTableRowElement[] = [];
    for (const r of this.#rows) if (words.every((w) => r.text.includes(w)) && keep(r.item)) shown.push(r.row);
    this.tbody.replaceChildren(...shown);
    return shown.length;
  }

  get size(): number {
    return this.#rows.length;
  }
}
