// Opening hours as instants: midnight windows, merging, closed_on, and both daylight-saving
// changes of Europe/Paris in 2026 (29 March 02:00 CET → 03:00 CEST; 25 October 03:00 CEST →
// 02:00 CET). Times are written as UTC instants with the Paris offset they are meant in.
import { describe, expect, it } from 'vitest';
import type { OpenWindow, ScheduleSpec } from '../config/manifest-types';
import { parseClock } from '../config/read-schedules';
import { nextDailyAt } from './next-daily-at';
import { scheduleState } from './schedule-state';
import { instantOf, wallTime, zoneOffsetMs } from './wall-time';

const DAYS: Record<string, number[]> = { mon: [1], tue: [2], fri: [5], sat: [6], sun: [7], daily: [1, 2, 3, 4, 5, 6, 7], 'tue-sun': [2, 3, 4, 5, 6, 7] };
const window = (days: string, from: string, to: string): OpenWindow => ({ days: DAYS[days], startMinute: parseClock(from)!, endMinute: parseClock(to)! });
const schedule = (windows: OpenWindow[], closedOn: string[] = [], timezone = 'Europe/Paris'): ScheduleSpec => ({ name: 'gallery', timezone, windows, closedOn });
/** A Paris wall time with the offset (hours) it has then: CET 1, CEST 2. */
const paris = (date: string, time: string, offset: 1 | 2): number => Date.parse(`${date}T${time}:00Z`) - offset * 3_600_000;

describe('wall time in a zone', () => {
  it('reads offsets on both sides of both changes', () => {
    expect(zoneOffsetMs('Europe/Paris', Date.parse('2026-03-29T00:59:00Z'))).toBe(3_600_000);
    expect(zoneOffsetMs('Europe/Paris', Date.parse('2026-03-29T01:00:00Z'))).toBe(7_200_000);
    expect(zoneOffsetMs('Europe/Paris', Date.parse('2026-10-25T00:59:00Z'))).toBe(7_200_000);
    expect(zoneOffsetMs('Europe/Paris', Date.parse('2026-10-25T01:00:00Z'))).toBe(3_600_000);
  });

  it('moves a spring-gap time forward by the gap and takes the first of an autumn overlap', () => {
    const spring = wallTime('Europe/Paris', paris('2026-03-29', '12:00', 2)).day;
    expect(instantOf('Europe/Paris', spring, parseClock('02:30')!)).toBe(paris('2026-03-29', '03:30', 2));
    const autumn = wallTime('Europe/Paris', paris('2026-10-25', '12:00', 1)).day;
    expect(instantOf('Europe/Paris', autumn, parseClock('02:30')!)).toBe(paris('2026-10-25', '02:30', 2));
    expect(instantOf('Europe/Paris', autumn, parseClock('03:30')!)).toBe(paris('2026-10-25', '03:30', 1));
  });
});

