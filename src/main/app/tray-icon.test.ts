import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exited, failed, running, serviceSnapshot } from '../../../test/fixtures/service-snapshots';
import { allTrayIconFiles, summarizeServices, trayIconFile, trayTooltip } from './tray-icon';

describe('summarizeServices', () => {
  it('is ok when everything active is running fine', () => {
    const summary = summarizeServices([serviceSnapshot('a', running()), serviceSnapshot('b', running())]);
    expect(summary).toMatchObject({ status: 'ok', running: 2, active: 2, failing: [], headline: 'All 2 services running' });
  });

  it('needs attention when a service failed, is backing off or is unhealthy, and names them', () => {
    const summary = summarizeServices([
      serviceSnapshot('a', running(), { displayName: 'Projector' }),
      serviceSnapshot('b', failed(), { displayName: 'Sensor' }),
      serviceSnapshot('c', { kind: 'backoff', nextTryAt: 0, attempt: 2, lastExit: 'exited with code 1' }, { displayName: 'Audio' }),
      serviceSnapshot('d', running(), { displayName: 'API', health: 'unhealthy' }),
    ]);
    expect(summary.status).toBe('attention');
    expect(summary.failing).toEqual(['Sensor', 'Audio', 'API']);
    expect(trayTooltip(summary)).toBe('Showrunner: 3 services need attention: Sensor, Audio, API');
  });

  it('is idle when nothing runs and nothing failed', () => {
    const summary = summarizeServices([serviceSnapshot('a', exited(0)), serviceSnapshot('b', { kind: 'disabled' })]);
    expect(summary).toMatchObject({ status: 'idle', active: 0, headline: '0 of 2 services running' });
  });

  it('counts a crash exit as needing attention, but not a stop the operator asked for', () => {
    expect(summarizeServices([serviceSnapshot('a', exited(3))]).status).toBe('attention');
    const killed = { kind: 'exited' as const, code: null, signal: 'SIGTERM', at: 5 };
    expect(summarizeServices([serviceSnapshot('a', killed)]).status).toBe('attention');
    const stopped = serviceSnapshot('a', { ...killed, requested: true });
    expect(summarizeServices([stopped])).toMatchObject({ status: 'idle', failing: [] });
  });
});

describe('trayTooltip', () => {
  it('shows the stop progress while quitting', () => {
    const summary = summarizeServices([serviceSnapshot('a', running())]);
    expect(trayTooltip(summary, { quittingCount: 1 })).toBe('Showrunner: stopping 1 service…');
    expect(trayTooltip(summary, { quittingCount: 0 })).toBe('Showrunner: quitting…');
    expect(trayTooltip(summary)).toBe('Showrunner: The service is running');
  });
});

describe('trayIconFile', () => {
  it('uses template images on macOS, with an alert variant', () => {
    expect(trayIconFile({ platform: 'darwin', darkPanel: true, status: 'ok' })).toBe('trayTemplate.png');
    expect(trayIconFile({ platform: 'darwin', darkPanel: false, status: 'attention' })).toBe('trayAlertTemplate.png');
  });

  it('uses 16 px icons in the Windows notification area, following the theme', () => {
    expect(trayIconFile({ platform: 'win32', darkPanel: true, status: 'ok' })).toBe('tray-dark-16.png');
    expect(trayIconFile({ platform: 'win32', darkPanel: false, status: 'attention' })).toBe('tray-light-alert-16.png');
  });

  it('uses 22 px icons on Linux, and the dark-panel icon on GNOME whatever the theme', () => {
    expect(trayIconFile({ platform: 'linux', darkPanel: false, desktop: 'KDE', status: 'ok' })).toBe('tray-light-22.png');
    expect(trayIconFile({ platform: 'linux', darkPanel: false, desktop: 'ubuntu:GNOME', status: 'idle' })).toBe('tray-dark-22.png');
    expect(trayIconFile({ platform: 'linux', darkPanel: true, desktop: 'XFCE', status: 'attention' })).toBe('tray-dark-alert-22.png');
  });

  it('names only files that exist in resources/tray, each with its @2x partner', () => {
    const dir = join(__dirname, '..', '..', '..', 'resources', 'tray');
    const missing = allTrayIconFiles().filter((file) => !existsSync(join(dir, file)));
    expect(missing).toEqual([]);
    const chosen = new Set<string>();
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      for (const darkPanel of [true, false])
        for (const status of ['ok', 'attention', 'idle'] as const) chosen.add(trayIconFile({ platform, darkPanel, status, desktop: 'GNOME' }));
    for (const file of chosen) {
      expect(allTrayIconFiles()).toContain(file);
      expect(allTrayIconFiles()).toContain(file.replace('.png', '@2x.png'));
    }
  });
});
