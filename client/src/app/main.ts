/**
 * The secretariat's web app at /app: sign-in, then the screens the person's roles allow
 * (calendar, scheduling, invitations, directory, attendance; an official's or operator's
 * meetings and the device check). Plain DOM; each screen renders itself into #view.
 */
import { Api } from './api.js';
import type { AppContext, Screen } from './context.js';
import { errorText, serverDetail } from './errors.js';
import { translator, type Lang, type Strings } from './i18n.js';
import { renderNav, shellStrings } from './nav.js';
import { currentLocation, match } from './router.js';
import { routes } from './routes.js';
import { loginScreen } from './screens/login.js';
import { Session, type Me } from './session.js';
import { h } from './ui.js';

const LANG_KEY = 'diemcau.lang';
const storage = storageOrNull();
const ui = {
  view: element('view'),
  nav: element('nav'),
  who: element('who'),
  flash: element('flash'),
  lang: element<HTMLButtonElement>('lang-toggle'),
  signOut: element<HTMLButtonElement>('sign-out'),
  brand: document.querySelector<HTMLAnchorElement>('.brand'),
  skip: document.querySelector<HTMLAnchorElement>('.skip'),
};

const state = {
  lang: initialLang(),
  screen: undefined as Screen | void,
  /** Bumped on every navigation: a slow screen that finishes after the next one started is dropped. */
  renders: 0,
  expiryTimer: undefined as ReturnType<typeof setTimeout> | undefined,
  flashKept: false,
};
const drafts = new Map<string, unknown>();
const session = new Session(storage);
const api = new Api({ token: () => session.token, onExpired: () => expire() });

const ctx: AppContext = {
  api,
  session,
  get lang() {
    return state.lang;
  },
  t: <K extends string>(strings: Strings<K>) => translator(strings, () => state.lang),
  navigate(path) {
    const hash = `#${path}`;
    if (location.hash === hash) void render();
    else location.hash = hash;
  },
  flash(message, kind = 'info', detail = null) {
    ui.flash.className = `flash ${kind}`;
    ui.flash.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    ui.flash.replaceChildren(h('p', {}, message), detail ? h('p', { className: 'detail' }, detail) : '');
    ui.flash.hidden = false;
    state.flashKept = true;
  },
  fail(error) {
    ctx.flash(errorText(error, state.lang), 'error', serverDetail(error, state.lang));
  },
  draft<T>(key: string, init: () => T): T {
    if (!drafts.has(key)) drafts.set(key, init());
    return drafts.get(key) as T;
  },
  dropDraft(key) {
    drafts.delete(key);
  },
};

const t = ctx.t(shellStrings);

ui.lang.addEventListener('click', () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  try {
    storage?.setItem(LANG_KEY, state.lang);
  } catch {
    // The switch still applies to this page.
  }
  state.flashKept = true;
  void render();
});
ui.signOut.addEventListener('click', () => {
  session.clear();
  drafts.clear();
  ctx.flash(t('signedOut'));
  ctx.navigate('/login');
});
// The skip link would change the hash (our routes live there): it moves the focus instead.
ui.skip?.addEventListener('click', (event) => {
  event.preventDefault();
  (ui.view.querySelector<HTMLElement>('h1') ?? ui.view).focus();
});
window.addEventListener('hashchange', () => void render());
void render();

async function render(): Promise<void> {
  const renderId = ++state.renders;
  const { path, query } = currentLocation(location.hash);
  document.body.dataset['state'] = 'loading';
  document.documentElement.lang = state.lang;
  renderShell(path);
  if (!state.flashKept) ui.flash.hidden = true;
  state.flashKept = false;

  if (!session.signedIn && path !== '/login') {
    const next = location.hash.replace(/^#/, '');
    return ctx.navigate(next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login');
  }
  if (session.signedIn && !session.me) {
    try {
      session.me = await api.get<Me>('/api/me');
    } catch (error) {
      if (renderId !== state.renders) return;
      if (!session.signedIn) return; // expired: expire() navigated to the sign-in
      return show(renderId, path, () => ctx.fail(error));
    }
    if (renderId !== state.renders) return;
    armExpiry();
    renderShell(path);
  }
  if (path === '/login' && session.signedIn) return ctx.navigate('/');
  if (path === '/') return ctx.navigate(session.isOffice ? '/calendar' : '/home');

  if (path === '/login') return show(renderId, path, () => loginScreen(ctx, ui.view, { params: {}, query }));
  const found = match(routes, path);
  if (!found) return show(renderId, path, () => void ui.view.append(h('p', { className: 'empty' }, t('notFound'))));
  if (found.route.roles && !found.route.roles.some((role) => session.has(role)))
    return show(renderId, path, () => void ui.view.append(h('p', { className: 'empty' }, t('forbidden'))));
  document.body.dataset['route'] = found.route.pattern;
  return show(renderId, found.route.pattern, () => found.route.screen(ctx, ui.view, { params: found.params, query }));
}

/** Replaces the screen, and marks the page ready once the new one has shown its data (tests wait on it). */
async function show(renderId: number, route: string, paint: () => Screen | void | Promise<Screen | void>): Promise<void> {
  state.screen?.dispose?.();
  state.screen = undefined;
  ui.view.replaceChildren();
  document.body.dataset['route'] = route;
  try {
    const screen = await paint();
    if (renderId !== state.renders) return screen?.dispose?.();
    state.screen = screen;
  } catch (error) {
    if (renderId !== state.renders) return;
    console.error(error);
    ui.view.append(h('p', { className: 'empty' }, t('loadFailed')));
    ctx.fail(error);
  }
  document.body.dataset['state'] = 'ready';
  ui.view.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
}

function renderShell(path: string): void {
  ui.lang.textContent = t('switchLang');
  ui.lang.lang = state.lang === 'vi' ? 'en' : 'vi';
  ui.signOut.textContent = t('signOut');
  ui.signOut.hidden = !session.signedIn;
  if (ui.brand) ui.brand.textContent = t('brand');
  if (ui.skip) ui.skip.textContent = t('skip');
  const person = session.person;
  ui.who.replaceChildren(
    ...(person
      ? [
          h('a', { href: '#/account' }, person.name),
          ' ',
          h('span', { className: 'role' }, person.roles.map((r) => t(`role_${r}`)).join(', ')),
          session.me?.unit ? h('span', { className: 'muted' }, ` · ${session.me.unit.name}`) : '',
        ]
      : []),
  );
  renderNav(ctx, ui.nav, path);
}

/** Signs out when the token's time is up, with a message, instead of failing on the next click. */
function armExpiry(): void {
  clearTimeout(state.expiryTimer);
  const at = session.expiresAt;
  if (at === null) return;
  // setTimeout holds at most ~24.8 days; a session is hours long.
  state.expiryTimer = setTimeout(expire, Math.max(0, Math.min(at - Date.now(), 2_000_000_000)));
}

function expire(): void {
  if (!session.signedIn) return;
  clearTimeout(state.expiryTimer);
  session.clear();
  ctx.flash(t('expired'), 'error');
  const here = location.hash.replace(/^#/, '');
  ctx.navigate(here && !here.startsWith('/login') ? `/login?next=${encodeURIComponent(here)}` : '/login');
}

function initialLang(): Lang {
  const wanted = new URLSearchParams(location.search).get('lang');
  if (wanted === 'en' || wanted === 'vi') return wanted;
  try {
    return storage?.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`app.html lacks #${id}`);
  return el as T;
}

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
