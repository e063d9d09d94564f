/**
 * Dates typed as dd/mm/yyyy and times as 24-hour HH:MM, read leniently ("1/12/2026", "8:00",
 * "8h30", "0830") and shown back in the one format, whatever the browser's locale.
 */

const two = (n: number) => String(n).padStart(2, '0');

/** dd/mm/yyyy (or d/m/yyyy, with "/", "." or "-") → YYYY-MM-DD; null when it is not a real day. */
export function parseDay(text: string): string | null {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2199 || mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  return `${y}-${two(mo)}-${two(d)}`;
}

/** YYYY-MM-DD → dd/mm/yyyy */
export function showDay(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** "8:00", "08:00", "8h30", "8.30", "0830", "8" → "08:00"; null otherwise. */
export function parseClock(text: string): string | null {
  const s = text.trim().toLowerCase();
  const m = /^(\d{1,2})(?:\s*[:h.]\s*(\d{2})?)?$/.exec(s) ?? /^(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const hh = Number(m[1]);
  const mm = Number(m[2] ?? 0);
  if (hh > 23 || mm > 59) return null;
  return `${two(hh)}:${two(mm)}`;
}

/** Minutes since midnight of a valid HH:MM. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Every half hour from 06:00 to 22:00, offered as suggestions. */
export const HALF_HOURS: readonly string[] = Array.from({ length: 33 }, (_, i) => `${two(6 + Math.floor(i / 2))}:${i % 2 ? '30' : '00'}`);

/** How many starts a rule from `startDay` to `untilDay` (YYYY-MM-DD, inclusive) makes, roughly (the API has the last word). */
export function occurrenceCount(freq: 'weekly' | 'monthly', startDay: string, untilDay: string, interval = 1): number {
  const start = Date.parse(`${startDay}T00:00:00Z`);
  const until = Date.parse(`${untilDay}T00:00:00Z`);
  if (until < start) return 0;
  if (freq === 'weekly') return Math.floor((until - start) / (7 * 86_400_000 * interval)) + 1;
  const [sy, sm] = startDay.split('-').map(Number) as [number, number];
  const [uy, um] = untilDay.split('-').map(Number) as [number, number];
  return Math.floor(((uy - sy) * 12 + (um - sm)) / interval) + 1;
}
