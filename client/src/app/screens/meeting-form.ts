/**
 * Scheduling a conference (#/meetings/new) and changing one (#/meetings/:id/edit): title,
 * agenda, description, day and 24-hour times, weekly or monthly repetition, host hall, sites
 * from the unit tree, chair, secretaries and invited officials. Fields check themselves as one
 * types; hall bookings are checked (POST /api/meetings/conflicts) as time and halls change, so a
 * clash shows before saving. A refused save keeps every value and says why, naming the halls and
 * meetings in the way. Editing sends only what changed; cancelling asks first.
 */
import { ApiError } from '../api.js';
import type { AppContext, ScreenFactory } from '../context.js';
import { errorText, serverDetail } from '../errors.js';
import { formatDay, formatDate, formatTime, toInstant } from '../format.js';
import { defineStrings } from '../i18n.js';
import { btn, errorBox, field, h, heading, input, select, type Field } from '../ui.js';
import { agendaItems, agendaRowErrors, agendaStrings, createAgendaEditor, type AgendaRow } from '../widgets/meeting-agenda.js';
import { conflictList, conflictStrings, type Conflict } from '../widgets/meeting-conflicts.js';
import { clockMinutes, HALF_HOURS, occurrenceCount, parseClock, parseDay, showDay } from '../widgets/meeting-time.js';
import { createPeoplePicker, peoplePickerStrings, type PickerPerson } from '../widgets/people-picker.js';
import { createUnitPicker, unitPickerStrings, type PickerHall, type PickerUnit, type SiteSelection } from '../widgets/unit-picker.js';

