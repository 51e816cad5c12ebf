// `daily_restart = "HH:MM"`: when that wall-clock time next comes in a zone. A 02:30 that the
// spring change skips comes at 03:30; one the autumn change repeats comes once, the first time
// (wall-time.ts), so a daily restart happens exactly once every day.
import { instantOf, wallTime } from './wall-time';

/** The next instant after `after` at which the wall clock of `zone` reads `minute` (its first reading in an autumn overlap). */
export function nextDailyAt(minute: number, zone: string, after: number): number {
  const today = wallTime(zone, after).day;
  for (let day = today - 1; ; day++) {
    const at = instantOf(zone, day, minute);
    if (at > after) return at;
  }
}
