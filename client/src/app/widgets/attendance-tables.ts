/**
 * The attendance report's tables, shared by the screen and its printable page: overall totals,
 * totals per group (district), and one row per site or official, grouped as the report orders them.
 */
import type { AppContext } from '../context.js';
import { formatDate, formatTime } from '../format.js';
import { defineStrings, type Translate } from '../i18n.js';
import { h } from '../ui.js';

/** GET /api/meetings/:id/attendance (scheduler/attendance-report.ts). */
export interface AttendanceRow {
  subjectId: string;
  invitationId?: string;
  name: string;
  kind: 'hall' | 'person' | 'guest';
  role: string;
  unitId?: string;
  unitName?: string;
  groupId: string;
  groupName: string;
  firstJoin: string | null;
  lastLeave: string | null;
  present: boolean;
  minutesPresent: number;
  confirmed: boolean;
  headcount: number | null;
  turns: number;
  speakingSeconds: number;
  removed: boolean;
}

export interface AttendanceTotals {
  expected: number;
  attended: number;
  confirmed: number;
  headcount: number;
}

export interface AttendanceGroup extends AttendanceTotals {
  groupId: string;
  groupName: string;
}

export interface AttendanceReport {
  meeting: { id: string; title: string; start: string; end: string; status: string; chair: string | null; openedAt: string | null; endedAt: string | null };
  rows: AttendanceRow[];
  groups: AttendanceGroup[];
  totals: AttendanceTotals;
  generatedAt: string;
}

export const attendanceTableStrings = defineStrings({
  vi: {
    totals: 'Tổng hợp',
    groups: 'Theo cụm (huyện)',
    sites: 'Chi tiết điểm cầu và đại biểu',
    expected: 'Được mời',
    attended: 'Đã tham gia',
    confirmed: 'Đã xác nhận',
    headcount: 'Số người',
    group: 'Cụm / đơn vị',
    all: 'Toàn bộ',
    name: 'Điểm cầu / đại biểu',
    unit: 'Đơn vị',
    firstJoin: 'Vào lần đầu',
    lastLeave: 'Rời lần cuối',
    minutes: 'Số phút có mặt',
    confirmedShort: 'Xác nhận',
    turns: 'Lượt phát biểu',
    presentNow: 'Đang có mặt',
    yes: 'Có',
    no: 'Không',
    tick: '✓',
    here: 'Có mặt',
    withdrawn: 'Đã rút',
    guest: 'Khách',
    noRows: 'Chưa có điểm cầu hay đại biểu nào trong báo cáo.',
  },
  en: {
    totals: 'Totals',
    groups: 'By group (district)',
    sites: 'Sites and officials',
    expected: 'Invited',
    attended: 'Attended',
    confirmed: 'Confirmed',
    headcount: 'Headcount',
    group: 'Group / unit',
    all: 'All',
    name: 'Site / official',
    unit: 'Unit',
    firstJoin: 'First join',
    lastLeave: 'Last leave',
    minutes: 'Minutes present',
    confirmedShort: 'Confirmed',
    turns: 'Turns spoken',
    presentNow: 'Present now',
    yes: 'Yes',
    no: 'No',
    tick: '✓',
    here: 'Present',
    withdrawn: 'Withdrawn',
    guest: 'Guest',
    noRows: 'No site or official in the report yet.',
  },
});

type Key = keyof typeof attendanceTableStrings.vi;

/** HH:mm, with the date in front when it is not the session's day. */
function clockTime(at: string | null, day: string): string {
  if (at === null) return '—';
  return formatDate(at) === day ? formatTime(at) : `${formatDate(at)} ${formatTime(at)}`;
}

const num = (n: number) => h('td', { className: 'num' }, String(n));
const numberFormat = (lang: string) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });

/** The overall totals as a row of figures. */
export function totalsBlock(ctx: AppContext, totals: AttendanceTotals): HTMLElement {
  const t = ctx.t(attendanceTableStrings);
  const item = (key: Key, value: number, name: string) => h('div', { className: 'figure', 'data-total': name }, h('span', { className: 'value' }, String(value)), h('span', { className: 'label' }, t(key)));
  return h(
    'section',
    { className: 'attendance-totals', 'aria-labelledby': 'attendance-totals-heading' },
    h('h2', { id: 'attendance-totals-heading' }, t('totals')),
    h(
      'div',
      { className: 'figures' },
      item('expected', totals.expected, 'expected'),
      item('attended', totals.attended, 'attended'),
      item('confirmed', totals.confirmed, 'confirmed'),
      item('headcount', totals.headcount, 'headcount'),
    ),
  );
}

