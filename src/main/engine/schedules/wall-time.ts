// Wall-clock time in an IANA zone, from Intl alone (no tz database of our own, no dependency).
// Local dates are day numbers (days since 1970-01-01 as a calendar date) and times minutes of
// the day, so a schedule's arithmetic never meets a Date in the machine's zone.
//
// Local times that do not exist or happen twice (daylight saving) resolve as Temporal's
// 'compatible' disambiguation does: a time in the spring gap is moved forward by the gap
// (02:30 in Paris on the last Sunday of March is 03:30 CEST), a time in the autumn overlap is
// its first occurrence (02:30 CEST, not the 02:30 CET an hour later).

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** True when this runtime's Intl knows `zone` (an IANA name such as "Europe/Paris"). */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone this machine runs in ("UTC" when Intl cannot tell). */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
export function zoneOffsetMs(zone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}

export interface WallTime {
  /** Days since 1970-01-01, as a calendar date in the zone. */
  day: number;
  /** Minutes since local midnight. */
  minute: number;
}

export function wallTime(zone: string, instant: number): WallTime {
  const wall = instant + zoneOffsetMs(zone, instant);
  const day = Math.floor(wall / DAY_MS);
  return { day, minute: Math.floor((wall - day * DAY_MS) / 60_000) };
}

/** The instant a zone's wall clock reads `minute` on `day` (DST as described at the top). */
export function instantOf(zone: string, day: number, minute: number): number {
  const wall = day * DAY_MS + minute * 60_000;
  const before = zoneOffsetMs(zone, wall - DAY_MS);
  const after = zoneOffsetMs(zone, wall + DAY_MS);
  // No change within a day either side (nearly every day): one reading, nothing to choose.
  if (before === after) return wall - before;
  const valid = [...new Set([before, after])].map((offset) => wall - offset).filter((at) => wall - zoneOffsetMs(zone, at) === at);
  // Two readings: the first. None: in the gap, read with the offset from before the change.
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}

/** ISO weekday of a day number: 1 Monday ... 7 Sunday. */
export function weekdayOf(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** "2026-12-25" → its day number, or undefined for anything that is not a real date. */
export function dayOfDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return undefined;
  return ms / DAY_MS;
}
