// OpeningHours on its own, with a recording target: one timer for any number of services and
// schedules, a sleep capped so a jumping wall clock is noticed, and a clock set back re-read.
import { describe, expect, it } from 'vitest';
import type { ScheduleSpec, ServiceSpec } from '../config/manifest-types';
import { serviceSpec } from '../../../../test/fixtures/service-spec';
import { HandClock } from '../../../../test/fixtures/hand-clock';
import { OpeningHours, type HoursTarget } from './opening-hours';

const utc = (text: string) => Date.parse(`${text}Z`);
const daily = (name: string, from: number, to: number): ScheduleSpec => ({ name, timezone: 'UTC', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: from, endMinute: to }], closedOn: [] });

function recorder() {
  const calls: string[] = [];
  const target: HoursTarget = {
    close: async (closing, reason) => void calls.push(`close ${closing.map((c) => c.name).join(',')}: ${reason}`),
    open: async (names, reason) => void calls.push(`open ${names.join(',')}: ${reason}`),
    reclose: (closing, reason) => void calls.push(`reclose ${closing.map((c) => c.name).join(',')}: ${reason}`),
    restart: async (name, reason) => void calls.push(`restart ${name}: ${reason}`),
    changed: () => {},
    say: (line) => calls.push(`say ${line}`),
  };
  return { calls, target };
}

describe('OpeningHours', () => {
  it('keeps one timer for 300 services on three schedules, and wakes at most once a minute', () => {
    const clock = new HandClock(utc('2026-12-05T09:00:00'));
    const hours = new OpeningHours(clock, recorder().target);
    const schedules = [daily('a', 600, 1080), daily('b', 660, 1200), daily('c', 0, 0)];
    const specs: ServiceSpec[] = Array.from({ length: 300 }, (_, i) => ({ ...serviceSpec(`s${i}`, 'true'), schedule: schedules[i % 3], dailyRestart: { minute: 240, timezone: 'UTC' } }));
    hours.update(specs);
    expect(clock.pending).toBe(1);
    expect(hours.closedState('s0')).toEqual({ kind: 'closed', schedule: 'a', timezone: 'UTC', opensAt: utc('2026-12-05T10:00:00') });
    expect(hours.closedState('s2')).toBeNull();
    clock.moveTo(utc('2026-12-05T09:01:00'));
    expect(clock.pending).toBe(1);
    hours.dispose();
    expect(clock.pending).toBe(0);
  });

  it('arms no timer at all without schedules or restarts', () => {
    const clock = new HandClock(utc('2026-12-05T09:00:00'));
    new OpeningHours(clock, recorder().target).update([serviceSpec('plain', 'true')]);
    expect(clock.pending).toBe(0);
  });

  it('closes and opens by schedule, restarts daily, and re-reads everything when the clock is set back', async () => {
    const clock = new HandClock(utc('2026-12-05T17:00:00'));
    const { calls, target } = recorder();
    const hours = new OpeningHours(clock, target);
    hours.update([{ ...serviceSpec('p', 'true'), schedule: daily('gallery', 600, 1080) }, { ...serviceSpec('k', 'true'), dailyRestart: { minute: 1090, timezone: 'UTC' } }]);
    clock.moveTo(utc('2026-12-05T18:00:00'));
    clock.moveTo(utc('2026-12-05T18:10:00'));
    // Set back (NTP): the schedule is open again by the clock; nothing restarts twice.
    clock.moveTo(utc('2026-12-05T17:30:00'));
    await hours.settled();
    expect(calls).toHaveLength(2);
    // Its timer (a monotonic minute at most) fires, reads the clock and sees it went back.
    clock.elapse(60_000);
    await hours.settled();
    expect(calls).toEqual(['close p: outside opening hours: gallery closed', 'restart k: daily restart (18:10)', 'open p: opening hours: gallery open']);
    expect(hours.timing('k').dailyRestart).toEqual({ time: '18:10', timezone: 'UTC', nextAt: utc('2026-12-05T18:10:00') });
    hours.dispose();
  });

  it('restarts once a day across the spring change in Paris: a skipped 02:30 at 03:30 CEST', async () => {
    const clock = new HandClock(utc('2026-03-28T12:00:00'));
    const { calls, target } = recorder();
    const hours = new OpeningHours(clock, target);
    hours.update([{ ...serviceSpec('k', 'true'), dailyRestart: { minute: 150, timezone: 'Europe/Paris' } }]);
    expect(hours.timing('k').dailyRestart?.nextAt).toBe(utc('2026-03-29T01:30:00'));
    clock.moveTo(utc('2026-03-29T01:30:00'));
    clock.moveTo(utc('2026-03-30T00:29:00'));
    await hours.settled();
    expect(calls).toEqual(['restart k: daily restart (02:30)']);
    expect(hours.timing('k').dailyRestart?.nextAt).toBe(utc('2026-03-30T00:30:00'));
    hours.dispose();
  });
});
