import type { AttendanceReport, AttendanceRow } from './attendance-report.js';
import { LOCAL_OFFSET_MS } from './recurrence.js';

const COLUMNS: [string, (row: AttendanceRow) => string | number][] = [
  ['Cụm / Group', (r) => r.groupName],
  ['Điểm cầu, đại biểu / Site or official', (r) => r.name],
  ['Đơn vị / Unit', (r) => r.unitName ?? ''],
  ['Loại / Kind', (r) => r.kind],
  ['Vai trò / Role', (r) => r.role],
  ['Vào lần đầu / First join', (r) => localTime(r.firstJoin)],
  ['Rời lần cuối / Last leave', (r) => localTime(r.lastLeave)],
  ['Số phút có mặt / Minutes present', (r) => r.minutesPresent],
  ['Đã xác nhận / Confirmed', (r) => (r.confirmed ? 'có / yes' : 'không / no')],
  ['Số người / Headcount', (r) => r.headcount ?? ''],
  ['Số lượt phát biểu / Turns', (r) => r.turns],
  ['Thời gian phát biểu (giây) / Speaking (s)', (r) => r.speakingSeconds],
];

/**
 * The report as CSV for Excel and LibreOffice: UTF-8 with a BOM (so Vietnamese shows right),
 * CRLF lines, times as dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh.
 */
export function attendanceCsv(report: AttendanceReport): string {
  const lines = [COLUMNS.map(([title]) => cell(title)).join(',')];
  for (const row of report.rows) lines.push(COLUMNS.map(([, value]) => cell(value(row))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function cell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A leading = + - @ would make a spreadsheet run it as a formula: keep names text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** dd/mm/yyyy HH:mm in Vietnam time (UTC+7, no daylight saving). */
export function localTime(instant: string | null): string {
  if (instant === null) return '';
  const d = new Date(Date.parse(instant) + LOCAL_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
