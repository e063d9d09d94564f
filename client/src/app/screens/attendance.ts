/**
 * The attendance report of a meeting (#/meetings/:id/attendance), during and after it: totals,
 * totals per district, one row per site; CSV download; a session picker for recurring meetings;
 * while the meeting is live it refreshes itself every 30 s. The same screen at …/attendance/print
 * is an A4 page for the minutes.
 */
import type { ScreenFactory } from '../context.js';
import { formatDate, formatTime } from '../format.js';
import { defineStrings } from '../i18n.js';
import { currentLocation } from '../router.js';
import { btn, field, h, heading, select } from '../ui.js';
import { groupsTable, rowsTable, totalsBlock, type AttendanceReport } from '../widgets/attendance-tables.js';
import { sessionTime, type MeetingView } from './meeting-detail.js';

/** A live report is read again this often. */
export const REFRESH_MS = 30_000;
/** A session opens this long before its start (scheduler/recurrence.ts OPENS_BEFORE_MS). */
const OPENS_BEFORE_MS = 30 * 60_000;
/** Before any meeting (the API takes years from 2000 on): "every session since the first". */
const SINCE = '2000-01-01T00:00:00Z';

const strings = defineStrings({
  vi: {
    title: 'Báo cáo điểm danh',
    printTitle: 'BÁO CÁO ĐIỂM DANH',
    back: '← Về cuộc họp',
    backToReport: '← Về báo cáo',
    csv: 'Tải CSV',
    print: 'Bản in',
    printNow: 'In',
    refresh: 'Làm mới',
    session: 'Buổi họp',
    sessionEnded: '{when} (đã kết thúc)',
    when: 'Thời gian',
    chair: 'Chủ trì',
    noChair: '—',
    opened: 'Khai mạc lúc',
    ended: 'Kết thúc lúc',
    status_scheduled: 'Chưa diễn ra',
    status_live: 'Đang diễn ra',
    status_ended: 'Đã kết thúc',
    status_cancelled: 'Đã hủy',
    live: 'Cuộc họp đang diễn ra: báo cáo tự cập nhật mỗi 30 giây. Cập nhật lần cuối lúc {time}.',
    refreshFailed: 'Không cập nhật được lúc {time}; sẽ thử lại.',
    generated: 'Lập lúc {time} (giờ Việt Nam)',
    printHint: 'Khổ A4. Nhấn “In” hoặc Ctrl+P.',
  },
  en: {
    title: 'Attendance report',
    printTitle: 'ATTENDANCE REPORT',
    back: '← Back to the meeting',
    backToReport: '← Back to the report',
    csv: 'Download CSV',
    print: 'Printable page',
    printNow: 'Print',
    refresh: 'Refresh',
    session: 'Session',
    sessionEnded: '{when} (ended)',
    when: 'When',
    chair: 'Chair',
    noChair: '—',
    opened: 'Opened at',
    ended: 'Ended at',
    status_scheduled: 'Not started',
    status_live: 'Live',
    status_ended: 'Ended',
    status_cancelled: 'Cancelled',
    live: 'The meeting is live: the report refreshes every 30 seconds. Last updated at {time}.',
    refreshFailed: 'Could not refresh at {time}; will try again.',
    generated: 'Generated at {time} (Vietnam time)',
    printHint: 'A4 paper. Press “Print” or Ctrl+P.',
  },
});

type StatusKey = 'status_scheduled' | 'status_live' | 'status_ended' | 'status_cancelled';

