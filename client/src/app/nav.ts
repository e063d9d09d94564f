/** The menu: what the signed-in person's roles let them open. */
import type { AppContext } from './context.js';
import { defineStrings } from './i18n.js';
import { h } from './ui.js';

export const shellStrings = defineStrings({
  vi: {
    brand: 'Hội nghị trực tuyến',
    skip: 'Bỏ qua điều hướng',
    home: 'Cuộc họp của tôi',
    calendar: 'Lịch họp',
    schedule: 'Lên lịch họp',
    units: 'Đơn vị',
    halls: 'Điểm cầu',
    people: 'Cán bộ',
    import: 'Nhập CSV',
    deviceCheck: 'Kiểm tra thiết bị',
    account: 'Tài khoản',
    signOut: 'Đăng xuất',
    switchLang: 'English',
    expired: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
    signedOut: 'Bạn đã đăng xuất.',
    notFound: 'Không có trang này.',
    forbidden: 'Bạn không có quyền mở trang này.',
    loadFailed: 'Không tải được trang.',
    menu: 'Menu chính',
    role_admin: 'Quản trị',
    role_secretariat: 'Văn phòng',
    role_operator: 'Kỹ thuật điểm cầu',
    role_official: 'Cán bộ',
  },
  en: {
    brand: 'Online conferences',
    skip: 'Skip navigation',
    home: 'My meetings',
    calendar: 'Calendar',
    schedule: 'Schedule',
    units: 'Units',
    halls: 'Halls',
    people: 'People',
    import: 'CSV import',
    deviceCheck: 'Device check',
    account: 'Account',
    signOut: 'Sign out',
    switchLang: 'Tiếng Việt',
    expired: 'Your session has expired. Please sign in again.',
    signedOut: 'You have signed out.',
    notFound: 'There is no such page.',
    forbidden: 'You are not allowed to open this page.',
    loadFailed: 'The page could not be loaded.',
    menu: 'Main menu',
    role_admin: 'Administrator',
    role_secretariat: 'Secretariat',
    role_operator: 'Hall operator',
    role_official: 'Official',
  },
});

export function renderNav(ctx: AppContext, nav: HTMLElement, path: string): void {
  const t = ctx.t(shellStrings);
  nav.setAttribute('aria-label', t('menu'));
  if (!ctx.session.signedIn) return nav.replaceChildren();
  const items: [string, string][] = ctx.session.isOffice
    ? [
        ['/calendar', t('calendar')],
        ['/meetings/new', t('schedule')],
        ['/directory/units', t('units')],
        ['/directory/halls', t('halls')],
        ['/directory/people', t('people')],
        ['/directory/import', t('import')],
        ['/home', t('home')],
        ['/device-check', t('deviceCheck')],
      ]
    : [
        ['/home', t('home')],
        ['/calendar', t('calendar')],
        ['/device-check', t('deviceCheck')],
      ];
  nav.replaceChildren(
    ...items.map(([href, label]) =>
      h('a', { href: `#${href}`, ...(path === href || (href !== '/home' && path.startsWith(`${href}/`)) ? { 'aria-current': 'page' } : {}) }, label),
    ),
  );
}
