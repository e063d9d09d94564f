/**
 * Dates as dd/mm/yyyy and 24-hour times, always in Asia/Ho_Chi_Minh (UTC+7, no daylight saving),
 * whatever the browser's own zone: a meeting at 08:00 is at 08:00 for every site of the province.
 */
import type { Lang } from './i18n.js';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam has kept UTC+7 since 1975: local wall time is UTC plus seven hours. */
const OFFSET_MS = 7 * 3600_000;

function parts(at: number | string | Date): { y: number; m: number; d: number; hh: number; mm: number; weekday: number } {
  const local = new Date(new Date(at).getTime() + OFFSET_MS);
  return {
    y: local.getUTCFullYear(),
    m: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    hh: local.getUTCHours(),
    mm: local.getUTCMinutes(),
    weekday: local.getUTCDay(),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** 01/12/2026 */
export function formatDate(at: number | string | Date): string {
  const p = parts(at);
  return `${two(p.d)}/${two(p.m)}/${p.y}`;
}

/** 08:30 */
export function formatTime(at: number | string | Date): string {
  const p = parts(at);
  return `${two(p.hh)}:${two(p.mm)}`;
}

/** 08:30 01/12/2026 */
export function formatDateTime(at: number | string | Date): string {
  return `${formatTime(at)} ${formatDate(at)}`;
}

const WEEKDAYS: Record<Lang, string[]> = {
  vi: ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

/** Thứ Hai, 01/12/2026 */
export function formatDay(at: number | string | Date, lang: Lang): string {
  return `${WEEKDAYS[lang][parts(at).weekday]}, ${formatDate(at)}`;
}

/** 08:00–10:30 01/12/2026, or across days 08:00 01/12/2026 – 17:00 02/12/2026 */
export function formatRange(start: number | string | Date, end: number | string | Date): string {
  return formatDate(start) === formatDate(end)
    ? `${formatTime(start)}–${formatTime(end)} ${formatDate(start)}`
    : `${formatDateTime(start)} – ${formatDateTime(end)}`;
}

/** The local calendar day of an instant, as YYYY-MM-DD (what <input type=date> holds). */
export function localDateValue(at: number | string | Date): string {
  const p = parts(at);
  return `${p.y}-${two(p.m)}-${two(p.d)}`;
}

/** The local time of an instant, as HH:MM (what <input type=time> holds). */
export function localTimeValue(at: number | string | Date): string {
  const p = parts(at);
  return `${two(p.hh)}:${two(p.mm)}`;
}

/** A day (YYYY-MM-DD) and a time (HH:MM) in Vietnam → ISO 8601 with +07:00, as the API takes it; null when malformed. */
export function toInstant(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const iso = `${date}T${time}:00+07:00`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || localDateValue(ms) !== date) return null;
  return iso;
}

/** Midnight in Vietnam at the start of the day holding `at`, as epoch ms. */
export function startOfLocalDay(at: number | string | Date): number {
  return Date.parse(`${localDateValue(at)}T00:00:00+07:00`);
}

/** Monday 00:00 (Vietnam) of the week holding `at`. */
export function startOfLocalWeek(at: number | string | Date): number {
  const day = startOfLocalDay(at);
  const weekday = parts(day).weekday;
  return day - ((weekday + 6) % 7) * 86_400_000;
}

/** The 1st of the month holding `at`, 00:00 Vietnam. */
export function startOfLocalMonth(at: number | string | Date): number {
  const p = parts(at);
  return Date.parse(`${p.y}-${two(p.m)}-01T00:00:00+07:00`);
}

/** The same day-of-month `months` later (clamped), 00:00 Vietnam. */
export function addLocalMonths(monthStart: number, months: number): number {
  const p = parts(monthStart);
  const index = p.y * 12 + (p.m - 1) + months;
  return Date.parse(`${Math.floor(index / 12)}-${two((index % 12) + 1)}-01T00:00:00+07:00`);
}

export function weekdayName(weekday: number, lang: Lang): string {
  return WEEKDAYS[lang][weekday] as string;
}

/** 0 = Sunday … 6 = Saturday, in Vietnam. */
export function localWeekday(at: number | string | Date): number {
  return parts(at).weekday;
}