describe('scheduleState', () => {
  it('keeps a window that crosses midnight open into the next day', () => {
    // 2026-12-05 is a Saturday.
    const late = schedule([window('sat', '22:00', '02:00')]);
    expect(scheduleState(late, paris('2026-12-05', '21:59', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-05', '22:00', 1) });
    expect(scheduleState(late, paris('2026-12-05', '23:00', 1))).toEqual({ open: true, nextChangeAt: paris('2026-12-06', '02:00', 1) });
    expect(scheduleState(late, paris('2026-12-06', '01:59', 1))).toEqual({ open: true, nextChangeAt: paris('2026-12-06', '02:00', 1) });
    expect(scheduleState(late, paris('2026-12-06', '02:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-12', '22:00', 1) });
  });

  it('merges touching and overlapping windows into one opening', () => {
    const gallery = schedule([window('tue-sun', '10:00', '18:00'), window('fri', '18:00', '22:00'), window('sat', '22:00', '02:00')]);
    // Friday 2026-12-04: 10:00-18:00 and 18:00-22:00 touch.
    expect(scheduleState(gallery, paris('2026-12-04', '12:00', 1))).toEqual({ open: true, nextChangeAt: paris('2026-12-04', '22:00', 1) });
    // Saturday: 10:00-18:00, closed 18:00-22:00, open again until Sunday 02:00, then Sunday 10:00.
    expect(scheduleState(gallery, paris('2026-12-05', '19:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-05', '22:00', 1) });
    expect(scheduleState(gallery, paris('2026-12-06', '03:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-06', '10:00', 1) });
    const overlapping = schedule([window('mon', '10:00', '14:00'), window('mon', '12:00', '16:00')]);
    expect(scheduleState(overlapping, paris('2026-12-07', '11:00', 1))).toEqual({ open: true, nextChangeAt: paris('2026-12-07', '16:00', 1) });
  });

  it('opens on no day of closed_on, but lets a window from the evening before run to its end', () => {
    const days = schedule([window('daily', '10:00', '18:00')], ['2026-12-25']);
    expect(scheduleState(days, paris('2026-12-24', '19:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-26', '10:00', 1) });
    expect(scheduleState(days, paris('2026-12-25', '12:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-26', '10:00', 1) });
    const nights = schedule([window('daily', '22:00', '02:00')], ['2026-12-25']);
    expect(scheduleState(nights, paris('2026-12-25', '01:00', 1))).toEqual({ open: true, nextChangeAt: paris('2026-12-25', '02:00', 1) });
    expect(scheduleState(nights, paris('2026-12-25', '23:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-12-26', '22:00', 1) });
  });

  it('opens a window starting in the spring gap when the gap ends plus its offset (02:30 → 03:30 CEST)', () => {
    const night = schedule([window('sun', '02:30', '04:00')]);
    expect(scheduleState(night, paris('2026-03-29', '01:59', 1))).toEqual({ open: false, nextChangeAt: paris('2026-03-29', '03:30', 2) });
    expect(scheduleState(night, paris('2026-03-29', '03:00', 2))).toEqual({ open: false, nextChangeAt: paris('2026-03-29', '03:30', 2) });
    expect(scheduleState(night, paris('2026-03-29', '03:45', 2))).toEqual({ open: true, nextChangeAt: paris('2026-03-29', '04:00', 2) });
    // Both ends in the gap move by the gap: 02:10-02:50 runs 03:10-03:50 CEST that night.
    const inGap = schedule([window('sun', '02:10', '02:50')]);
    expect(scheduleState(inGap, paris('2026-03-29', '01:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-03-29', '03:10', 2) });
    // One that would end (03:00) before its moved start (03:30) does not open that night.
    const empty = schedule([window('sun', '02:30', '03:00')]);
    expect(scheduleState(empty, paris('2026-03-29', '01:00', 1))).toEqual({ open: false, nextChangeAt: paris('2026-04-05', '02:30', 2) });
  });

  it('opens at the first 02:30 of the autumn overlap and stays open through the repeated hour', () => {
    const night = schedule([window('sun', '02:30', '03:30')]);
    expect(scheduleState(night, paris('2026-10-25', '02:00', 2))).toEqual({ open: false, nextChangeAt: paris('2026-10-25', '02:30', 2) });
    // 02:45 CET is the second pass through 02:45: still open, until 03:30 CET (two hours in all).
    expect(scheduleState(night, paris('2026-10-25', '02:45', 1))).toEqual({ open: true, nextChangeAt: paris('2026-10-25', '03:30', 1) });
  });

  it('answers open or closed for good when nothing changes within a year', () => {
    expect(scheduleState(schedule([window('daily', '00:00', '00:00')]), paris('2026-12-05', '12:00', 1))).toEqual({ open: true, nextChangeAt: null });
    expect(scheduleState(schedule([]), paris('2026-12-05', '12:00', 1))).toEqual({ open: false, nextChangeAt: null });
  });

  it('finds an opening after a long closure (a closed season of over a week)', () => {
    const closed = Array.from({ length: 20 }, (_, i) => `2027-01-${String(i + 1).padStart(2, '0')}`);
    const winter = schedule([window('daily', '10:00', '18:00')], closed);
    expect(scheduleState(winter, paris('2026-12-31', '19:00', 1))).toEqual({ open: false, nextChangeAt: paris('2027-01-21', '10:00', 1) });
  });
});

describe('nextDailyAt', () => {
  const at = (date: string, time: string, offset: 1 | 2) => paris(date, time, offset);
  it('comes once a day across the spring change (a skipped 02:30 comes at 03:30)', () => {
    const minute = parseClock('02:30')!;
    const first = nextDailyAt(minute, 'Europe/Paris', at('2026-03-28', '12:00', 1));
    expect(first).toBe(at('2026-03-29', '03:30', 2));
    expect(nextDailyAt(minute, 'Europe/Paris', first)).toBe(at('2026-03-30', '02:30', 2));
    const four = nextDailyAt(parseClock('04:00')!, 'Europe/Paris', at('2026-03-28', '04:00', 1));
    expect(four).toBe(at('2026-03-29', '04:00', 2));
    expect(four - at('2026-03-28', '04:00', 1)).toBe(23 * 3_600_000);
  });

  it('comes once, the first time, when the autumn change repeats the hour', () => {
    const minute = parseClock('02:30')!;
    const first = nextDailyAt(minute, 'Europe/Paris', at('2026-10-24', '12:00', 2));
    expect(first).toBe(at('2026-10-25', '02:30', 2));
    expect(nextDailyAt(minute, 'Europe/Paris', first)).toBe(at('2026-10-26', '02:30', 1));
    const four = nextDailyAt(parseClock('04:00')!, 'Europe/Paris', at('2026-10-25', '00:00', 2));
    expect(nextDailyAt(parseClock('04:00')!, 'Europe/Paris', four) - four).toBe(24 * 3_600_000);
    expect(four - at('2026-10-24', '04:00', 2)).toBe(25 * 3_600_000);
  });
});