const strings = defineStrings({
  vi: {
    newTitle: 'Lên lịch cuộc họp trực tuyến',
    editTitle: 'Sửa cuộc họp',
    general: 'Thông tin chung',
    title: 'Tên cuộc họp',
    description: 'Mô tả',
    descriptionHint: 'Nội dung, thành phần, tài liệu… (không bắt buộc)',
    when: 'Thời gian (giờ Việt Nam, UTC+7)',
    date: 'Ngày họp',
    dateHint: 'dd/mm/yyyy',
    start: 'Giờ bắt đầu',
    end: 'Giờ kết thúc',
    timeHint: '24 giờ, ví dụ 08:00',
    repeat: 'Lặp lại',
    none: 'Không lặp',
    weekly: 'Hằng tuần',
    monthly: 'Hằng tháng',
    until: 'Lặp đến ngày',
    untilHint: 'dd/mm/yyyy, tính cả ngày này',
    keptCount: 'Đang lặp {n} lần: để trống để giữ nguyên.',
    keptInterval: 'Quy tắc hiện tại: cách {n} {unit} một lần (được giữ nguyên).',
    weeks: 'tuần',
    months: 'tháng',
    places: 'Điểm cầu',
    host: 'Điểm cầu chủ trì',
    chooseHost: '— Chọn điểm cầu chủ trì —',
    sites: 'Các điểm cầu tham dự',
    people: 'Thành phần',
    chair: 'Chủ trì',
    chairHint: 'Người chủ trì cuộc họp.',
    secretaries: 'Thư ký',
    secretariesHint: 'Giúp chủ trì điều hành: điểm danh, lượt phát biểu (tối đa 20).',
    invited: 'Mời đích danh',
    invitedHint: 'Cán bộ được mời riêng, ngoài các điểm cầu.',
    save: 'Lưu cuộc họp',
    saveChanges: 'Lưu thay đổi',
    saving: 'Đang lưu…',
    back: 'Quay lại',
    cancelMeeting: 'Huỷ cuộc họp',
    cancelHeading: 'Huỷ cuộc họp «{title}»?',
    cancelText:
      'Tất cả điểm cầu và những người được mời sẽ được thông báo: lịch của họ nhận thông báo huỷ, các điểm cầu được giải phóng. Không thể hoàn tác.',
    cancelConfirm: 'Huỷ cuộc họp',
    cancelKeep: 'Không, giữ cuộc họp',
    cancelling: 'Đang huỷ…',
    cancelled: 'Đã huỷ cuộc họp. Các điểm cầu và người được mời đã được thông báo.',
    created: 'Đã lên lịch cuộc họp «{title}».',
    updated: 'Đã lưu thay đổi cuộc họp «{title}».',
    unchanged: 'Không có gì thay đổi.',
    fixFields: 'Vui lòng sửa các ô được đánh dấu đỏ.',
    titleRequired: 'Nhập tên cuộc họp.',
    dateRequired: 'Nhập ngày họp.',
    dateInvalid: 'Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 01/12/2026.',
    timeRequired: 'Nhập giờ.',
    timeInvalid: 'Giờ không hợp lệ: nhập dạng 24 giờ, ví dụ 08:00 hoặc 14:30.',
    endAfterStart: 'Giờ kết thúc phải sau giờ bắt đầu.',
    untilRequired: 'Chọn ngày lặp đến.',
    untilAfterStart: 'Ngày lặp đến phải từ ngày họp trở đi.',
    tooMany: 'Quá nhiều lần họp ({n}): tối đa 200, hãy chọn ngày lặp đến sớm hơn.',
    hostRequired: 'Chọn điểm cầu chủ trì.',
    chairRequired: 'Chọn người chủ trì.',
    tooManySecretaries: 'Tối đa 20 thư ký.',
    notEditable: 'Bạn không có quyền sửa cuộc họp này.',
    notChangeable: 'Cuộc họp đã {status}: không thể sửa.',
    status_cancelled: 'bị huỷ',
    status_ended: 'kết thúc',
    openMeeting: 'Xem cuộc họp',
    timeZoneNote: 'Mọi thời gian theo giờ Việt Nam (UTC+7).',
  },
  en: {
    newTitle: 'Schedule an online meeting',
    editTitle: 'Edit meeting',
    general: 'General',
    title: 'Title',
    description: 'Description',
    descriptionHint: 'Content, participants, documents… (optional)',
    when: 'Time (Vietnam time, UTC+7)',
    date: 'Date',
    dateHint: 'dd/mm/yyyy',
    start: 'Start',
    end: 'End',
    timeHint: '24-hour, e.g. 08:00',
    repeat: 'Repeat',
    none: 'Does not repeat',
    weekly: 'Weekly',
    monthly: 'Monthly',
    until: 'Repeat until',
    untilHint: 'dd/mm/yyyy, that day included',
    keptCount: 'Repeats {n} times: leave empty to keep it so.',
    keptInterval: 'Current rule: every {n} {unit} (kept).',
    weeks: 'weeks',
    months: 'months',
    places: 'Halls',
    host: 'Host hall',
    chooseHost: '— Choose the host hall —',
    sites: 'Site halls',
    people: 'People',
    chair: 'Chair',
    chairHint: 'Who chairs the meeting.',
    secretaries: 'Secretaries',
    secretariesHint: 'Help the chair run it: roll call, speaking queue (20 at most).',
    invited: 'Invited by name',
    invitedHint: 'Officials invited in person, besides the halls.',
    save: 'Save meeting',
    saveChanges: 'Save changes',
    saving: 'Saving…',
    back: 'Back',
    cancelMeeting: 'Cancel meeting',
    cancelHeading: 'Cancel the meeting “{title}”?',
    cancelText: 'Every hall and everyone invited will be told: their calendars receive a cancellation and the halls are freed. This cannot be undone.',
    cancelConfirm: 'Cancel the meeting',
    cancelKeep: 'No, keep it',
    cancelling: 'Cancelling…',
    cancelled: 'The meeting is cancelled. Halls and invitees have been told.',
    created: 'The meeting “{title}” is scheduled.',
    updated: 'Changes to “{title}” are saved.',
    unchanged: 'Nothing changed.',
    fixFields: 'Please correct the fields marked in red.',
    titleRequired: 'Enter a title.',
    dateRequired: 'Enter the date.',
    dateInvalid: 'Not a valid date: use dd/mm/yyyy, e.g. 01/12/2026.',
    timeRequired: 'Enter the time.',
    timeInvalid: 'Not a valid time: use 24-hour time, e.g. 08:00 or 14:30.',
    endAfterStart: 'The end must be after the start.',
    untilRequired: 'Choose the last day.',
    untilAfterStart: 'The last day cannot be before the meeting’s date.',
    tooMany: 'Too many sessions ({n}): 200 at most, choose an earlier last day.',
    hostRequired: 'Choose the host hall.',
    chairRequired: 'Choose who chairs.',
    tooManySecretaries: '20 secretaries at most.',
    notEditable: 'You may not change this meeting.',
    notChangeable: 'The meeting is {status}: it cannot be changed.',
    status_cancelled: 'cancelled',
    status_ended: 'over',
    openMeeting: 'Open the meeting',
    timeZoneNote: 'All times are Vietnam time (UTC+7).',
  },
});

