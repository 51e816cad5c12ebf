import { describe, expect, it } from 'vitest';
import type { AlertsStatus } from '../../../../shared/model';
import { summarizeAlerts } from './alerts-summary';

const time = (ms: number) => `t${ms}`;
const quiet: AlertsStatus = { webhook: true, queued: 0, dropped: 0, suppressed: 0, delivered: 0, lastDeliveryAt: null, lastError: null, lastErrorAt: null, nextAttemptAt: null, heartbeat: null };
const beating = { intervalMs: 60_000, inPlace: true, why: null, beats: 3, checkedAt: 900, lastBeatAt: 900, lastError: null };

describe('summarizeAlerts', () => {
  it('says all is well when nothing waits', () => {
    expect(summarizeAlerts({ ...quiet, delivered: 2, lastDeliveryAt: 500 }, time)).toEqual({
      level: 'ok',
      label: 'Alerts ok',
      details: ['Webhook: 2 delivered since the daemon started, the last at t500.'],
    });
  });

  it('calls the webhook failing when the newest attempt failed, with what waits and when it tries again', () => {
    const summary = summarizeAlerts({ ...quiet, queued: 3, delivered: 1, lastDeliveryAt: 100, lastError: 'HTTP 500', lastErrorAt: 200, nextAttemptAt: 4200 }, time);
    expect(summary.level).toBe('error');
    expect(summary.label).toBe('Alerts failing · 3 queued');
    expect(summary.details).toContain('The webhook did not take the last alert: HTTP 500 (at t200).');
    expect(summary.details).toContain('3 queued on disk; next try at t4200.');
  });

  it('does not call an old error failing once a later alert went through', () => {
    const summary = summarizeAlerts({ ...quiet, queued: 1, lastError: 'ECONNREFUSED', lastErrorAt: 100, lastDeliveryAt: 300, delivered: 4 }, time);
    expect(summary).toMatchObject({ level: 'warn', label: 'Alerts sending · 1 queued' });
  });

  it('warns of dropped alerts and of alerts left without a webhook', () => {
    expect(summarizeAlerts({ ...quiet, dropped: 7 }, time)).toMatchObject({ level: 'warn', label: '7 alerts dropped' });
    const orphaned = summarizeAlerts({ ...quiet, webhook: false, queued: 2 }, time);
    expect(orphaned).toMatchObject({ level: 'warn', label: '2 alerts waiting' });
    expect(orphaned.details[0]).toContain('no longer names a webhook');
  });

  it('tells a paused heartbeat (the watcher will alarm) from a refused one', () => {
    const paused = summarizeAlerts({ ...quiet, heartbeat: { ...beating, inPlace: false, why: 'api is failed' } }, time);
    expect(paused).toMatchObject({ level: 'warn', label: 'Heartbeat paused' });
    expect(paused.details).toContain('Heartbeat paused at t900: api is failed. The watcher will raise the alarm.');
    const refused = summarizeAlerts({ ...quiet, heartbeat: { ...beating, lastError: 'HTTP 404' } }, time);
    expect(refused).toMatchObject({ level: 'error', label: 'Heartbeat failing' });
  });

  it('shows the worst of webhook and heartbeat, and one label when both are well', () => {
    expect(summarizeAlerts({ ...quiet, heartbeat: beating }, time).label).toBe('Alerts ok');
    expect(summarizeAlerts({ ...quiet, webhook: false, heartbeat: beating }, time)).toMatchObject({ level: 'ok', label: 'Heartbeat ok' });
    const both = summarizeAlerts({ ...quiet, queued: 1, lastError: 'HTTP 502', lastErrorAt: 5, heartbeat: { ...beating, inPlace: false, why: 'api is failed' } }, time);
    expect(both).toMatchObject({ level: 'error', label: 'Alerts failing · 1 queued' });
  });
});
