/** Sign-in with a scheduler account; back to the screen that asked for it. */
import { ApiError } from '../api.js';
import type { ScreenFactory } from '../context.js';
import { errorText, serverDetail, wrongPasswordText } from '../errors.js';
import { defineStrings } from '../i18n.js';
import type { SessionData } from '../session.js';
import { errorBox, field, h, input } from '../ui.js';

const strings = defineStrings({
  vi: {
    title: 'Đăng nhập',
    lead: 'Hệ thống hội nghị trực tuyến của tỉnh. Đăng nhập bằng tài khoản do văn phòng cấp.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    busy: 'Đang đăng nhập…',
    required: 'Vui lòng nhập {field}.',
  },
  en: {
    title: 'Sign in',
    lead: "The province's online conference system. Sign in with the account the office gave you.",
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    busy: 'Signing in…',
    required: 'Please enter the {field}.',
  },
});

export const loginScreen: ScreenFactory = (ctx, root, { query }) => {
  const t = ctx.t(strings);
  const values = ctx.draft('login', () => ({ username: '' }));
  const username = field(t('username'), input({ name: 'username', autocomplete: 'username', required: true, value: values.username }));
  const password = field(t('password'), input({ name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
  const submit = h('button', { type: 'submit', className: 'primary' }, t('submit'));
  const error = errorBox();
  const form = h('form', { className: 'card narrow', novalidate: true }, h('h1', {}, t('title')), h('p', { className: 'muted' }, t('lead')), error.el, username.el, password.el, submit);
  username.control.addEventListener('input', () => {
    values.username = username.control.value;
    username.setError(null);
  });
  password.control.addEventListener('input', () => password.setError(null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = username.control.value.trim();
    const pass = password.control.value;
    username.setError(name ? null : t('required', { field: t('username').toLowerCase() }));
    password.setError(pass ? null : t('required', { field: t('password').toLowerCase() }));
    if (!name) return username.control.focus();
    if (!pass) return password.control.focus();
    submit.disabled = true;
    submit.textContent = t('busy');
    ctx.api
      .post<SessionData>('/api/auth/login', { username: name, password: pass })
      .then((session) => {
        ctx.session.start(session);
        ctx.dropDraft('login');
        const next = query.get('next');
        ctx.navigate(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/');
      })
      .catch((e: unknown) => {
        submit.disabled = false;
        submit.textContent = t('submit');
        if (e instanceof ApiError && e.code === 'UNAUTHORIZED') error.show(wrongPasswordText(ctx.lang));
        else error.show(errorText(e, ctx.lang), serverDetail(e, ctx.lang));
        password.control.select();
        password.control.focus();
      });
  });
  root.append(form);
  username.control.focus();
};