type Freq = '' | 'weekly' | 'monthly';

interface Recurrence {
  freq: 'weekly' | 'monthly';
  interval?: number;
  until?: string;
  count?: number;
}

/** GET /api/meetings/:id, the parts the form reads. */
interface MeetingView {
  id: string;
  title: string;
  description?: string;
  agenda: { title: string; presenter?: string; minutes?: number }[];
  start: string;
  end: string;
  recurrence?: { freq: 'weekly' | 'monthly'; interval: number; until?: string; count?: number };
  chairId: string;
  hostHallId: string;
  siteHallIds: string[];
  invitedPersonIds: string[];
  secretaryIds: string[];
  status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  updatedAt: string;
  editable: boolean;
}

/** What is typed, kept as a draft so a language switch (a re-render) loses nothing. */
interface Values {
  title: string;
  description: string;
  date: string;
  start: string;
  end: string;
  freq: Freq;
  until: string;
  hostHallId: string;
  siteHallIds: string[];
  chair: string[];
  secretaries: string[];
  invited: string[];
  agenda: AgendaRow[];
}

interface Draft {
  /** The stored meeting's updatedAt this draft started from (editing): a newer one starts over. */
  basis: string | null;
  values: Values;
  /** As loaded: what an edit compares with to send only the changes. */
  initial: Values;
  touched: string[];
  submitted: boolean;
  filter: string;
}

type FieldKey = 'title' | 'date' | 'start' | 'end' | 'until' | 'host' | 'chair' | 'secretaries';

const emptyValues = (date = ''): Values => ({
  title: '',
  description: '',
  date,
  start: '08:00',
  end: '10:00',
  freq: '',
  until: '',
  hostHallId: '',
  siteHallIds: [],
  chair: [],
  secretaries: [],
  invited: [],
  agenda: [],
});

function valuesOf(m: MeetingView): Values {
  return {
    title: m.title,
    description: m.description ?? '',
    date: formatDate(m.start),
    start: formatTime(m.start),
    end: formatTime(m.end),
    freq: m.recurrence?.freq ?? '',
    until: m.recurrence?.until ? formatDate(m.recurrence.until) : '',
    hostHallId: m.hostHallId,
    siteHallIds: [...m.siteHallIds],
    chair: [m.chairId],
    secretaries: [...m.secretaryIds],
    invited: [...m.invitedPersonIds],
    agenda: m.agenda.map((a) => ({ title: a.title, presenter: a.presenter ?? '', minutes: a.minutes === undefined ? '' : String(a.minutes) })),
  };
}

const clone = (v: Values): Values => structuredClone(v);