export const attendanceScreen: ScreenFactory = async (ctx, root, { params, query }) => {
  const t = ctx.t(strings);
  const id = params['id'] ?? '';
  const printing = currentLocation(location.hash).path.endsWith('/attendance/print');
  const occurrence = query.get('occurrence') ?? undefined;
  const path = `/api/meetings/${encodeURIComponent(id)}`;
  const sessionQuery = { occurrence };

  // The meeting's sessions that may have been held by now (those that opened), for the picker.
  const [meeting, first] = await Promise.all([
    ctx.api.get<MeetingView>(path, { from: SINCE, to: new Date(Date.now() + OPENS_BEFORE_MS).toISOString(), limit: 200 }),
    ctx.api.get<AttendanceReport>(`${path}/attendance`, sessionQuery),
  ]);
  let report = first;

  const meetingLink = `#/meetings/${encodeURIComponent(id)}`;
  const reportLink = `${meetingLink}/attendance${occurrence ? `?occurrence=${encodeURIComponent(occurrence)}` : ''}`;
  const printLink = `${meetingLink}/attendance/print${occurrence ? `?occurrence=${encodeURIComponent(occurrence)}` : ''}`;

  const csv = btn(t('csv'), () => {
    csv.disabled = true;
    ctx.api
      .download(`${path}/attendance.csv`, `diem-danh-${id}.csv`, sessionQuery)
      .catch((error: unknown) => ctx.fail(error))
      .finally(() => (csv.disabled = false));
  });

  const facts = h('dl', { className: 'facts attendance-facts' });
  const body = h('div', { className: 'attendance-body' });
  const liveNote = h('p', { className: 'live-note no-print', role: 'status', hidden: true });
  const generated = h('p', { className: 'generated muted' });

  const paint = () => {
    const m = report.meeting;
    facts.replaceChildren(
      h('dt', {}, t('when')),
      h('dd', { 'data-fact': 'when' }, sessionTime(m.start, m.end, ctx.lang), ' ', h('span', { className: `badge ${m.status}`, 'data-status': m.status }, t(`status_${m.status}` as StatusKey))),
      h('dt', {}, t('chair')),
      h('dd', { 'data-fact': 'chair' }, m.chair ?? t('noChair')),
      ...(m.openedAt ? [h('dt', {}, t('opened')), h('dd', { 'data-fact': 'opened' }, `${formatTime(m.openedAt)} ${formatDate(m.openedAt)}`)] : []),
      ...(m.endedAt ? [h('dt', {}, t('ended')), h('dd', { 'data-fact': 'ended' }, `${formatTime(m.endedAt)} ${formatDate(m.endedAt)}`)] : []),
    );
    body.replaceChildren(totalsBlock(ctx, report.totals), groupsTable(ctx, report), rowsTable(ctx, report));
    generated.textContent = t('generated', { time: `${formatDate(report.generatedAt)} ${formatTime(report.generatedAt)}` });
    root.dataset['generatedAt'] = report.generatedAt;
  };

  if (printing) {
    const toolbar = h(
      'div',
      { className: 'print-toolbar no-print', role: 'toolbar', 'aria-label': t('print') },
      h('a', { href: reportLink }, t('backToReport')),
      h('span', { className: 'muted' }, t('printHint')),
      btn(t('printNow'), () => window.print(), { className: 'primary' }),
    );
    root.append(
      toolbar,
      h(
        'article',
        { className: 'print-sheet' },
        h('header', { className: 'print-head' }, h('p', { className: 'kicker' }, t('printTitle')), h('h1', { tabindex: '-1' }, report.meeting.title), facts, generated),
        body,
      ),
    );
    paint();
    return;
  }

  const actions = [
    h('a', { className: 'button', href: meetingLink }, t('back')),
    btn(t('refresh'), () => void refresh()),
    csv,
    h('a', { className: 'button', href: printLink }, t('print')),
  ];
  root.append(heading(t('title'), ...actions));
  const card = h('section', { className: 'card attendance-head' }, h('h2', { className: 'meeting-title' }, report.meeting.title), facts);
  const sessions = sessionPicker();
  if (sessions) card.append(sessions);
  card.append(liveNote, generated);
  root.append(card, body);
  paint();

  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  let disposed = false;
  const refresh = async () => {
    if (busy || disposed) return;
    busy = true;
    try {
      const next = await ctx.api.get<AttendanceReport>(`${path}/attendance`, sessionQuery);
      if (disposed) return;
      report = next;
      paint();
      showLive();
    } catch {
      if (!disposed) liveNote.textContent = t('refreshFailed', { time: formatTime(Date.now()) });
    } finally {
      busy = false;
    }
  };
  const showLive = () => {
    const live = report.meeting.status === 'live';
    liveNote.hidden = !live;
    if (live) liveNote.textContent = t('live', { time: formatTime(report.generatedAt) });
    if (live && timer === undefined) timer = setInterval(() => void refresh(), REFRESH_MS);
    if (!live && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
    root.dataset['refreshing'] = String(timer !== undefined);
  };
  showLive();

  return {
    dispose() {
      disposed = true;
      clearInterval(timer);
      timer = undefined;
    },
  };

  /** For a recurring meeting: a picker of the sessions held (or being held), each its own report. */
  function sessionPicker(): HTMLElement | null {
    if (!meeting.recurrence) return null;
    const ended = new Set((meeting.endedOccurrences ?? []).map((d) => Date.parse(d)));
    const shown = Date.parse(report.meeting.start);
    const list = [...(meeting.occurrences ?? [])];
    if (!list.some((o) => Date.parse(o.start) === shown)) list.push({ start: report.meeting.start, end: report.meeting.end, startLocal: '', endLocal: '' });
    list.sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
    const options = list.map((o) => {
      const when = sessionTime(o.start, o.end, ctx.lang);
      return { value: new Date(o.start).toISOString(), label: ended.has(Date.parse(o.start)) ? t('sessionEnded', { when }) : when };
    });
    const control = select(options, new Date(shown).toISOString());
    control.addEventListener('change', () => ctx.navigate(`/meetings/${encodeURIComponent(id)}/attendance?occurrence=${encodeURIComponent(control.value)}`));
    const f = field(t('session'), control);
    f.el.classList.add('session-picker', 'no-print');
    return f.el;
  }
};
