// Opening hours and daily restarts through a real Supervisor with real processes, on a clock
// the test moves (test/fixtures/hand-clock.ts): a service stops at closing, starts at opening,
// an operator's start while closed lasts until the next change, and a daily restart is clean.
import { describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../../shared/model';
import { describeState } from '../../../shared/describe-state';
import type { ScheduleSpec } from '../config/manifest-types';
import { HandClock } from '../../../../test/fixtures/hand-clock';
import { makeSpec, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { waitFor } from '../../../../test/helpers/wait-for';

const harness = supervisorHarness();
const utc = (text: string) => Date.parse(`${text}Z`);
// 2026-12-05 is a Saturday.
const gallery: ScheduleSpec = { name: 'gallery', timezone: 'UTC', windows: [{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 600, endMinute: 1080 }], closedOn: [] };
const pid = (snapshot: ServiceSnapshot | undefined) => (snapshot?.state.kind === 'running' ? snapshot.state.pid : undefined);

function setUp(start: string) {
  const clock = new HandClock(utc(start));
  const made = harness.supervisor({ clock });
  const until = async (name: string, kind: string): Promise<ServiceSnapshot> =>
    (await waitFor(() => made.supervisor.get(name), (snapshot) => snapshot?.state.kind === kind, { what: `${name} ${kind}` }))!;
  return { ...made, clock, until };
}

describe('opening hours in the supervisor', () => {
  it('keeps a service closed before opening, starts it at opening and stops it cleanly at closing; its dependent waits', async () => {
    const { supervisor, clock, until, transitions } = setUp('2026-12-05T09:00:00');
    await supervisor.apply([
      makeSpec('projector', 'exec sleep 60', { schedule: gallery }),
      makeSpec('caption', 'exec sleep 60', { dependencies: [{ name: 'projector', condition: 'started' }] }),
    ]);
    const closed = await until('projector', 'closed');
    expect(closed.state).toEqual({ kind: 'closed', schedule: 'gallery', timezone: 'UTC', opensAt: utc('2026-12-05T10:00:00') });
    expect(closed.schedule).toEqual({ name: 'gallery', timezone: 'UTC', open: false, nextChangeAt: utc('2026-12-05T10:00:00') });
    expect(describeState(closed.state, clock.now()).detail).toBe('gallery: until Sat 10:00');
    expect(supervisor.get('caption')?.state).toMatchObject({ kind: 'blocked', waitingOn: { services: [{ name: 'projector' }] } });
    expect(clock.pending).toBe(1);

    clock.moveTo(utc('2026-12-05T10:00:00'));
    await until('projector', 'running');
    await until('caption', 'running');
    expect(supervisor.get('projector')?.schedule).toMatchObject({ open: true, nextChangeAt: utc('2026-12-05T18:00:00') });

    clock.moveTo(utc('2026-12-05T18:00:00'));
    const after = await until('projector', 'closed');
    expect(after.state).toMatchObject({ opensAt: utc('2026-12-06T10:00:00') });
    expect(transitions().filter((line) => line.startsWith('projector'))).toEqual([
      'projector closed: outside opening hours: gallery closed',
      'projector starting: opening hours: gallery open',
      expect.stringMatching(/^projector running: started \(pid \d+\)$/),
      'projector stopping: outside opening hours: gallery closed',
      'projector closed: outside opening hours: gallery closed',
    ]);
    expect(after.restarts).toBe(0);
    // The unscheduled dependent keeps running (on_dependency_down = keep), shown degraded.
    await waitFor(() => supervisor.get('caption'), (snapshot) => snapshot?.degraded === 'projector is closed (outside the opening hours of gallery)', { what: 'caption degraded' });
  });

  it('lets an operator start a closed service, which then runs until the next change of the schedule', async () => {
    const { supervisor, clock, until } = setUp('2026-12-05T19:00:00');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60', { schedule: gallery })]);
    await until('projector', 'closed');
    await supervisor.start('projector');
    const first = pid(await until('projector', 'running'));
    clock.moveTo(utc('2026-12-05T23:00:00'));
    // The opening next morning is the next change: it finds the service up and leaves it so.
    clock.moveTo(utc('2026-12-06T10:00:00'));
    clock.moveTo(utc('2026-12-06T12:00:00'));
    expect(pid(supervisor.get('projector'))).toBe(first);
    clock.moveTo(utc('2026-12-06T18:00:00'));
    await until('projector', 'closed');
  });

  it('applies a schedule added or removed by a manifest reload to the running service, in place', async () => {
    const { supervisor, until } = setUp('2026-12-05T19:00:00');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60')]);
    await until('projector', 'running');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60', { schedule: gallery })]);
    expect((await until('projector', 'closed')).transitions.at(-1)?.reason).toBe('outside opening hours: gallery closed');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60')]);
    expect((await until('projector', 'running')).transitions.map((t) => t.reason)).toContain('opening hours: no longer scheduled');
  });

  it('moves the next opening of a closed service when a reload edits its schedule', async () => {
    const { supervisor, until } = setUp('2026-12-05T19:00:00');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60', { schedule: gallery })]);
    expect((await until('projector', 'closed')).state).toMatchObject({ opensAt: utc('2026-12-06T10:00:00') });
    const later: ScheduleSpec = { ...gallery, windows: [{ ...gallery.windows[0], startMinute: 720 }] };
    await supervisor.apply([makeSpec('projector', 'exec sleep 60', { schedule: later })]);
    await waitFor(() => supervisor.get('projector')?.state, (state) => state?.kind === 'closed' && state.opensAt === utc('2026-12-06T12:00:00'), { what: 'opens at 12:00' });
    expect(supervisor.get('projector')?.schedule?.nextChangeAt).toBe(utc('2026-12-06T12:00:00'));
  });

  it('catches up when the clock jumps (a suspend over the opening): the state is what the schedule says now', async () => {
    const { supervisor, clock, until } = setUp('2026-12-05T08:00:00');
    await supervisor.apply([makeSpec('projector', 'exec sleep 60', { schedule: gallery })]);
    await until('projector', 'closed');
    // One late firing, hours after the timer was due.
    clock.moveTo(utc('2026-12-05T15:30:00'));
    await until('projector', 'running');
    clock.moveTo(utc('2026-12-07T09:00:00'));
    expect((await until('projector', 'closed')).state).toMatchObject({ opensAt: utc('2026-12-07T10:00:00') });
  });

  it('restarts a running service cleanly at its daily time, as a requested stop, and leaves a stopped one alone', async () => {
    const { supervisor, clock, until, logs } = setUp('2026-12-05T03:00:00');
    const daily = { minute: 4 * 60, timezone: 'UTC' };
    await supervisor.apply([makeSpec('kiosk', 'exec sleep 60', { dailyRestart: daily }), makeSpec('spare', 'exec sleep 60', { dailyRestart: daily })]);
    const before = await until('kiosk', 'running');
    expect(before.dailyRestart).toEqual({ time: '04:00', timezone: 'UTC', nextAt: utc('2026-12-05T04:00:00') });
    await supervisor.stop('spare');

    clock.moveTo(utc('2026-12-05T04:00:00'));
    const after = (await waitFor(() => supervisor.get('kiosk'), (snapshot) => pid(snapshot) !== undefined && pid(snapshot) !== pid(before), { what: 'a new kiosk process' }))!;
    expect(after.restarts).toBe(0);
    expect(after.dailyRestart?.nextAt).toBe(utc('2026-12-06T04:00:00'));
    expect(after.transitions.map((t) => `${t.to}: ${t.reason}`)).toContain('exited: daily restart (04:00)');
    expect(supervisor.get('spare')?.state).toMatchObject({ kind: 'exited', requested: true });

    // Asleep through the next one: skipped and said, not done at 09:00.
    const second = pid(after);
    clock.moveTo(utc('2026-12-06T09:00:00'));
    await waitFor(() => logs.text('orchestrator', 'system'), (text) => text.includes('kiosk: daily restart of 04:00 skipped'), { what: 'the skip logged' });
    expect(pid(supervisor.get('kiosk'))).toBe(second);
    expect(supervisor.get('kiosk')?.dailyRestart?.nextAt).toBe(utc('2026-12-07T04:00:00'));
  });
});
