// Opening hours as a pure function (issue 18): given a schedule and an instant, is it open, and
// when does that next change. Windows are laid out as real instants day by day in the
// schedule's zone (wall-time.ts settles DST), then overlapping or touching windows merge, so
// "fri 18:00-22:00" after "tue-sun 10:00-18:00" is one opening from 10:00 to 22:00.
//
// `closed_on` names days on which no window *starts*: a window that began the evening before
// (sat 22:00-02:00 with Sunday closed) still runs to its end.
import type { ScheduleSpec } from '../config/manifest-types';
import { dayOfDate, instantOf, wallTime, weekdayOf } from './wall-time';

export interface ScheduleState {
  open: boolean;
  /** When it next closes (open) or opens (closed); null when that is over a year away. */
  nextChangeAt: number | null;
}

/** Far enough for any closing season; a schedule with no opening within it is closed for good. */
const HORIZON_DAYS = 400;

export function scheduleState(schedule: ScheduleSpec, at: number): ScheduleState {
  // Most answers lie within days; only long closures need the whole horizon.
  return evaluate(schedule, at, 9) ?? evaluate(schedule, at, HORIZON_DAYS) ?? { open: false, nextChangeAt: null };
}

function evaluate(schedule: ScheduleSpec, at: number, spanDays: number): ScheduleState | null {
  const today = wallTime(schedule.timezone, at).day;
  // From yesterday: a window that crosses midnight may still be open now.
  const first = today - 1;
  const last = today + spanDays;
  const merged = mergeIntervals(intervals(schedule, first, last));
  // Anything that starts after the last day laid out could merge into the last interval.
  const edge = instantOf(schedule.timezone, last, 0);
  for (const [start, end] of merged) {
    if (end <= at) continue;
    if (start <= at) return end >= edge ? (spanDays >= HORIZON_DAYS ? { open: true, nextChangeAt: null } : null) : { open: true, nextChangeAt: end };
    return { open: false, nextChangeAt: start };
  }
  return spanDays >= HORIZON_DAYS ? { open: false, nextChangeAt: null } : null;
}

function intervals(schedule: ScheduleSpec, first: number, last: number): [number, number][] {
  const closed = new Set(schedule.closedOn.map(dayOfDate));
  const result: [number, number][] = [];
  for (let day = first; day <= last; day++) {
    if (closed.has(day)) continue;
    const weekday = weekdayOf(day);
    for (const window of schedule.windows) {
      if (!window.days.includes(weekday)) continue;
      const start = instantOf(schedule.timezone, day, window.startMinute);
      const endDay = window.endMinute <= window.startMinute ? day + 1 : day;
      const end = instantOf(schedule.timezone, endDay, window.endMinute);
      // A window inside a spring gap (02:30-03:00 when 02:00-03:00 does not exist) is empty.
      if (end > start) result.push([start, end]);
    }
  }
  return result;
}

function mergeIntervals(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const top = merged[merged.length - 1];
    if (top && start <= top[1]) top[1] = Math.max(top[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