export const meetingFormScreen: ScreenFactory = async (ctx, root, { params, query }) => {
  const t = ctx.t(strings);
  const meetingId = params['id'];
  const draftKey = `meeting-form:${meetingId ?? 'new'}`;

  const [units, halls, people, meeting] = await Promise.all([
    ctx.api.get<PickerUnit[]>('/api/units'),
    ctx.api.get<PickerHall[]>('/api/halls'),
    ctx.api.get<PickerPerson[]>('/api/people'),
    meetingId === undefined ? Promise.resolve(undefined) : ctx.api.get<MeetingView>(`/api/meetings/${encodeURIComponent(meetingId)}`),
  ]);

  if (meeting && (!meeting.editable || meeting.status === 'cancelled' || meeting.status === 'ended')) {
    const why = !meeting.editable ? t('notEditable') : t('notChangeable', { status: t(meeting.status === 'cancelled' ? 'status_cancelled' : 'status_ended') });
    root.append(heading(`${t('editTitle')}: ${meeting.title}`), h('p', { className: 'empty' }, why, ' ', h('a', { href: `#/meetings/${encodeURIComponent(meeting.id)}` }, t('openMeeting'))));
    return;
  }

  const fresh = (): Draft => {
    const wantedDay = query.get('date');
    const values = meeting ? valuesOf(meeting) : emptyValues(wantedDay && parseDay(showDay(wantedDay)) ? showDay(wantedDay) : formatDate(Date.now() + 86_400_000));
    return { basis: meeting?.updatedAt ?? null, values, initial: clone(values), touched: [], submitted: false, filter: '' };
  };
  let draft = ctx.draft<Draft>(draftKey, fresh);
  if (meeting && draft.basis !== meeting.updatedAt) {
    ctx.dropDraft(draftKey);
    draft = ctx.draft<Draft>(draftKey, fresh);
  }
  const v = draft.values;
  const editing = meeting !== undefined;

  // ----- the form's parts -----
  const form = h('form', { className: 'meeting-form', novalidate: true });
  const box = errorBox();
  const unitNames = new Map(units.map((u) => [u.id, u.name]));

  const title = field(t('title'), input({ value: v.title, maxlength: 300, autocomplete: 'off' }));
  const description = field(t('description'), h('textarea', { maxlength: 5000, rows: 3 }), t('descriptionHint'));
  description.control.value = v.description;
  const date = field(t('date'), input({ value: v.date, placeholder: 'dd/mm/yyyy', inputmode: 'numeric', maxlength: 10, autocomplete: 'off' }), t('dateHint'));
  const clockList = h('datalist', { id: 'meeting-form-clock' }, ...HALF_HOURS.map((c) => h('option', { value: c })));
  const start = field(t('start'), input({ value: v.start, placeholder: '08:00', inputmode: 'numeric', maxlength: 5, list: clockList.id, autocomplete: 'off' }), t('timeHint'));
  const end = field(t('end'), input({ value: v.end, placeholder: '10:00', inputmode: 'numeric', maxlength: 5, list: clockList.id, autocomplete: 'off' }), t('timeHint'));
  const freq = field(t('repeat'), select([{ value: '', label: t('none') }, { value: 'weekly', label: t('weekly') }, { value: 'monthly', label: t('monthly') }], v.freq));
  const until = field(t('until'), input({ value: v.until, placeholder: 'dd/mm/yyyy', inputmode: 'numeric', maxlength: 10, autocomplete: 'off' }), t('untilHint'));
  const recurrenceNote = h('p', { className: 'hint' });

  const picker = createUnitPicker(ctx.t(unitPickerStrings), () => {
    v.siteHallIds = picker.selectedHallIds();
    changed('sites');
  }, (q) => (draft.filter = q));
  const host = field(t('host'), select([{ value: '', label: t('chooseHost') }]));

  const peopleT = ctx.t(peoplePickerStrings);
  const unitName = (id: string) => unitNames.get(id);
  const chair = createPeoplePicker({ t: peopleT, legend: t('chair'), hint: t('chairHint'), people, unitName, max: 1, onChange: (ids) => ((v.chair = ids), changed('chair')) });
  const secretaries = createPeoplePicker({
    t: peopleT,
    legend: t('secretaries'),
    hint: t('secretariesHint'),
    people,
    unitName,
    exclude: () => new Set(v.chair),
    onChange: (ids) => ((v.secretaries = ids), changed('secretaries')),
  });
  const invited = createPeoplePicker({
    t: peopleT,
    legend: t('invited'),
    hint: t('invitedHint'),
    people,
    unitName,
    exclude: () => new Set([...v.chair, ...v.secretaries]),
    onChange: (ids) => ((v.invited = ids), changed('invited')),
  });
  const agenda = createAgendaEditor(ctx.t(agendaStrings), v.agenda, () => changed('agenda'));

  const conflictT = ctx.t(conflictStrings);
  const conflictPanel = h('div', { className: 'conflict-panel', 'aria-live': 'polite', hidden: true });
  const saveButton = h('button', { type: 'submit', className: 'primary' }, editing ? t('saveChanges') : t('save'));
  const backHref = editing ? `#/meetings/${encodeURIComponent(meeting.id)}` : '#/calendar';
  const actions = h('div', { className: 'form-actions' }, saveButton, h('a', { className: 'button', href: backHref }, t('back')));
  const dialog = editing && meeting.status === 'scheduled' ? cancelDialog(ctx, meeting, box) : null;
  if (dialog) actions.append(h('span', { className: 'grow' }), btn(t('cancelMeeting'), () => dialog.showModal(), { className: 'danger' }));

  form.append(
    h(
      'div',
      { className: 'form-columns' },
      h(
        'div',
        {},
        h('fieldset', {}, h('legend', {}, t('general')), title.el, description.el),
        h(
          'fieldset',
          {},
          h('legend', {}, t('when')),
          h('div', { className: 'row' }, date.el, start.el, end.el),
          h('div', { className: 'row' }, freq.el, until.el),
          recurrenceNote,
          clockList,
        ),
        agenda.el,
      ),
      h(
        'div',
        {},
        h('fieldset', {}, h('legend', {}, t('places')), host.el, h('h2', { className: 'sub' }, t('sites')), picker.el),
        h('fieldset', { className: 'people' }, h('legend', {}, t('people')), chair.el, secretaries.el, invited.el),
      ),
    ),
    h('div', { className: 'form-footer' }, conflictPanel, box.el, actions),
  );
  root.append(heading(editing ? `${t('editTitle')}: ${meeting.title}` : t('newTitle')), h('p', { className: 'muted' }, t('timeZoneNote')), form);
  if (dialog) root.append(dialog);

  // The tree is built in the page, so its render time (data-render-ms) includes laying it out.
  picker.load(units, halls);
  picker.setFilter(draft.filter);
  picker.setSelected(v.siteHallIds);
  const hostOptions = picker.halls();
  if (v.hostHallId && !hostOptions.some((hall) => hall.id === v.hostHallId)) hostOptions.unshift({ id: v.hostHallId, name: v.hostHallId, unitId: '' });
  host.control.append(...hostOptions.map((hall) => h('option', { value: hall.id }, hall.name)));
  host.control.value = v.hostHallId;
  picker.setHost(v.hostHallId || null);
  chair.set(v.chair);
  secretaries.set(v.secretaries);
  invited.set(v.invited);

  // ----- typing -----
  const bindText = (f: Field<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>, key: FieldKey | 'description' | 'freq', set: (value: string) => void, tidy?: (value: string) => string | null) => {
    f.control.addEventListener('input', () => {
      set(f.control.value);
      changed(key);
    });
    f.control.addEventListener('change', () => {
      set(f.control.value);
      changed(key);
    });
    f.control.addEventListener('blur', () => {
      const tidied = tidy?.(f.control.value);
      if (tidied && tidied !== f.control.value) {
        f.control.value = tidied;
        set(tidied);
      }
      touch(key);
    });
  };
  bindText(title, 'title', (s) => (v.title = s));
  bindText(description, 'description', (s) => (v.description = s));
  bindText(date, 'date', (s) => (v.date = s), (s) => (parseDay(s) ? showDay(parseDay(s) as string) : null));
  bindText(start, 'start', (s) => (v.start = s), parseClock);
  bindText(end, 'end', (s) => (v.end = s), parseClock);
  bindText(freq, 'freq', (s) => (v.freq = s as Freq));
  bindText(until, 'until', (s) => (v.until = s), (s) => (parseDay(s) ? showDay(parseDay(s) as string) : null));
  host.control.addEventListener('change', () => {
    v.hostHallId = host.control.value;
    picker.setHost(v.hostHallId || null);
    v.siteHallIds = picker.selectedHallIds();
    touch('host');
    changed('host');
  });

  function touch(key: string): void {
    if (!draft.touched.includes(key)) draft.touched.push(key);
    validate();
  }

  function changed(key: string): void {
    if (key !== 'description' && key !== 'agenda' && key !== 'freq' && !draft.touched.includes(key)) draft.touched.push(key);
    validate();
    scheduleCheck();
  }

  // ----- checks -----
  const originalRule = meeting?.recurrence;

  /** The schedule as the API takes it, or the error of each field. */
  function schedule(): { errors: Partial<Record<FieldKey, string>>; start?: string; end?: string; recurrence?: Recurrence | null } {
    const errors: Partial<Record<FieldKey, string>> = {};
    const day = parseDay(v.date);
    if (!v.date.trim()) errors.date = t('dateRequired');
    else if (!day) errors.date = t('dateInvalid');
    const s = parseClock(v.start);
    const e = parseClock(v.end);
    if (!v.start.trim()) errors.start = t('timeRequired');
    else if (!s) errors.start = t('timeInvalid');
    if (!v.end.trim()) errors.end = t('timeRequired');
    else if (!e) errors.end = t('timeInvalid');
    else if (s && clockMinutes(e) <= clockMinutes(s)) errors.end = t('endAfterStart');
    let recurrence: Recurrence | null = null;
    if (v.freq) {
      const keepCount = !v.until.trim() && originalRule?.count !== undefined && originalRule.freq === v.freq;
      const interval = originalRule && originalRule.freq === v.freq ? originalRule.interval : 1;
      const last = parseDay(v.until);
      if (keepCount) recurrence = { freq: v.freq, interval, count: originalRule.count as number };
      else if (!v.until.trim()) errors.until = t('untilRequired');
      else if (!last) errors.until = t('dateInvalid');
      else if (day && last < day) errors.until = t('untilAfterStart');
      else if (day && occurrenceCount(v.freq, day, last, interval) > 200) errors.until = t('tooMany', { n: occurrenceCount(v.freq, day, last, interval) });
      else recurrence = { freq: v.freq, interval, until: last };
    }
    if (Object.keys(errors).length > 0 || !day || !s || !e) return { errors };
    return { errors, start: toInstant(day, s) as string, end: toInstant(day, e) as string, recurrence };
  }

  function errorsNow(): Partial<Record<FieldKey, string>> {
    const errors = { ...schedule().errors };
    if (!v.title.trim()) errors.title = t('titleRequired');
    if (!v.hostHallId) errors.host = t('hostRequired');
    if (v.chair.length === 0) errors.chair = t('chairRequired');
    if (v.secretaries.length > 20) errors.secretaries = t('tooManySecretaries');
    return errors;
  }

  const setters: Record<FieldKey, (message: string | null) => void> = {
    title: title.setError,
    date: date.setError,
    start: start.setError,
    end: end.setError,
    until: until.setError,
    host: host.setError,
    chair: chair.setError,
    secretaries: secretaries.setError,
  };

  /** Shows the errors of the fields touched (every field once a save was tried); true when none at all. */
  function validate(): boolean {
    const errors = errorsNow();
    const shown = (key: string) => draft.submitted || draft.touched.includes(key);
    for (const [key, set] of Object.entries(setters) as [FieldKey, (m: string | null) => void][]) set(shown(key) ? (errors[key] ?? null) : null);
    until.el.hidden = v.freq === '';
    const day = parseDay(v.date);
    date.el.querySelector('.hint')!.textContent = day ? formatDay(`${day}T12:00:00+07:00`, ctx.lang) : t('dateHint');
    recurrenceNote.textContent =
      v.freq && originalRule && originalRule.freq === v.freq && originalRule.count !== undefined && !v.until.trim()
        ? t('keptCount', { n: originalRule.count })
        : v.freq && originalRule && originalRule.freq === v.freq && originalRule.interval > 1
          ? t('keptInterval', { n: originalRule.interval, unit: t(v.freq === 'weekly' ? 'weeks' : 'months') })
          : '';
    const agendaOk = v.agenda.every((row) => {
      const e = agendaRowErrors(row);
      return !e.title && !e.minutes;
    });
    return Object.keys(errors).length === 0 && agendaOk;
  }

  // ----- the booking check before saving -----
  let checkTimer: ReturnType<typeof setTimeout> | undefined;
  let checkSeq = 0;
  let lastChecked = '';

  function checkBody(): Record<string, unknown> | null {
    const s = schedule();
    if (!s.start || !s.end) return null;
    const sites: SiteSelection = picker.selection();
    if (!v.hostHallId && sites.unitIds.length === 0 && sites.hallIds.length === 0) return null;
    return {
      start: s.start,
      end: s.end,
      ...(s.recurrence ? { recurrence: s.recurrence } : {}),
      ...(v.hostHallId ? { hostHallId: v.hostHallId } : {}),
      sites,
      ...(editing ? { excludeMeetingId: meeting.id } : {}),
    };
  }

  function scheduleCheck(): void {
    const body = checkBody();
    const key = JSON.stringify(body);
    if (key === lastChecked) return;
    clearTimeout(checkTimer);
    if (!body) {
      lastChecked = key;
      checkSeq++;
      conflictPanel.hidden = true;
      return;
    }
    checkTimer = setTimeout(() => void runCheck(body, key), 400);
  }

  async function runCheck(body: Record<string, unknown>, key: string): Promise<void> {
    const seq = ++checkSeq;
    lastChecked = key;
    conflictPanel.hidden = false;
    conflictPanel.className = 'conflict-panel checking';
    conflictPanel.dataset['state'] = 'checking';
    conflictPanel.replaceChildren(h('p', {}, conflictT('checking')));
    try {
      const answer = await ctx.api.post<{ conflicts: Conflict[]; more: boolean; uncheckedHallIds: string[] }>('/api/meetings/conflicts', body);
      if (seq !== checkSeq) return;
      showConflicts(answer.conflicts, answer.more, answer.uncheckedHallIds.length);
    } catch (error) {
      if (seq !== checkSeq) return;
      lastChecked = '';
      conflictPanel.className = 'conflict-panel failed';
      conflictPanel.dataset['state'] = 'failed';
      conflictPanel.replaceChildren(h('p', {}, conflictT('failed'), ' ', h('span', { className: 'muted' }, serverDetail(error, ctx.lang) ?? errorText(error, ctx.lang))));
    }
  }

  function showConflicts(conflicts: readonly Conflict[], more: boolean, unchecked: number): void {
    conflictPanel.hidden = false;
    const clash = conflicts.length > 0;
    conflictPanel.className = `conflict-panel ${clash ? 'clash' : 'free'}`;
    conflictPanel.dataset['state'] = clash ? 'clash' : 'free';
    conflictPanel.replaceChildren(
      ...(clash ? [h('p', { className: 'conflict-heading' }, conflictT('heading')), conflictList(conflictT, conflicts, more)] : [h('p', {}, conflictT('free'))]),
      ...(unchecked > 0 ? [h('p', { className: 'muted' }, conflictT('unchecked', { n: unchecked }))] : []),
    );
  }

  // ----- saving -----
  function bodies(): { create: Record<string, unknown>; patch: Record<string, unknown> } {
    const s = schedule();
    const initial = draft.initial;
    const sites = picker.selection();
    const create: Record<string, unknown> = {
      title: v.title.trim(),
      ...(v.description.trim() ? { description: v.description.trim() } : {}),
      agenda: agendaItems(v.agenda),
      start: s.start,
      end: s.end,
      ...(s.recurrence ? { recurrence: s.recurrence } : {}),
      chairId: v.chair[0],
      hostHallId: v.hostHallId,
      sites,
      invitedPersonIds: v.invited,
      secretaryIds: v.secretaries,
    };
    const patch: Record<string, unknown> = {};
    if (!editing) return { create, patch };
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const sameSet = (a: readonly string[], b: readonly string[]) => same([...new Set(a)].sort(), [...new Set(b)].sort());
    if (v.title.trim() !== initial.title) patch['title'] = v.title.trim();
    if (v.description.trim() !== initial.description.trim()) patch['description'] = v.description.trim();
    if (!same(agendaItems(v.agenda), agendaItems(initial.agenda))) patch['agenda'] = create['agenda'];
    if (Date.parse(s.start as string) !== Date.parse(meeting.start)) patch['start'] = s.start;
    if (Date.parse(s.end as string) !== Date.parse(meeting.end)) patch['end'] = s.end;
    if (v.freq !== initial.freq || v.until !== initial.until) patch['recurrence'] = s.recurrence ?? null;
    if (v.chair[0] !== initial.chair[0]) patch['chairId'] = v.chair[0];
    if (v.hostHallId !== initial.hostHallId) patch['hostHallId'] = v.hostHallId;
    if (!sameSet(picker.selectedHallIds(), initial.siteHallIds.filter((id) => id !== v.hostHallId)) || v.hostHallId !== initial.hostHallId) patch['sites'] = sites;
    if (!sameSet(v.invited, initial.invited)) patch['invitedPersonIds'] = v.invited;
    if (!sameSet(v.secretaries, initial.secretaries)) patch['secretaryIds'] = v.secretaries;
    return { create, patch };
  }

  let saving = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });

  async function save(): Promise<void> {
    if (saving) return;
    draft.submitted = true;
    if (!validate()) {
      agenda.showErrors();
      box.show(t('fixFields'));
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const { create, patch } = bodies();
    if (editing && Object.keys(patch).length === 0) {
      ctx.dropDraft(draftKey);
      ctx.flash(t('unchanged'));
      ctx.navigate(`/meetings/${encodeURIComponent(meeting.id)}`);
      return;
    }
    saving = true;
    saveButton.disabled = true;
    saveButton.textContent = t('saving');
    box.show(null);
    try {
      const saved = editing
        ? await ctx.api.patch<{ id: string; title: string }>(`/api/meetings/${encodeURIComponent(meeting.id)}`, patch)
        : await ctx.api.post<{ id: string; title: string }>('/api/meetings', create);
      clearTimeout(checkTimer);
      ctx.dropDraft(draftKey);
      ctx.flash(t(editing ? 'updated' : 'created', { title: saved.title }));
      ctx.navigate(`/meetings/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      refused(error);
    } finally {
      saving = false;
      saveButton.disabled = false;
      saveButton.textContent = editing ? t('saveChanges') : t('save');
    }
  }

  /** A refused save: the headline, the server's words, and for a clash each hall and meeting in the way. */
  function refused(error: unknown): void {
    box.show(errorText(error, ctx.lang), serverDetail(error, ctx.lang));
    const conflicts = error instanceof ApiError && error.status === 409 ? (error.details as { conflicts?: Conflict[] } | undefined)?.conflicts : undefined;
    if (conflicts && conflicts.length > 0) {
      box.el.append(conflictList(conflictT, conflicts));
      // Said once, in the refusal; the next change checks again.
      conflictPanel.hidden = true;
    }
    box.el.scrollIntoView({ block: 'nearest' });
  }

  validate();
  scheduleCheck();
  return {
    dispose() {
      clearTimeout(checkTimer);
      checkSeq++;
      dialog?.close();
    },
  };
};

/** The confirmation before cancelling: says who will be told, then cancels and opens the meeting. */
function cancelDialog(ctx: AppContext, meeting: MeetingView, box: ReturnType<typeof errorBox>): HTMLDialogElement {
  const t = ctx.t(strings);
  const headingId = 'cancel-meeting-heading';
  const confirm = btn(t('cancelConfirm'), () => void cancel(), { className: 'danger' });
  const keep = btn(t('cancelKeep'), () => dialog.close());
  const dialog = h(
    'dialog',
    { className: 'cancel-meeting', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, t('cancelHeading', { title: meeting.title })),
    h('p', {}, t('cancelText')),
    h('div', { className: 'actions' }, keep, confirm),
  );
  async function cancel(): Promise<void> {
    confirm.disabled = true;
    confirm.textContent = t('cancelling');
    try {
      await ctx.api.post(`/api/meetings/${encodeURIComponent(meeting.id)}/cancel`);
      dialog.close();
      ctx.dropDraft(`meeting-form:${meeting.id}`);
      ctx.flash(t('cancelled'));
      ctx.navigate(`/meetings/${encodeURIComponent(meeting.id)}`);
    } catch (error) {
      dialog.close();
      box.show(errorText(error, ctx.lang), serverDetail(error, ctx.lang));
    } finally {
      confirm.disabled = false;
      confirm.textContent = t('cancelConfirm');
    }
  }
  dialog.addEventListener('close', () => keep.focus());
  return dialog;
}
