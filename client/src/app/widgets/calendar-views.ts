/**
 * The calendar's three bodies: a week (Monday–Sunday columns), a month (6×7 grid) and a list
 * (a table filtered as one types). Each meeting links to its page.
 */
import type { AppContext } from '../context.js';
import { formatDate, formatTime, localDateValue, localWeekday, weekdayName } from '../format.js';
import { defineStrings, type Translate } from '../i18n.js';
import { h } from '../ui.js';
import { byDay, matches, type CalendarEntry } from './calendar-data.js';

const DAY_MS = 86_400_000;
/** Meetings shown in a month cell before "+N more". */
const MONTH_CELL_MAX = 3;

export const viewStrings = defineStrings({
  vi: {
    status_scheduled: 'Đã lên lịch',
    status_live: 'Đang họp',
    status_ended: 'Đã kết thúc',
    status_cancelled: 'Đã hủy',
    noMeetings: 'Không có cuộc họp.',
    more: '+{n} cuộc họp khác',
    moreLabel: 'Xem thêm {n} cuộc họp ngày {date}',
    date: 'Ngày',
    time: 'Giờ',
    title: 'Tên cuộc họp',
    host: 'Điểm cầu chủ trì',
    status: 'Trạng thái',
    sites: 'Số điểm cầu',
    shown: 'Hiển thị {n}/{total} buổi họp',
    noMatch: 'Không có cuộc họp nào khớp với từ khóa.',
    today: 'hôm nay',
    hostAt: 'Chủ trì tại {hall}',
  },
  en: {
    status_scheduled: 'Scheduled',
    status_live: 'Live',
    status_ended: 'Ended',
    status_cancelled: 'Cancelled',
    noMeetings: 'No meetings.',
    more: '+{n} more',
    moreLabel: 'See {n} more meetings on {date}',
    date: 'Date',
    time: 'Time',
    title: 'Title',
    host: 'Host hall',
    status: 'Status',
    sites: 'Sites',
    shown: 'Showing {n} of {total} sessions',
    noMatch: 'No meeting matches the search.',
    today: 'today',
    hostAt: 'Hosted at {hall}',
  },
});

type T = Translate<keyof typeof viewStrings.vi>;

export interface CalendarBody {
  el: HTMLElement;
  /** Applies the search box's text (already folded). */
  filter(foldedQuery: string): void;
}

export function statusBadge(t: T, status: CalendarEntry['meeting']['status']): HTMLElement {
  return h('span', { className: `badge ${status}` }, t(`status_${status}`));
}

function timeSpan(e: CalendarEntry): string {
  return `${formatTime(e.start)}–${formatTime(e.end)}`;
}

/** One meeting in the week or month: time, title, status; struck through when cancelled. */
function eventLink(t: T, e: CalendarEntry, compact: boolean): HTMLAnchorElement {
  return h(
    'a',
    {
      className: `cal-event ${e.meeting.status}`,
      href: `#/meetings/${encodeURIComponent(e.meeting.id)}`,
      'data-meeting-id': e.meeting.id,
      title: `${timeSpan(e)} ${e.meeting.title} — ${t('hostAt', { hall: e.hallName })}`,
    },
    h('span', { className: 'cal-time' }, compact ? formatTime(e.start) : timeSpan(e)),
    ' ',
    h('span', { className: 'cal-title' }, e.meeting.title),
    compact && e.meeting.status === 'scheduled' ? null : statusBadge(t, e.meeting.status),
  );
}

/** Monday–Sunday from `weekStart` (Monday 00:00 in Vietnam). */
export function weekBody(ctx: AppContext, weekStart: number, entries: readonly CalendarEntry[]): CalendarBody {
  const t = ctx.t(viewStrings);
  const el = h('div', { className: 'cal-week' });
  const today = localDateValue(Date.now());
  const paint = (shown: readonly CalendarEntry[]) => {
    const days = byDay(shown);
    el.replaceChildren(
      ...Array.from({ length: 7 }, (_, i) => {
        const at = weekStart + i * DAY_MS + 12 * 3600_000; // noon: clear of any day boundary
        const day = localDateValue(at);
        const list = days.get(day) ?? [];
        return h(
          'section',
          { className: `cal-day${day === today ? ' today' : ''}`, 'data-day': day, 'aria-label': `${weekdayName(localWeekday(at), ctx.lang)} ${formatDate(at)}` },
          h('h2', { className: 'cal-day-head' }, h('span', { className: 'cal-weekday' }, weekdayName(localWeekday(at), ctx.lang)), ' ', h('span', { className: 'cal-date' }, formatDate(at))),
          list.length === 0
            ? h('p', { className: 'muted cal-none' }, t('noMeetings'))
            : h('ul', { className: 'cal-events' }, ...list.map((e) => h('li', {}, eventLink(t, e, false)))),
        );
      }),
    );
  };
  paint(entries);
  return { el, filter: (q) => paint(entries.filter((e) => matches(e, q))) };
}