/** Totals per group, with the overall line at the foot. */
export function groupsTable(ctx: AppContext, report: AttendanceReport): HTMLElement {
  const t = ctx.t(attendanceTableStrings);
  const cells = (g: AttendanceTotals) => [num(g.expected), num(g.attended), num(g.confirmed), num(g.headcount)];
  return h(
    'section',
    { 'aria-labelledby': 'attendance-groups-heading' },
    h('h2', { id: 'attendance-groups-heading' }, t('groups')),
    h(
      'table',
      { className: 'data attendance-groups' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('group')), ...(['expected', 'attended', 'confirmed', 'headcount'] as const).map((k) => h('th', { scope: 'col', className: 'num' }, t(k))))),
      h('tbody', {}, ...report.groups.map((g) => h('tr', { 'data-group': g.groupId }, h('th', { scope: 'row' }, g.groupName), ...cells(g)))),
      h('tfoot', {}, h('tr', { 'data-group': '*' }, h('th', { scope: 'row' }, t('all')), ...cells(report.totals))),
    ),
  );
}

/** One row per site or official, with a heading row for each group. */
export function rowsTable(ctx: AppContext, report: AttendanceReport): HTMLElement {
  const t = ctx.t(attendanceTableStrings);
  const day = formatDate(report.meeting.start);
  const minutes = numberFormat(ctx.lang);
  const headers: [Key, string][] = [
    ['name', ''],
    ['unit', ''],
    ['firstJoin', ''],
    ['lastLeave', ''],
    ['minutes', 'num'],
    ['confirmedShort', 'center'],
    ['headcount', 'num'],
    ['turns', 'num'],
    ['presentNow', 'center'],
  ];
  const body = h('tbody');
  let group: string | null = null;
  for (const row of report.rows) {
    if (row.groupId !== group) {
      group = row.groupId;
      body.append(h('tr', { className: 'group-row' }, h('th', { scope: 'colgroup', colspan: String(headers.length) }, row.groupName)));
    }
    body.append(siteRow(t, row, day, minutes));
  }
  return h(
    'section',
    { 'aria-labelledby': 'attendance-rows-heading' },
    h('h2', { id: 'attendance-rows-heading' }, t('sites')),
    report.rows.length === 0
      ? h('p', { className: 'empty' }, t('noRows'))
      : h(
          'table',
          { className: 'data attendance-rows' },
          h('thead', {}, h('tr', {}, ...headers.map(([key, cls]) => h('th', { scope: 'col', className: cls }, t(key))))),
          body,
        ),
  );
}

function siteRow(t: Translate<Key>, row: AttendanceRow, day: string, minutes: Intl.NumberFormat): HTMLTableRowElement {
  const tags = [row.kind === 'guest' ? h('span', { className: 'badge' }, t('guest')) : null, row.removed ? h('span', { className: 'badge withdrawn' }, t('withdrawn')) : null];
  return h(
    'tr',
    { 'data-subject': row.subjectId, className: [row.removed ? 'removed' : '', row.present ? 'present' : ''].filter(Boolean).join(' ') },
    h('td', {}, row.name, ...tags.flatMap((tag) => (tag ? [' ', tag] : []))),
    h('td', {}, row.unitName ?? ''),
    h('td', { 'data-col': 'firstJoin' }, row.firstJoin ? h('time', { datetime: row.firstJoin }, clockTime(row.firstJoin, day)) : '—'),
    h('td', { 'data-col': 'lastLeave' }, row.lastLeave ? h('time', { datetime: row.lastLeave }, clockTime(row.lastLeave, day)) : '—'),
    h('td', { className: 'num', 'data-col': 'minutes' }, minutes.format(row.minutesPresent)),
    h('td', { className: 'center', 'data-col': 'confirmed' }, row.confirmed ? h('span', { className: 'tick', 'aria-label': t('yes'), title: t('yes') }, t('tick')) : h('span', { className: 'muted', 'aria-label': t('no') }, '–')),
    h('td', { className: 'num', 'data-col': 'headcount' }, row.headcount === null ? '' : String(row.headcount)),
    h('td', { className: 'num', 'data-col': 'turns' }, String(row.turns)),
    h('td', { className: 'center', 'data-col': 'present' }, row.present ? h('span', { className: 'badge live' }, t('here')) : ''),
  );
}
