/**
 * The calendar (#/calendar?view=week|month|list&at=YYYY-MM-DD&unitId=…&hallId=…&q=…): the
 * meetings the caller may see (the API decides which), by week, month or as a searchable list,
 * filtered by unit subtree and hall. Every view is a link; the search box keeps the link up to
 * date as one types without reloading.
 */
import type { AppContext, ScreenFactory } from '../context.js';
import { addLocalMonths, formatDate, localDateValue, startOfLocalMonth, startOfLocalWeek } from '../format.js';
import { defineStrings } from '../i18n.js';
import { field, h, heading, input, select } from '../ui.js';
import { fold, loadDirectory, loadEntries, MEETINGS_MAX, type Directory } from '../widgets/calendar-data.js';
import { listBody, monthBody, weekBody, type CalendarBody } from '../widgets/calendar-views.js';

const DAY_MS = 86_400_000;
const VIEWS = ['week', 'month', 'list'] as const;
type View = (typeof VIEWS)[number];

const strings = defineStrings({
  vi: {
    title: 'Lịch họp',
    schedule: 'Lên lịch họp',
    week: 'Tuần',
    month: 'Tháng',
    list: 'Danh sách',
    views: 'Cách xem',
    previous: '‹ Trước',
    next: 'Sau ›',
    previousWeek: 'Tuần trước',
    nextWeek: 'Tuần sau',
    previousMonth: 'Tháng trước',
    nextMonth: 'Tháng sau',
    today: 'Hôm nay',
    weekRange: 'Tuần {from} – {to}',
    monthRange: 'Tháng {month}',
    unit: 'Đơn vị',
    allUnits: 'Tất cả đơn vị',
    hall: 'Điểm cầu',
    allHalls: 'Tất cả điểm cầu',
    search: 'Tìm kiếm',
    searchHint: 'Tên cuộc họp, điểm cầu hoặc người chủ trì',
    truncated: 'Chỉ hiển thị {n} cuộc họp đầu tiên. Hãy chọn đơn vị hoặc điểm cầu để thu hẹp.',
    timeZone: 'Giờ Việt Nam (UTC+7)',
  },
  en: {
    title: 'Calendar',
    schedule: 'Schedule a meeting',
    week: 'Week',
    month: 'Month',
    list: 'List',
    views: 'View',
    previous: '‹ Previous',
    next: 'Next ›',
    previousWeek: 'Previous week',
    nextWeek: 'Next week',
    previousMonth: 'Previous month',
    nextMonth: 'Next month',
    today: 'Today',
    weekRange: 'Week {from} – {to}',
    monthRange: 'Month {month}',
    unit: 'Unit',
    allUnits: 'All units',
    hall: 'Hall',
    allHalls: 'All halls',
    search: 'Search',
    searchHint: 'Meeting title, hall or chair',
    truncated: 'Only the first {n} meetings are shown. Choose a unit or a hall to narrow it down.',
    timeZone: 'Vietnam time (UTC+7)',
  },
});

interface CalendarState {
  view: View;
  /** A day in Vietnam, YYYY-MM-DD. */
  at: string;
  unitId: string;
  hallId: string;
  q: string;
}

function readState(query: URLSearchParams): CalendarState {
  const view = query.get('view');
  const at = query.get('at') ?? '';
  return {
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as View) : 'week',
    at: /^\d{4}-\d{2}-\d{2}$/.test(at) && !Number.isNaN(Date.parse(`${at}T12:00:00+07:00`)) ? at : localDateValue(Date.now()),
    unitId: query.get('unitId') ?? '',
    hallId: query.get('hallId') ?? '',
    q: query.get('q') ?? '',
  };
}

function pathOf(s: CalendarState): string {
  const query = new URLSearchParams({ view: s.view, at: s.at });
  if (s.unitId) query.set('unitId', s.unitId);
  if (s.hallId) query.set('hallId', s.hallId);
  if (s.q) query.set('q', s.q);
  return `/calendar?${query.toString()}`;
}

/** The range a view covers and where its previous/next go. */
function rangeOf(s: CalendarState): { from: number; to: number; previous: string; next: string; monthStart: number } {
  const at = Date.parse(`${s.at}T12:00:00+07:00`);
  const monthStart = startOfLocalMonth(at);
  if (s.view === 'week') {
    const from = startOfLocalWeek(at);
    return { from, to: from + 7 * DAY_MS, previous: localDateValue(at - 7 * DAY_MS), next: localDateValue(at + 7 * DAY_MS), monthStart };
  }
  const previous = localDateValue(addLocalMonths(monthStart, -1));
  const next = localDateValue(addLocalMonths(monthStart, 1));
  if (s.view === 'month') {
    const from = startOfLocalWeek(monthStart);
    return { from, to: from + 42 * DAY_MS, previous, next, monthStart };
  }
  return { from: monthStart, to: addLocalMonths(monthStart, 1), previous, next, monthStart };
}