/** Six weeks from the Monday on or before the 1st of the month. */
export function monthBody(ctx: AppContext, monthStart: number, gridStart: number, entries: readonly CalendarEntry[], weekLink: (day: string) => string): CalendarBody {
  const t = ctx.t(viewStrings);
  const month = localDateValue(monthStart).slice(0, 7);
  const today = localDateValue(Date.now());
  const el = h('div', { className: 'cal-month-wrap' });
  const paint = (shown: readonly CalendarEntry[]) => {
    const days = byDay(shown);
    const head = h(
      'tr',
      {},
      ...[1, 2, 3, 4, 5, 6, 0].map((wd) => h('th', { scope: 'col' }, weekdayName(wd, ctx.lang))),
    );
    const rows = Array.from({ length: 6 }, (_, w) =>
      h(
        'tr',
        {},
        ...Array.from({ length: 7 }, (_, d) => {
          const at = gridStart + (w * 7 + d) * DAY_MS + 12 * 3600_000;
          const day = localDateValue(at);
          const list = days.get(day) ?? [];
          const outside = day.slice(0, 7) !== month;
          const cls = ['cal-cell', outside ? 'outside' : '', day === today ? 'today' : ''].filter(Boolean).join(' ');
          return h(
            'td',
            { className: cls, 'data-day': day },
            h('a', { className: 'cal-daynum', href: weekLink(day), 'aria-label': formatDate(at) }, String(Number(day.slice(8)))),
            list.length === 0 ? null : h('ul', { className: 'cal-events' }, ...list.slice(0, MONTH_CELL_MAX).map((e) => h('li', {}, eventLink(t, e, true)))),
            list.length > MONTH_CELL_MAX
              ? h('a', { className: 'cal-more', href: weekLink(day), 'aria-label': t('moreLabel', { n: list.length - MONTH_CELL_MAX, date: formatDate(at) }) }, t('more', { n: list.length - MONTH_CELL_MAX }))
              : null,
          );
        }),
      ),
    );
    el.replaceChildren(h('table', { className: 'cal-month', 'data-month': month }, h('thead', {}, head), h('tbody', {}, ...rows)));
  };
  paint(entries);
  return { el, filter: (q) => paint(entries.filter((e) => matches(e, q))) };
}

/** Every session of the range as a table row; the search hides rows rather than rebuilding them. */
export function listBody(ctx: AppContext, entries: readonly CalendarEntry[]): CalendarBody {
  const t = ctx.t(viewStrings);
  const count = h('p', { className: 'muted cal-count', role: 'status', 'aria-live': 'polite' });
  const noMatch = h('p', { className: 'empty', hidden: true }, t('noMatch'));
  if (entries.length === 0) return { el: h('p', { className: 'empty' }, t('noMeetings')), filter: () => undefined };
  const rows = entries.map((e) => {
    const tr = h(
      'tr',
      { className: `cal-row ${e.meeting.status}`, 'data-meeting-id': e.meeting.id },
      h('td', { className: 'cal-date' }, formatDate(e.start)),
      h('td', { className: 'cal-time' }, timeSpan(e)),
      h('td', { className: 'cal-title' }, h('a', { href: `#/meetings/${encodeURIComponent(e.meeting.id)}` }, e.meeting.title)),
      h('td', {}, e.hallName),
      h('td', {}, statusBadge(t, e.meeting.status)),
      h('td', { className: 'num' }, String(e.meeting.siteHallIds.length)),
    );
    return { tr, entry: e };
  });
  const headers = [t('date'), t('time'), t('title'), t('host'), t('status'), t('sites')];
  const table = h(
    'table',
    { className: 'data cal-list' },
    h('thead', {}, h('tr', {}, ...headers.map((text, i) => h('th', { scope: 'col', className: i === 5 ? 'num' : undefined }, text)))),
    h('tbody', {}, ...rows.map((r) => r.tr)),
  );
  const filter = (q: string) => {
    let shown = 0;
    for (const r of rows) {
      const ok = matches(r.entry, q);
      if (r.tr.hidden === ok) r.tr.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = t('shown', { n: shown, total: rows.length });
    noMatch.hidden = shown > 0;
    table.hidden = shown === 0;
  };
  filter('');
  return { el: h('div', { className: 'cal-list-wrap' }, count, table, noMatch), filter };
}
