import { describe, expect, it } from 'vitest';
import { serviceSnapshot, running } from '../../test/fixtures/service-snapshots';
import { describeProbe, describeService, describeState, formatDuration } from './describe-state';

describe('describeState', () => {
  it('calls a crash bad and a requested stop idle, whatever the signal', () => {
    expect(describeState({ kind: 'exited', code: 3, signal: null, at: 0 })).toEqual({ label: 'Exited', detail: 'exited with code 3', tone: 'bad' });
    expect(describeState({ kind: 'exited', code: null, signal: 'SIGTERM', at: 0, requested: true })).toEqual({ label: 'Stopped by operator', detail: null, tone: 'idle' });
    expect(describeState({ kind: 'exited', code: null, signal: null, at: 0, requested: true }).detail).toBeNull();
  });

  it('says a crash loop once, in the reason the engine gave', () => {
    const reason = 'crash loop: exited with code 1 after 1 restart, none stayed up 60 s';
    expect(describeState({ kind: 'failed', reason, restarts: 1, windowMs: 60_000 })).toEqual({ label: 'Failed', detail: reason, tone: 'bad' });
  });

  it('says what a blocked service waits for, and why it may never come', () => {
    const waiting = describeState({ kind: 'blocked', waitingOn: { services: [{ name: 'db', condition: 'healthy' }], devices: ['/dev/cam'] } });
    expect(waiting).toEqual({ label: 'Blocked', detail: 'waiting for db to be healthy, device /dev/cam', tone: 'waiting' });
    const stuck = describeState({ kind: 'blocked', waitingOn: { services: [{ name: 'db', condition: 'healthy' }], devices: [] }, problem: 'api waits for db to be healthy, but db exited with 1' });
    expect(stuck.tone).toBe('bad');
    expect(stuck.detail).toContain('db exited with 1');
  });

  it('counts down a backoff and shows uptime', () => {
    expect(describeState({ kind: 'backoff', nextTryAt: 5000, attempt: 2, lastExit: 'exited with code 1' }, 2000).detail).toBe('exited with code 1; try 2 in 3s');
    expect(describeState({ kind: 'running', pid: 7, since: 0 }, 3_723_000).detail).toBe('pid 7, up 1h 2m');
  });

  it('adds why a running service is degraded', () => {
    const show = serviceSnapshot('show', running(0), { health: 'healthy', degraded: 'kiosk is stopped', degradedBy: ['kiosk'] });
    expect(describeService(show, 5000)).toBe('Running, healthy (pid 4242, up 5s); degraded: kiosk is stopped');
  });

  it('says until when a closed service is closed, in its schedule\'s zone, with the date once a week away', () => {
    const now = Date.parse('2026-12-05T19:00:00Z');
    // Tue 10:00 in Paris is 09:00 UTC in December.
    const closed = describeState({ kind: 'closed', schedule: 'gallery', timezone: 'Europe/Paris', opensAt: Date.parse('2026-12-08T09:00:00Z') }, now);
    expect(closed).toEqual({ label: 'Closed', detail: 'gallery: until Tue 10:00', tone: 'idle' });
    const far = describeState({ kind: 'closed', schedule: 'gallery', timezone: 'Europe/Paris', opensAt: Date.parse('2026-12-26T09:00:00Z') }, now);
    expect(far.detail).toBe('gallery: until Sat 26 Dec 10:00');
    expect(describeState({ kind: 'closed', schedule: 'gallery', timezone: 'UTC', opensAt: null }).detail).toBe('gallery: no opening within a year');
  });

  it('adds the opening hours and the next daily restart of a running service', () => {
    const show = serviceSnapshot('show', running(0), {
      schedule: { name: 'gallery', timezone: 'Europe/Paris', open: true, nextChangeAt: Date.parse('2026-12-05T17:00:00Z') },
      dailyRestart: { time: '04:00', timezone: 'Europe/Paris', nextAt: Date.parse('2026-12-06T03:00:00Z') },
    });
    expect(describeService(show, Date.parse('2026-12-05T12:00:00Z'))).toMatch(/^Running \(pid 4242, up .*\); gallery: open until Sat 18:00; restarts Sun 04:00$/);
  });

  it('shows a probe result with its age, and a stale one as such', () => {
    expect(describeProbe({ ok: true, message: 'HTTP 200', at: 0 }, 21_000)).toEqual({ text: 'ok: HTTP 200 (21s ago)', stale: false });
    expect(describeProbe({ ok: true, message: 'HTTP 200', at: 0, stale: true }, 21_000)).toEqual({
      text: 'stale, from an earlier process: ok: HTTP 200 (21s ago)',
      stale: true,
    });
  });

  it('formats durations for people', () => {
    expect([formatDuration(400), formatDuration(61_000), formatDuration(49 * 3_600_000)]).toEqual(['0s', '1m 1s', '2d 1h']);
    expect(formatDuration(-800)).toBe('0s');
  });
});
