import type { ICalLuxonDateTimeStub } from 'ical-generator';
import { LOCAL_OFFSET_MS, TIME_ZONE } from '../recurrence.js';

/**
 * Asia/Ho_Chi_Minh for iCalendar without a time-zone database: UTC+7 all year since 1975, so
 * one STANDARD sub-component describes it completely.
 */
export const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TIME_ZONE}`,
  `X-LIC-LOCATION:${TIME_ZONE}`,
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0700',
  'TZOFFSETTO:+0700',
  'TZNAME:+07',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** The VTIMEZONE generator given to ical-generator: this zone only; others are not ours to describe. */
export function vtimezone(tzid: string): string | null {
  return tzid === TIME_ZONE ? VTIMEZONE : null;
}

/** "20261201T080000": the wall-clock time in Asia/Ho_Chi_Minh, for TZID'd DATE-TIME values. */
export function localDateTime(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/**
 * An instant as ical-generator's Luxon-like date: ical-generator formats a plain Date in an
 * event's time zone with the *process's* local getters, which would make the file depend on
 * the server's TZ. This stub formats the wall-clock time of Asia/Ho_Chi_Minh itself.
 */
export class ZonedInstant implements ICalLuxonDateTimeStub {
  readonly zone: { type: string };

  constructor(
    readonly ms: number,
    private readonly utc = false,
  ) {
    this.zone = { type: utc ? 'utc' : 'fixed' };
  }

  get isValid(): boolean {
    return Number.isFinite(this.ms);
  }
  setZone(zone?: string): ZonedInstant {
    return new ZonedInstant(this.ms, zone === undefined || zone.toLowerCase() === 'utc');
  }
  /** Only the two formats ical-generator asks for. */
  toFormat(format: string): string {
    const stamp = this.utc ? new Date(this.ms).toISOString().slice(0, 19).replace(/[-:]/g, '') : localDateTime(this.ms);
    if (format === 'yyyyLLdd') return stamp.slice(0, 8);
    if (format === 'HHmmss') return stamp.slice(9);
    throw new Error(`ZonedInstant cannot format "${format}"`);
  }
  toJSDate(): Date {
    return new Date(this.ms);
  }
  toJSON(): string {
    return new Date(this.ms).toISOString();
  }
}
