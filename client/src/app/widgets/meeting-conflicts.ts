/**
 * Hall bookings that clash, as the person scheduling reads them: "Điểm cầu X đã được đặt cho
 * cuộc họp Y (08:00–10:00 01/12/2026)", each meeting a link. Used by the check before saving and
 * to explain a refused save (409 details.conflicts).
 */
import { formatRange } from '../format.js';
import type { Translate } from '../i18n.js';
import { defineStrings } from '../i18n.js';
import { h } from '../ui.js';
import type { Conflict } from '../../../../store/meetings.js';
import { fold } from './unit-picker.js';

/** As the API sends it. */
export type { Conflict };

export const conflictStrings = defineStrings({
  vi: {
    booked: '{hall} đã được đặt cho cuộc họp {meeting} ({when})',
    hall: 'Điểm cầu {name}',
    more: '… và {n} lịch trùng khác.',
    heading: 'Trùng lịch điểm cầu: cuộc họp sẽ không được lưu nếu giữ nguyên',
    checking: 'Đang kiểm tra lịch điểm cầu…',
    free: 'Các điểm cầu đã chọn đều trống vào thời gian này.',
    unchecked: '{n} điểm cầu ngoài phạm vi của bạn chưa được kiểm tra.',
    failed: 'Chưa kiểm tra được lịch điểm cầu.',
  },
  en: {
    booked: '{hall} is already booked for the meeting {meeting} ({when})',
    hall: 'Hall {name}',
    more: '… and {n} more clashes.',
    heading: 'Halls already booked: the meeting cannot be saved as it is',
    checking: 'Checking the halls’ bookings…',
    free: 'The halls chosen are free at this time.',
    unchecked: '{n} halls outside your scope were not checked.',
    failed: 'Could not check the halls’ bookings.',
  },
});

type T = Translate<keyof (typeof conflictStrings)['vi']>;

const SHOWN = 8;

/** The hall's name as said in a sentence: its name when it already says "Điểm cầu", else prefixed. */
function hallLabel(t: T, c: Conflict): string {
  const name = c.hallName ?? c.hallId;
  return /^(diem cau|hall)\b/.test(fold(name)) ? name : t('hall', { name });
}

/** One line per clash (the first few), each naming the hall and linking the meeting. */
export function conflictList(t: T, conflicts: readonly Conflict[], more = false): HTMLUListElement {
  const items = conflicts.slice(0, SHOWN).map((c) => {
    const [before, after] = t('booked', { hall: hallLabel(t, c), meeting: '\u0000', when: formatRange(c.start, c.end) }).split('\u0000');
    return h(
      'li',
      { 'data-hall-id': c.hallId, 'data-meeting-id': c.meetingId },
      before ?? '',
      h('a', { href: `#/meetings/${encodeURIComponent(c.meetingId)}` }, `«${c.title}»`),
      after ?? '',
    );
  });
  const hidden = conflicts.length - Math.min(conflicts.length, SHOWN);
  if (hidden > 0 || more) items.push(h('li', { className: 'muted' }, t('more', { n: more ? `${hidden}+` : hidden })));
  return h('ul', { className: 'conflict-list' }, ...items);
}