/** The units under `unitId` (itself included), from the parents-first list. */
function subtreeOf(directory: Directory, unitId: string): Set<string> {
  const within = new Set([unitId]);
  for (const { unit } of directory.units) if (unit.parentId !== null && within.has(unit.parentId)) within.add(unit.id);
  return within;
}

export const calendarScreen: ScreenFactory = async (ctx, root, { query }) => {
  const t = ctx.t(strings);
  const state = readState(query);
  const range = rangeOf(state);
  const directory = await loadDirectory(ctx);
  const { entries, truncated } = await loadEntries(ctx, directory, {
    from: range.from,
    to: range.to,
    unitId: state.unitId || undefined,
    hallId: state.hallId || undefined,
  });

  // Links that carry the current search: refreshed as it is typed.
  const links: { a: HTMLAnchorElement; to: () => CalendarState }[] = [];
  const link = (label: string, to: () => CalendarState, attrs: Record<string, string | undefined> = {}) => {
    const a = h('a', { ...attrs, href: `#${pathOf(to())}` }, label);
    links.push({ a, to });
    return a;
  };

  const head = heading(t('title'), ctx.session.isOffice ? h('a', { className: 'button primary', href: '#/meetings/new' }, t('schedule')) : null);

  const tabs = h(
    'nav',
    { className: 'tabs cal-tabs', 'aria-label': t('views') },
    ...VIEWS.map((view) => link(t(view), () => ({ ...state, view }), view === state.view ? { 'aria-current': 'page' } : {})),
  );

  const label =
    state.view === 'week'
      ? t('weekRange', { from: formatDate(range.from), to: formatDate(range.to - DAY_MS) })
      : t('monthRange', { month: formatDate(range.monthStart).slice(3) });
  const paging = h(
    'div',
    { className: 'cal-paging row' },
    link(t('previous'), () => ({ ...state, at: range.previous }), { className: 'button', 'aria-label': t(state.view === 'week' ? 'previousWeek' : 'previousMonth') }),
    link(t('today'), () => ({ ...state, at: localDateValue(Date.now()) }), { className: 'button' }),
    link(t('next'), () => ({ ...state, at: range.next }), { className: 'button', 'aria-label': t(state.view === 'week' ? 'nextWeek' : 'nextMonth') }),
    h('h2', { className: 'cal-range', 'aria-live': 'polite' }, label),
    h('span', { className: 'muted cal-zone' }, t('timeZone')),
  );

  const unitSelect = select(
    [{ value: '', label: t('allUnits') }, ...directory.units.map(({ unit, depth }) => ({ value: unit.id, label: `${'\u00a0\u00a0\u00a0'.repeat(depth)}${unit.name}` }))],
    state.unitId,
    { name: 'unitId' },
  );
  const within = state.unitId ? subtreeOf(directory, state.unitId) : null;
  const hallSelect = select(
    [{ value: '', label: t('allHalls') }, ...directory.halls.filter((hall) => !within || within.has(hall.unitId) || hall.id === state.hallId).map((hall) => ({ value: hall.id, label: hall.name }))],
    state.hallId,
    { name: 'hallId' },
  );
  unitSelect.addEventListener('change', () => ctx.navigate(pathOf({ ...state, unitId: unitSelect.value, hallId: '' })));
  hallSelect.addEventListener('change', () => ctx.navigate(pathOf({ ...state, hallId: hallSelect.value })));
  const search = input({ type: 'search', name: 'q', value: state.q, autocomplete: 'off' });
  const filters = h('div', { className: 'row cal-filters no-print' }, field(t('unit'), unitSelect).el, field(t('hall'), hallSelect).el, field(t('search'), search, t('searchHint')).el);

  const weekLink = (day: string) => `#${pathOf({ ...state, view: 'week', at: day })}`;
  const body: CalendarBody =
    state.view === 'week' ? weekBody(ctx, range.from, entries) : state.view === 'month' ? monthBody(ctx, range.monthStart, range.from, entries, weekLink) : listBody(ctx, entries);
  if (state.q) body.filter(fold(state.q.trim()));

  search.addEventListener('input', () => {
    state.q = search.value;
    body.filter(fold(search.value.trim()));
    const path = `#${pathOf(state)}`;
    // The link follows the search without a re-render (which would take the focus away).
    if (location.hash !== path) history.replaceState(history.state, '', path);
    for (const l of links) l.a.href = `#${pathOf(l.to())}`;
  });

  root.append(
    head,
    tabs,
    paging,
    filters,
    truncated ? h('p', { className: 'form-error', role: 'status' }, t('truncated', { n: MEETINGS_MAX })) : '',
    h('div', { className: `cal-body cal-${state.view}-view`, 'data-view': state.view }, body.el),
  );
};
