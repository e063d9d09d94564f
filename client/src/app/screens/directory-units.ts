/**
 * Units (#/directory/units): the administrative tree, any depth, with expand/collapse and a
 * search that ignores marks; the chosen unit's details, rename/kind/move, a child unit, delete
 * (a 409 says what still refers to it). Only units the caller manages can be changed.
 */
import type { ScreenFactory } from '../context.js';
import { defineStrings } from '../i18n.js';
import { btn, errorBox, field, h, heading, input, select } from '../ui.js';
import { errorText, serverDetail } from '../errors.js';
import { confirmDialog, fold, loadUnits, referencesExplained, type UnitIndex, type UnitView } from '../widgets/directory-common.js';

const strings = defineStrings({
  vi: {
    title: 'Đơn vị hành chính',
    search: 'Tìm đơn vị',
    searchHint: 'Gõ tên, không cần dấu (ví dụ: viet tri).',
    expandAll: 'Mở tất cả',
    collapseAll: 'Thu gọn',
    expand: 'Mở {name}',
    collapse: 'Thu gọn {name}',
    tree: 'Cây đơn vị',
    none: 'Không có đơn vị nào khớp với “{q}”.',
    pick: 'Chọn một đơn vị trong cây để xem và sửa.',
    id: 'Mã',
    kind: 'Loại',
    path: 'Trực thuộc',
    children: 'Đơn vị con',
    readOnly: 'Đơn vị này nằm ngoài phạm vi quản lý của bạn: chỉ xem.',
    edit: 'Sửa đơn vị',
    name: 'Tên đơn vị',
    parent: 'Đơn vị cấp trên',
    ownUnit: 'Đây là đơn vị của bạn: không chuyển sang đơn vị cấp trên khác được.',
    save: 'Lưu thay đổi',
    saved: 'Đã lưu đơn vị “{name}”.',
    addChild: 'Thêm đơn vị con của “{name}”',
    childId: 'Mã đơn vị (không bắt buộc)',
    childIdHint: 'Chữ, số, “-”, “_”, “.”; để trống thì hệ thống tự tạo.',
    add: 'Thêm đơn vị',
    added: 'Đã thêm đơn vị “{name}”.',
    remove: 'Xoá đơn vị',
    confirmRemove: 'Xoá đơn vị “{name}”? Không thể hoàn tác.',
    removed: 'Đã xoá đơn vị “{name}”.',
    required: 'Vui lòng nhập {field}.',
    badId: 'Mã chỉ gồm chữ không dấu, số, “-”, “_”, “.” và bắt đầu bằng chữ hoặc số (tối đa 64 ký tự).',
    noChange: 'Chưa có gì thay đổi.',
    count: '{count} đơn vị',
    kind_province: 'Tỉnh',
    kind_district: 'Huyện/Thị xã/Thành phố',
    kind_commune: 'Xã/Phường/Thị trấn',
  },
  en: {
    title: 'Administrative units',
    search: 'Find a unit',
    searchHint: 'Type a name; marks are not needed (e.g. viet tri).',
    expandAll: 'Expand all',
    collapseAll: 'Collapse',
    expand: 'Expand {name}',
    collapse: 'Collapse {name}',
    tree: 'Unit tree',
    none: 'No unit matches “{q}”.',
    pick: 'Pick a unit in the tree to see and change it.',
    id: 'Id',
    kind: 'Kind',
    path: 'Part of',
    children: 'Child units',
    readOnly: 'This unit is outside your scope: read only.',
    edit: 'Change the unit',
    name: 'Unit name',
    parent: 'Parent unit',
    ownUnit: 'This is your own unit: it cannot be moved to another parent.',
    save: 'Save changes',
    saved: 'Unit “{name}” saved.',
    addChild: 'Add a unit under “{name}”',
    childId: 'Unit id (optional)',
    childIdHint: 'Letters, digits, “-”, “_”, “.”; left empty, one is made.',
    add: 'Add unit',
    added: 'Unit “{name}” added.',
    remove: 'Delete unit',
    confirmRemove: 'Delete unit “{name}”? This cannot be undone.',
    removed: 'Unit “{name}” deleted.',
    required: 'Please enter the {field}.',
    badId: 'An id has letters, digits, “-”, “_”, “.”, starts with a letter or digit (at most 64).',
    noChange: 'Nothing has changed.',
    count: '{count} units',
    kind_province: 'Province',
    kind_district: 'District',
    kind_commune: 'Commune/ward',
  },
});

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CHILD_KIND: Record<string, string> = { province: 'district', district: 'commune' };

