/**
 * People (#/directory/people): the officials and accounts in the caller's scope, searchable
 * without marks and filtered by unit subtree; add/edit with the account's username and roles
 * (the API decides which roles the caller may grant, and its refusal is shown), set a
 * password, delete (a 409 names the halls and meetings that still need the person).
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
  ROLES,
  roleLabel,
  fillUnitFilter,
  type AccountRole,
  type Person,
  type UnitIndex,
} from '../widgets/directory-common.js';

const strings = defineStrings({
  vi: {
    title: 'Cán bộ và tài khoản',
    add: 'Thêm cán bộ',
    search: 'Tìm cán bộ',
    searchHint: 'Họ tên, chức vụ, tên đăng nhập, email; không cần dấu.',
    unit: 'Đơn vị',
    role: 'Quyền',
    anyRole: 'Mọi quyền',
    name: 'Họ và tên',
    jobTitle: 'Chức vụ',
    username: 'Tên đăng nhập',
    email: 'Email',
    phone: 'Điện thoại',
    roles: 'Quyền',
    actions: 'Thao tác',
    edit: 'Sửa',
    editNamed: 'Sửa {name}',
    password: 'Đặt mật khẩu',
    passwordNamed: 'Đặt mật khẩu cho {name}',
    remove: 'Xoá',
    removeNamed: 'Xoá {name}',
    noAccount: 'Chưa có tài khoản',
    shown: 'Hiển thị {shown}/{total} cán bộ',
    none: 'Không có cán bộ nào khớp.',
    addTitle: 'Thêm cán bộ',
    editTitle: 'Sửa thông tin “{name}”',
    id: 'Mã cán bộ (không bắt buộc)',
    idHint: 'Để trống thì hệ thống tự tạo.',
    account: 'Tài khoản đăng nhập',
    usernameHint: '2–64 ký tự: chữ không dấu, số, “.”, “_”, “-”. Để trống nếu không cấp tài khoản.',
    usernameEditHint: 'Xoá trắng ô này sẽ thu hồi tài khoản.',
    newPassword: 'Mật khẩu',
    newPasswordHint: 'Ít nhất 8 ký tự.',
    confirmPassword: 'Nhập lại mật khẩu',
    save: 'Lưu',
    saved: 'Đã lưu “{name}”.',
    passwordTitle: 'Đặt mật khẩu mới cho “{name}”',
    passwordSaved: 'Đã đặt mật khẩu mới cho “{name}”.',
    confirmRemove: 'Xoá cán bộ “{name}”{account}? Không thể hoàn tác.',
    withAccount: ' và tài khoản “{username}”',
    removed: 'Đã xoá “{name}”.',
    required: 'Vui lòng nhập {field}.',
    chooseUnit: 'Vui lòng chọn đơn vị.',
    badUsername: 'Tên đăng nhập 2–64 ký tự, bắt đầu bằng chữ hoặc số; chỉ gồm chữ không dấu, số, “.”, “_”, “-”.',
    badEmail: 'Địa chỉ email chưa đúng.',
    shortPassword: 'Mật khẩu cần ít nhất 8 ký tự.',
    passwordMismatch: 'Hai lần nhập mật khẩu chưa khớp.',
    rolesNeedAccount: 'Cần tên đăng nhập để cấp quyền.',
    accountNeedsRole: 'Tài khoản cần ít nhất một quyền.',
    badId: 'Mã chỉ gồm chữ không dấu, số, “-”, “_”, “.”.',
    noUnits: 'Bạn chưa quản lý đơn vị nào nên không thêm được cán bộ.',
  },
  en: {
    title: 'People and accounts',
    add: 'Add person',
    search: 'Find a person',
    searchHint: 'Name, title, username, email; marks are not needed.',
    unit: 'Unit',
    role: 'Role',
    anyRole: 'Any role',
    name: 'Full name',
    jobTitle: 'Title',
    username: 'Username',
    email: 'Email',
    phone: 'Phone',
    roles: 'Roles',
    actions: 'Actions',
    edit: 'Edit',
    editNamed: 'Edit {name}',
    password: 'Set password',
    passwordNamed: 'Set a password for {name}',
    remove: 'Delete',
    removeNamed: 'Delete {name}',
    noAccount: 'No account',
    shown: 'Showing {shown} of {total} people',
    none: 'Nobody matches.',
    addTitle: 'Add a person',
    editTitle: 'Edit “{name}”',
    id: 'Person id (optional)',
    idHint: 'Left empty, one is made.',
    account: 'Sign-in account',
    usernameHint: '2–64 letters, digits, “.”, “_”, “-”. Leave empty for no account.',
    usernameEditHint: 'Emptying this field removes the account.',
    newPassword: 'Password',
    newPasswordHint: 'At least 8 characters.',
    confirmPassword: 'Repeat the password',
    save: 'Save',
    saved: '“{name}” saved.',
    passwordTitle: 'New password for “{name}”',
    passwordSaved: 'New password set for “{name}”.',
    confirmRemove: 'Delete “{name}”{account}? This cannot be undone.',
    withAccount: ' and the account “{username}”',
    removed: '“{name}” deleted.',
    required: 'Please enter the {field}.',
    chooseUnit: 'Please choose a unit.',
    badUsername: 'A username has 2–64 letters, digits, “.”, “_”, “-” and starts with a letter or digit.',
    badEmail: 'This email address is not valid.',
    shortPassword: 'The password needs at least 8 characters.',
    passwordMismatch: 'The two passwords differ.',
    rolesNeedAccount: 'Roles need a username.',
    accountNeedsRole: 'An account needs at least one role.',
    badId: 'An id has letters, digits, “-”, “_”, “.”.',
    noUnits: 'You manage no unit, so you cannot add people.',
  },
});

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const peopleScreen: ScreenFactory = async (ctx, root) => {
  const t = ctx.t(strings);
  const state = ctx.draft('directory-people', () => ({ query: '', unitId: '', role: '' }));
  let units: UnitIndex;

  const notice = noticeBox(ctx);
  const search = field(t('search'), input({ type: 'search', value: state.query, autocomplete: 'off' }), t('searchHint'));
  const unitFilter = field(t('unit'), select([]));
  const roleFilter = field(t('role'), select([{ value: '', label: t('anyRole') }, ...ROLES.map((r) => ({ value: r, label: roleLabel(r, ctx.lang) }))], state.role));
  const shown = h('p', { className: 'muted dir-count', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { className: 'data dir-table', 'data-list': 'people' },
    h('thead', {}, h('tr', {}, ...[t('name'), t('jobTitle'), t('unit'), t('username'), t('roles'), t('actions')].map((x) => h('th', { scope: 'col' }, x)))),
    tbody,
  );
  const empty = h('p', { className: 'empty', hidden: true }, t('none'));
  const addButton = btn(t('add'), () => openForm(undefined), { className: 'primary' });
  const list = new FastList<Person>(tbody, makeRow, (p) => `${p.name} ${p.title ?? ''} ${p.username ?? ''} ${p.email ?? ''} ${p.phone ?? ''} ${units.name(p.unitId)}`);

  root.append(heading(t('title'), addButton), notice.el, h('div', { className: 'row dir-filters' }, search.el, unitFilter.el, roleFilter.el), shown, table, empty);
  search.control.addEventListener('input', () => {
    state.query = search.control.value;
    applyFilter();
  });
  unitFilter.control.addEventListener('change', () => {
    state.unitId = unitFilter.control.value;
    applyFilter();
  });
  roleFilter.control.addEventListener('change', () => {
    state.role = roleFilter.control.value;
    applyFilter();
  });
  await load();

  async function load(): Promise<void> {
    const [u, people] = await Promise.all([loadUnits(ctx), ctx.api.get<Person[]>('/api/people')]);
    units = u;
    state.unitId = fillUnitFilter(ctx, units, unitFilter.control, state.unitId);
    addButton.disabled = units.options().length === 0;
    if (addButton.disabled) addButton.title = t('noUnits');
    list.setItems(people);
    table.dataset['buildMs'] = list.buildMs.toFixed(1);
    applyFilter();
  }

  function applyFilter(): void {
    const start = performance.now();
    const { unitId, role } = state;
    const within = unitId ? units.subtree(unitId) : null;
    const n = list.filter(state.query, (p) => (!within || within.has(p.unitId)) && (!role || p.roles.includes(role as AccountRole)));
    shown.textContent = t('shown', { shown: n, total: list.size });
    empty.hidden = n > 0;
    table.dataset['filterMs'] = (performance.now() - start).toFixed(1);
  }

  function makeRow(p: Person): HTMLTableRowElement {
    const managed = units.byId.get(p.unitId)?.manageable ?? false;
    const actions: Node[] = [];
    if (managed) {
      actions.push(btn(t('edit'), () => openForm(p), { className: 'small', 'aria-label': t('editNamed', { name: p.name }) }));
      if (p.username) actions.push(btn(t('password'), () => openPassword(p), { className: 'small', 'aria-label': t('passwordNamed', { name: p.name }) }));
      actions.push(btn(t('remove'), () => void removePerson(p), { className: 'small', 'aria-label': t('removeNamed', { name: p.name }) }));
    }
    return h(
      'tr',
      { 'data-id': p.id },
      h('td', {}, p.name, p.email ? h('div', { className: 'muted dir-id' }, p.email) : null),
      h('td', {}, p.title ?? ''),
      h('td', {}, units.name(p.unitId)),
      h('td', { className: p.username ? 'dir-username' : 'muted' }, p.username ?? t('noAccount')),
      h('td', {}, ...p.roles.map((r) => h('span', { className: `badge dir-role ${r}` }, roleLabel(r, ctx.lang)))),
      h('td', { className: 'dir-actions' }, ...actions),
    );
  }

  function openForm(person: Person | undefined): void {
    notice.clear();
    const id = person ? null : field(t('id'), input({ maxlength: 64, autocomplete: 'off' }), t('idHint'));
    const name = field(t('name'), input({ value: person?.name ?? '', required: true, maxlength: 200 }));
    const title = field(t('jobTitle'), input({ value: person?.title ?? '', maxlength: 200 }));
    const unitOptions = units.options({ keep: person?.unitId });
    const defaultUnit = person?.unitId ?? (state.unitId && units.byId.get(state.unitId)?.manageable ? state.unitId : '');
    const unit = field(t('unit'), select([{ value: '', label: '—' }, ...unitOptions], defaultUnit, { required: true }));
    const email = field(t('email'), input({ type: 'email', value: person?.email ?? '', maxlength: 200, autocomplete: 'off' }));
    const phone = field(t('phone'), input({ type: 'tel', value: person?.phone ?? '', maxlength: 40, autocomplete: 'off' }));
    const username = field(t('username'), input({ value: person?.username ?? '', maxlength: 64, autocomplete: 'off' }), person?.username ? t('usernameEditHint') : t('usernameHint'));
    const password = person ? null : field(t('newPassword'), input({ type: 'password', autocomplete: 'new-password', maxlength: 200 }), t('newPasswordHint'));
    const boxes = new Map<AccountRole, HTMLInputElement>();
    const rolesError = h('p', { className: 'field-error', 'aria-live': 'polite' });
    const roles = h(
      'fieldset',
      { className: 'dir-roles' },
      h('legend', {}, t('roles')),
      ...ROLES.map((r) => {
        const box = h('input', { type: 'checkbox', value: r, checked: person?.roles.includes(r) ?? false });
        boxes.set(r, box);
        box.addEventListener('change', () => validate(false));
        return h('label', { className: 'dir-check' }, box, ` ${roleLabel(r, ctx.lang)}`);
      }),
      rolesError,
    );
    const chosenRoles = () => ROLES.filter((r) => boxes.get(r)?.checked);
    const validate = (all: boolean): boolean => {
      let ok = true;
      const check = (f: { setError(m: string | null): void; control: HTMLInputElement | HTMLSelectElement }, error: string | null, show = true) => {
        if (show) f.setError(error);
        if (error) ok = false;
      };
      if (id) check(id, id.control.value.trim() === '' || ID.test(id.control.value.trim()) ? null : t('badId'));
      check(name, name.control.value.trim() ? null : t('required', { field: t('name').toLowerCase() }), all || name.control.value !== '');
      check(unit, unit.control.value ? null : t('chooseUnit'), all);
      const mail = email.control.value.trim();
      check(email, mail === '' || EMAIL.test(mail) ? null : t('badEmail'));
      const user = username.control.value.trim();
      check(username, user === '' || USERNAME.test(user) ? null : t('badUsername'));
      if (password) check(password, user === '' || password.control.value.length >= 8 ? null : t('shortPassword'), all || password.control.value !== '');
      let rolesProblem: string | null = null;
      if (user === '' && chosenRoles().length > 0) rolesProblem = t('rolesNeedAccount');
      else if (user !== '' && !person && chosenRoles().length === 0) rolesProblem = t('accountNeedsRole');
      rolesError.textContent = rolesProblem ?? '';
      if (rolesProblem) ok = false;
      return ok;
    };
    for (const f of [id, name, email, username, password]) f?.control.addEventListener('input', () => validate(false));
    unit.control.addEventListener('change', () => validate(false));
    formDialog(
      ctx,
      person ? t('editTitle', { name: person.name }) : t('addTitle'),
      t('save'),
      [
        id?.el ?? '',
        h('div', { className: 'row' }, name.el, title.el),
        unit.el,
        h('div', { className: 'row' }, email.el, phone.el),
        h('fieldset', {}, h('legend', {}, t('account')), h('div', { className: 'row' }, username.el, password?.el ?? ''), roles),
      ],
      async (d) => {
        if (!validate(true)) return;
        const text = (f: { control: HTMLInputElement }) => f.control.value.trim();
        let saved: Person;
        if (person) {
          const changes: Record<string, unknown> = {};
          if (text(name) !== person.name) changes['name'] = text(name);
          if (text(title) !== (person.title ?? '')) changes['title'] = text(title) || null;
          if (unit.control.value !== person.unitId) changes['unitId'] = unit.control.value;
          if (text(email) !== (person.email ?? '')) changes['email'] = text(email) || null;
          if (text(phone) !== (person.phone ?? '')) changes['phone'] = text(phone) || null;
          const user = text(username).toLowerCase();
          if (user !== (person.username ?? '')) changes['username'] = user || null;
          const next = chosenRoles();
          if (user && (next.length !== person.roles.length || next.some((r) => !person.roles.includes(r)))) changes['roles'] = next;
          if (Object.keys(changes).length === 0) return d.close();
          saved = await ctx.api.patch<Person>(`/api/people/${encodeURIComponent(person.id)}`, changes);
        } else {
          const body: Record<string, unknown> = { name: text(name), unitId: unit.control.value };
          if (id && text(id)) body['id'] = text(id);
          if (text(title)) body['title'] = text(title);
          if (text(email)) body['email'] = text(email);
          if (text(phone)) body['phone'] = text(phone);
          if (text(username)) body['account'] = { username: text(username), password: password?.control.value ?? '', roles: chosenRoles() };
          saved = await ctx.api.post<Person>('/api/people', body);
        }
        d.close();
        await load();
        ctx.flash(t('saved', { name: saved.name }));
      },
    );
  }

  function openPassword(person: Person): void {
    notice.clear();
    const pass = field(t('newPassword'), input({ type: 'password', autocomplete: 'new-password', maxlength: 200, required: true }), t('newPasswordHint'));
    const again = field(t('confirmPassword'), input({ type: 'password', autocomplete: 'new-password', maxlength: 200, required: true }));
    const validate = (all: boolean) => {
      const p = pass.control.value;
      if (all || p) pass.setError(p.length >= 8 ? null : t('shortPassword'));
      if (all || again.control.value) again.setError(again.control.value === p ? null : t('passwordMismatch'));
      return p.length >= 8 && again.control.value === p;
    };
    pass.control.addEventListener('input', () => validate(false));
    again.control.addEventListener('input', () => validate(false));
    formDialog(ctx, t('passwordTitle', { name: person.name }), t('save'), [h('input', { type: 'text', hidden: true, autocomplete: 'username', value: person.username ?? '' }), pass.el, again.el], async (d) => {
      if (!validate(true)) return;
      await ctx.api.put(`/api/people/${encodeURIComponent(person.id)}/password`, { password: pass.control.value });
      d.close();
      ctx.flash(t('passwordSaved', { name: person.name }));
    });
  }

  async function removePerson(person: Person): Promise<void> {
    notice.clear();
    const account = person.username ? t('withAccount', { username: person.username }) : '';
    if (!(await confirmDialog(ctx, t('confirmRemove', { name: person.name, account }), t('remove')))) return;
    try {
      await ctx.api.delete(`/api/people/${encodeURIComponent(person.id)}`);
      await load();
      ctx.flash(t('removed', { name: person.name }));
    } catch (e) {
      notice.fail(e, person.name);
    }
  }
};
