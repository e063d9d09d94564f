/**
 * Halls (#/directory/halls): every hall in the caller's scope, searchable without marks and
 * filtered by unit subtree; add/edit in a dialog (the operator is picked from the operators in
 * scope), delete after a confirmation, a 409 explained by the meetings that still use the hall.
 */
import type { ScreenFactory } from '../context.js';
import { defineStrings } from '../i18n.js';
import { btn, field, h, heading, input, select } from '../ui.js';
import {
  confirmDialog,
  FastList,
  formDialog,
  loadUnits,
  noticeBox,
  fillUnitFilter,
  type Hall,
  type Person,
  type UnitIndex,
} from '../widgets/directory-common.js';

const strings = defineStrings({
  vi: {
    title: 'Điểm cầu',
    add: 'Thêm điểm cầu',
    search: 'Tìm điểm cầu',
    searchHint: 'Tên, địa điểm, đơn vị hoặc kỹ thuật viên; không cần dấu.',
    unit: 'Đơn vị',
    name: 'Tên điểm cầu',
    location: 'Địa điểm',
    operator: 'Kỹ thuật viên',
    actions: 'Thao tác',
    edit: 'Sửa',
    editNamed: 'Sửa {name}',
    remove: 'Xoá',
    removeNamed: 'Xoá {name}',
    noOperator: '— Chưa giao —',
    shown: 'Hiển thị {shown}/{total} điểm cầu',
    none: 'Không có điểm cầu nào khớp.',
    addTitle: 'Thêm điểm cầu',
    editTitle: 'Sửa điểm cầu “{name}”',
    id: 'Mã điểm cầu (không bắt buộc)',
    idHint: 'Chữ, số, “-”, “_”, “.”; để trống thì hệ thống tự tạo.',
    operatorHint: 'Cán bộ có quyền kỹ thuật điểm cầu trong phạm vi của bạn.',
    save: 'Lưu',
    saved: 'Đã lưu điểm cầu “{name}”.',
    confirmRemove: 'Xoá điểm cầu “{name}”? Không thể hoàn tác.',
    removed: 'Đã xoá điểm cầu “{name}”.',
    required: 'Vui lòng nhập {field}.',
    chooseUnit: 'Vui lòng chọn đơn vị.',
    badId: 'Mã chỉ gồm chữ không dấu, số, “-”, “_”, “.” và bắt đầu bằng chữ hoặc số.',
    noUnits: 'Bạn chưa quản lý đơn vị nào nên không thêm được điểm cầu.',
  },
  en: {
    title: 'Halls',
    add: 'Add hall',
    search: 'Find a hall',
    searchHint: 'Name, location, unit or operator; marks are not needed.',
    unit: 'Unit',
    name: 'Hall name',
    location: 'Location',
    operator: 'Operator',
    actions: 'Actions',
    edit: 'Edit',
    editNamed: 'Edit {name}',
    remove: 'Delete',
    removeNamed: 'Delete {name}',
    noOperator: '— None yet —',
    shown: 'Showing {shown} of {total} halls',
    none: 'No hall matches.',
    addTitle: 'Add a hall',
    editTitle: 'Edit hall “{name}”',
    id: 'Hall id (optional)',
    idHint: 'Letters, digits, “-”, “_”, “.”; left empty, one is made.',
    operatorHint: 'People with the hall-operator role in your scope.',
    save: 'Save',
    saved: 'Hall “{name}” saved.',
    confirmRemove: 'Delete hall “{name}”? This cannot be undone.',
    removed: 'Hall “{name}” deleted.',
    required: 'Please enter the {field}.',
    chooseUnit: 'Please choose a unit.',
    badId: 'An id has letters, digits, “-”, “_”, “.” and starts with a letter or digit.',
    noUnits: 'You manage no unit, so you cannot add halls.',
  },
});

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const hallsScreen: ScreenFactory = async (ctx, root) => {
  const t = ctx.t(strings);
  const state = ctx.draft('directory-halls', () => ({ query: '', unitId: '' }));
  let units: UnitIndex;
  let operators = new Map<string, Person>();

  const notice = noticeBox(ctx);
  const search = field(t('search'), input({ type: 'search', value: state.query, autocomplete: 'off' }), t('searchHint'));
  const unitFilter = field(t('unit'), select([], undefined));
  const shown = h('p', { className: 'muted dir-count', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { className: 'data dir-table', 'data-list': 'halls' },
    h('thead', {}, h('tr', {}, ...[t('name'), t('unit'), t('location'), t('operator'), t('actions')].map((x) => h('th', { scope: 'col' }, x)))),
    tbody,
  );
  const empty = h('p', { className: 'empty', hidden: true }, t('none'));
  const addButton = btn(t('add'), () => openForm(undefined), { className: 'primary' });
  const list = new FastList<Hall>(tbody, makeRow, (hall) => `${hall.name} ${hall.id} ${hall.location ?? ''} ${units.name(hall.unitId)} ${operatorName(hall) ?? ''}`);

  root.append(heading(t('title'), addButton), notice.el, h('div', { className: 'row dir-filters' }, search.el, unitFilter.el), shown, table, empty);
  search.control.addEventListener('input', () => {
    state.query = search.control.value;
    applyFilter();
  });
  unitFilter.control.addEventListener('change', () => {
    state.unitId = unitFilter.control.value;
    applyFilter();
  });
  await load();

  async function load(): Promise<void> {
    const [u, halls, ops] = await Promise.all([loadUnits(ctx), ctx.api.get<Hall[]>('/api/halls'), ctx.api.get<Person[]>('/api/people', { role: 'operator' })]);
    units = u;
    operators = new Map(ops.map((p) => [p.id, p]));
    state.unitId = fillUnitFilter(ctx, units, unitFilter.control, state.unitId);
    addButton.disabled = units.options().length === 0;
    if (addButton.disabled) addButton.title = t('noUnits');
    list.setItems(halls);
    table.dataset['buildMs'] = list.buildMs.toFixed(1);
    applyFilter();
  }

  function applyFilter(): void {
    const start = performance.now();
    const unitId = state.unitId;
    const within = unitId ? units.subtree(unitId) : null;
    const n = list.filter(state.query, within ? (hall) => within.has(hall.unitId) : undefined);
    shown.textContent = t('shown', { shown: n, total: list.size });
    empty.hidden = n > 0;
    table.dataset['filterMs'] = (performance.now() - start).toFixed(1);
  }

  function operatorName(hall: Hall): string | null {
    if (hall.operatorId === null) return null;
    return operators.get(hall.operatorId)?.name ?? hall.operatorId;
  }

  function makeRow(hall: Hall): HTMLTableRowElement {
    const op = operatorName(hall);
    const managed = units.byId.get(hall.unitId)?.manageable ?? false;
    const edit = h('button', { type: 'button', className: 'small', 'aria-label': t('editNamed', { name: hall.name }) }, t('edit'));
    const remove = h('button', { type: 'button', className: 'small', 'aria-label': t('removeNamed', { name: hall.name }) }, t('remove'));
    edit.addEventListener('click', () => openForm(hall));
    remove.addEventListener('click', () => void removeHall(hall));
    return h(
      'tr',
      { 'data-id': hall.id },
      h('td', {}, hall.name, h('div', { className: 'muted dir-id' }, hall.id)),
      h('td', {}, units.name(hall.unitId)),
      h('td', {}, hall.location ?? ''),
      h('td', {}, op ?? h('span', { className: 'muted' }, t('noOperator'))),
      h('td', { className: 'dir-actions' }, managed ? edit : null, ' ', managed ? remove : null),
    );
  }

  function openForm(hall: Hall | undefined): void {
    notice.clear();
    const id = hall ? null : field(t('id'), input({ maxlength: 64, autocomplete: 'off' }), t('idHint'));
    const name = field(t('name'), input({ value: hall?.name ?? '', required: true, maxlength: 200 }));
    const unitOptions = units.options({ keep: hall?.unitId });
    const defaultUnit = hall?.unitId ?? (state.unitId && units.byId.get(state.unitId)?.manageable ? state.unitId : '');
    const unit = field(t('unit'), select([{ value: '', label: '—' }, ...unitOptions], defaultUnit, { required: true }));
    const location = field(t('location'), input({ value: hall?.location ?? '', maxlength: 300 }));
    const opOptions = [...operators.values()]
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'))
      .map((p) => ({ value: p.id, label: `${p.name}${p.username ? ` (${p.username})` : ''} — ${units.name(p.unitId)}` }));
    if (hall?.operatorId && !operators.has(hall.operatorId)) opOptions.unshift({ value: hall.operatorId, label: hall.operatorId });
    const operator = field(t('operator'), select([{ value: '', label: t('noOperator') }, ...opOptions], hall?.operatorId ?? ''), t('operatorHint'));
    const validate = (all: boolean) => {
      let ok = true;
      if (id) {
        const v = id.control.value.trim();
        id.setError(v === '' || ID.test(v) ? null : t('badId'));
        ok &&= v === '' || ID.test(v);
      }
      const hasName = Boolean(name.control.value.trim());
      if (all || name.control.value) name.setError(hasName ? null : t('required', { field: t('name').toLowerCase() }));
      if (all) unit.setError(unit.control.value ? null : t('chooseUnit'));
      return ok && hasName && Boolean(unit.control.value);
    };
    id?.control.addEventListener('input', () => validate(false));
    name.control.addEventListener('input', () => validate(false));
    unit.control.addEventListener('change', () => unit.setError(unit.control.value ? null : t('chooseUnit')));
    formDialog(
      ctx,
      hall ? t('editTitle', { name: hall.name }) : t('addTitle'),
      t('save'),
      [id?.el ?? '', name.el, unit.el, location.el, operator.el],
      async (d) => {
        if (!validate(true)) return;
        const operatorId = operator.control.value || null;
        const loc = location.control.value.trim();
        let saved: Hall;
        if (hall) {
          const changes: Record<string, string | null> = {};
          if (name.control.value.trim() !== hall.name) changes['name'] = name.control.value.trim();
          if (unit.control.value !== hall.unitId) changes['unitId'] = unit.control.value;
          if (operatorId !== hall.operatorId) changes['operatorId'] = operatorId;
          if (loc !== (hall.location ?? '')) changes['location'] = loc === '' ? null : loc;
          if (Object.keys(changes).length === 0) return d.close();
          saved = await ctx.api.patch<Hall>(`/api/halls/${encodeURIComponent(hall.id)}`, changes);
        } else {
          const body: Record<string, string | null> = { name: name.control.value.trim(), unitId: unit.control.value, operatorId };
          if (loc) body['location'] = loc;
          if (id?.control.value.trim()) body['id'] = id.control.value.trim();
          saved = await ctx.api.post<Hall>('/api/halls', body);
        }
        d.close();
        await load();
        ctx.flash(t('saved', { name: saved.name }));
      },
    );
  }

  async function removeHall(hall: Hall): Promise<void> {
    notice.clear();
    if (!(await confirmDialog(ctx, t('confirmRemove', { name: hall.name }), t('remove')))) return;
    try {
      await ctx.api.delete(`/api/halls/${encodeURIComponent(hall.id)}`);
      await load();
      ctx.flash(t('removed', { name: hall.name }));
    } catch (e) {
      notice.fail(e, hall.name);
    }
  }
};