export const unitsScreen: ScreenFactory = async (ctx, root) => {
  const t = ctx.t(strings);
  const state = ctx.draft('directory-units', () => ({ query: '', selected: null as string | null, expanded: null as Set<string> | null }));
  let units: UnitIndex = await loadUnits(ctx);
  if (!state.expanded) state.expanded = new Set(units.roots.map((u) => u.id));
  const expanded = state.expanded;

  const search = field(t('search'), input({ type: 'search', value: state.query, autocomplete: 'off' }), t('searchHint'));
  const count = h('p', { className: 'muted dir-count', 'aria-live': 'polite' });
  const treeEl = h('ul', { className: 'dir-tree', 'aria-label': t('tree') });
  const empty = h('p', { className: 'empty', hidden: true });
  const panel = h('section', { className: 'card dir-panel', 'aria-live': 'polite' });
  const items = new Map<string, { li: HTMLLIElement; toggle: HTMLButtonElement | null; label: HTMLButtonElement; list: HTMLUListElement | null; text: string }>();

  root.append(
    heading(
      t('title'),
      btn(t('expandAll'), () => {
        for (const id of units.children.keys()) expanded.add(id);
        applyFilter();
      }),
      btn(t('collapseAll'), () => {
        expanded.clear();
        for (const r of units.roots) expanded.add(r.id);
        applyFilter();
      }),
    ),
    h('div', { className: 'dir-units' }, h('div', { className: 'card dir-tree-card' }, search.el, count, treeEl, empty), panel),
  );
  search.control.addEventListener('input', () => {
    state.query = search.control.value;
    applyFilter();
  });

  buildTree();
  applyFilter();
  showPanel();

  async function reload(select?: string): Promise<void> {
    units = await loadUnits(ctx);
    if (select !== undefined) state.selected = select;
    if (state.selected && !units.byId.has(state.selected)) state.selected = null;
    for (const u of state.selected ? units.path(state.selected).slice(0, -1) : []) expanded.add(u.id);
    buildTree();
    applyFilter();
    showPanel();
  }

  function buildTree(): void {
    items.clear();
    const make = (u: UnitView): HTMLLIElement => {
      const kids = units.children.get(u.id) ?? [];
      const label = h('button', { type: 'button', className: 'dir-node', 'data-unit': u.id }, u.name, h('span', { className: 'muted dir-kind' }, ` · ${kindLabel(u.kind)}`));
      label.addEventListener('click', () => {
        state.selected = u.id;
        markSelected();
        showPanel();
      });
      let toggle: HTMLButtonElement | null = null;
      let list: HTMLUListElement | null = null;
      if (kids.length > 0) {
        toggle = h('button', { type: 'button', className: 'dir-toggle small' });
        toggle.addEventListener('click', () => {
          if (expanded.has(u.id)) expanded.delete(u.id);
          else expanded.add(u.id);
          applyFilter();
        });
        list = h('ul', {}, ...kids.map(make));
      }
      const li = h('li', {}, h('div', { className: 'dir-row' }, toggle ?? h('span', { className: 'dir-toggle-space' }), label), list);
      items.set(u.id, { li, toggle, label, list, text: fold(`${u.name} ${u.id} ${u.kind}`) });
      return li;
    };
    treeEl.replaceChildren(...units.roots.map(make));
    markSelected();
  }

  function kindLabel(kind: string): string {
    return kind === 'province' || kind === 'district' || kind === 'commune' ? t(`kind_${kind}`) : kind;
  }

  /** Shows matches and their ancestors (opened), or, without a query, the tree as expanded. */
  function applyFilter(): void {
    const words = fold(state.query).split(/\s+/).filter(Boolean);
    let shown = 0;
    let keep: Set<string> | null = null;
    if (words.length > 0) {
      keep = new Set();
      for (const [id, item] of items) {
        if (!words.every((w) => item.text.includes(w))) continue;
        for (const u of units.path(id)) keep.add(u.id);
      }
    }
    for (const [id, item] of items) {
      const visible = keep === null || keep.has(id);
      item.li.hidden = !visible;
      const open = keep !== null ? true : expanded.has(id);
      if (item.list) item.list.hidden = !open;
      if (item.toggle) {
        const name = units.name(id);
        item.toggle.textContent = open ? '▾' : '▸';
        item.toggle.setAttribute('aria-expanded', String(open));
        item.toggle.setAttribute('aria-label', open ? t('collapse', { name }) : t('expand', { name }));
        item.toggle.disabled = keep !== null;
      }
      if (visible) shown++;
    }
    count.textContent = t('count', { count: keep === null ? units.list.length : shown });
    empty.hidden = keep === null || keep.size > 0;
    empty.textContent = t('none', { q: state.query });
  }

  function markSelected(): void {
    for (const [id, item] of items) {
      if (id === state.selected) item.label.setAttribute('aria-current', 'true');
      else item.label.removeAttribute('aria-current');
    }
  }

  function showPanel(): void {
    const unit = state.selected ? units.byId.get(state.selected) : undefined;
    if (!unit) {
      panel.replaceChildren(h('p', { className: 'muted' }, t('pick')));
      return;
    }
    const path = units.path(unit.id).slice(0, -1);
    const kids = units.children.get(unit.id) ?? [];
    const facts = h(
      'dl',
      { className: 'dir-facts' },
      h('dt', {}, t('id')),
      h('dd', {}, h('code', {}, unit.id)),
      h('dt', {}, t('kind')),
      h('dd', {}, kindLabel(unit.kind)),
      path.length > 0 ? h('dt', {}, t('path')) : null,
      path.length > 0 ? h('dd', {}, path.map((u) => u.name).join(' › ')) : null,
      h('dt', {}, t('children')),
      h('dd', {}, String(kids.length)),
    );
    const parts: (Node | null)[] = [h('h2', { className: 'dir-panel-title' }, unit.name), facts];
    if (!unit.manageable) parts.push(h('p', { className: 'muted' }, t('readOnly')));
    else parts.push(editForm(unit), childForm(unit), deleteBlock(unit));
    panel.replaceChildren(...parts.filter((p): p is Node => p !== null));
  }

  function editForm(unit: UnitView): HTMLElement {
    const draft = ctx.draft(`unit-edit-${unit.id}`, () => ({ name: unit.name, kind: unit.kind, parentId: unit.parentId ?? '' }));
    const error = errorBox();
    const name = field(t('name'), input({ value: draft.name, required: true, maxlength: 200 }));
    const kind = field(t('kind'), input({ value: draft.kind, required: true, maxlength: 40, list: 'dir-kinds' }));
    const own = unit.id === ctx.session.person?.unitId;
    const parentOptions = units.options({ exclude: units.subtree(unit.id), keep: unit.parentId ?? undefined });
    const parent = field(t('parent'), select(unit.parentId === null ? [{ value: '', label: '—' }] : parentOptions, draft.parentId, { disabled: own || unit.parentId === null }), own ? t('ownUnit') : undefined);
    const validate = () => {
      name.setError(name.control.value.trim() ? null : t('required', { field: t('name').toLowerCase() }));
      kind.setError(kind.control.value.trim() ? null : t('required', { field: t('kind').toLowerCase() }));
      return Boolean(name.control.value.trim() && kind.control.value.trim());
    };
    name.control.addEventListener('input', () => ((draft.name = name.control.value), validate()));
    kind.control.addEventListener('input', () => ((draft.kind = kind.control.value), validate()));
    parent.control.addEventListener('change', () => (draft.parentId = parent.control.value));
    const submit = h('button', { type: 'submit', className: 'primary' }, t('save'));
    const form = h(
      'form',
      { className: 'dir-form', novalidate: true },
      h('h3', {}, t('edit')),
      error.el,
      h('div', { className: 'row' }, name.el, kind.el),
      parent.el,
      kindList(),
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!validate()) return;
      const changes: Record<string, string | null> = {};
      if (name.control.value.trim() !== unit.name) changes['name'] = name.control.value.trim();
      if (kind.control.value.trim() !== unit.kind) changes['kind'] = kind.control.value.trim();
      if (!parent.control.disabled && parent.control.value !== (unit.parentId ?? '')) changes['parentId'] = parent.control.value;
      if (Object.keys(changes).length === 0) return error.show(t('noChange'));
      submit.disabled = true;
      ctx.api
        .patch<UnitView>(`/api/units/${encodeURIComponent(unit.id)}`, changes)
        .then(async (saved) => {
          ctx.dropDraft(`unit-edit-${unit.id}`);
          await reload(saved.id);
          ctx.flash(t('saved', { name: saved.name }));
        })
        .catch((e: unknown) => error.show(errorText(e, ctx.lang), serverDetail(e, ctx.lang)))
        .finally(() => (submit.disabled = false));
    });
    return form;
  }

  function childForm(unit: UnitView): HTMLElement {
    const draft = ctx.draft(`unit-child-${unit.id}`, () => ({ id: '', name: '', kind: CHILD_KIND[unit.kind] ?? '' }));
    const error = errorBox();
    const id = field(t('childId'), input({ value: draft.id, maxlength: 64, autocomplete: 'off' }), t('childIdHint'));
    const name = field(t('name'), input({ value: draft.name, required: true, maxlength: 200 }));
    const kind = field(t('kind'), input({ value: draft.kind, required: true, maxlength: 40, list: 'dir-kinds' }));
    const validate = (all: boolean) => {
      const v = id.control.value.trim();
      id.setError(v === '' || ID.test(v) ? null : t('badId'));
      if (all || name.control.value) name.setError(name.control.value.trim() ? null : t('required', { field: t('name').toLowerCase() }));
      kind.setError(kind.control.value.trim() ? null : t('required', { field: t('kind').toLowerCase() }));
      return (v === '' || ID.test(v)) && Boolean(name.control.value.trim() && kind.control.value.trim());
    };
    id.control.addEventListener('input', () => ((draft.id = id.control.value), validate(false)));
    name.control.addEventListener('input', () => ((draft.name = name.control.value), validate(false)));
    kind.control.addEventListener('input', () => ((draft.kind = kind.control.value), validate(false)));
    const submit = h('button', { type: 'submit', className: 'primary' }, t('add'));
    const form = h(
      'form',
      { className: 'dir-form', novalidate: true },
      h('h3', {}, t('addChild', { name: unit.name })),
      error.el,
      h('div', { className: 'row' }, name.el, kind.el, id.el),
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!validate(true)) return;
      submit.disabled = true;
      const body: Record<string, string> = { name: name.control.value.trim(), kind: kind.control.value.trim(), parentId: unit.id };
      if (id.control.value.trim()) body['id'] = id.control.value.trim();
      ctx.api
        .post<UnitView>('/api/units', body)
        .then(async (made) => {
          ctx.dropDraft(`unit-child-${unit.id}`);
          expanded.add(unit.id);
          await reload(made.id);
          ctx.flash(t('added', { name: made.name }));
        })
        .catch((e: unknown) => error.show(errorText(e, ctx.lang), serverDetail(e, ctx.lang)))
        .finally(() => (submit.disabled = false));
    });
    return form;
  }

  function deleteBlock(unit: UnitView): HTMLElement {
    const result = h('div', { className: 'form-error', role: 'alert', hidden: true, tabindex: '-1' });
    const remove = btn(t('remove'), () => {
      void confirmDialog(ctx, t('confirmRemove', { name: unit.name }), t('remove')).then((yes) => {
        if (!yes) return;
        remove.disabled = true;
        ctx.api
          .delete(`/api/units/${encodeURIComponent(unit.id)}`)
          .then(async () => {
            state.selected = unit.parentId;
            await reload();
            ctx.flash(t('removed', { name: unit.name }));
          })
          .catch((e: unknown) => {
            const refs = referencesExplained(ctx, e, unit.name);
            const detail = serverDetail(e, ctx.lang);
            result.replaceChildren(h('p', {}, errorText(e, ctx.lang)), refs ?? (detail ? h('p', { className: 'detail' }, detail) : ''));
            result.hidden = false;
            result.focus();
          })
          .finally(() => (remove.disabled = false));
      });
    }, { className: 'danger' });
    return h('div', { className: 'dir-delete' }, result, remove);
  }

  function kindList(): HTMLDataListElement {
    const kinds = [...new Set(['province', 'district', 'commune', 'ward', 'town', 'agency', ...units.list.map((u) => u.kind)])];
    return h('datalist', { id: 'dir-kinds' }, ...kinds.map((k) => h('option', { value: k })));
  }
};
