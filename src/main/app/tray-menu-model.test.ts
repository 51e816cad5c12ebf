import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait-for';
import { createOrchestrator } from '../engine/orchestrator';
import { blocked, exited, failed, running, serviceSnapshot } from '../../../test/fixtures/service-snapshots';
import { summarizeServices } from './tray-icon';
import { buildTrayMenu, escapeMnemonic, trayActionCall, type TrayMenuItem } from './tray-menu-model';

const byId = (items: TrayMenuItem[], id: string) => items.find((item) => item.id === id);

describe('buildTrayMenu', () => {
  const services = [
    serviceSnapshot('api', running(0), { displayName: 'API (HTTP)', health: 'healthy' }),
    serviceSnapshot('worker', failed(), { displayName: 'Sensor worker' }),
    serviceSnapshot('display', blocked(), { displayName: 'Gallery display' }),
  ];

  it('lists every service with its state label and a submenu holding its Restart', () => {
    const menu = buildTrayMenu(services, { startAtLogin: false, now: 65_000 });
    const api = byId(menu, 'service:api');
    expect(api).toMatchObject({ type: 'submenu', label: 'API (HTTP): Running', tone: 'ok' });
    const apiItems = (api as Extract<TrayMenuItem, { type: 'submenu' }>).items;
    expect(apiItems[0]).toEqual({ type: 'label', id: 'api:detail', label: 'pid 4242, up 1m 5s' });
    expect(apiItems.find((item) => item.type === 'action' && item.label === 'Restart')).toMatchObject({ action: { kind: 'restart', name: 'api' }, enabled: true });
    expect(byId(menu, 'service:display')).toMatchObject({ label: 'Gallery display: Blocked', tone: 'waiting' });
  });

  it('offers Start instead of Restart for a service that is not running', () => {
    const menu = buildTrayMenu(services, { startAtLogin: false });
    const worker = byId(menu, 'service:worker') as Extract<TrayMenuItem, { type: 'submenu' }>;
    expect(worker).toMatchObject({ label: 'Sensor worker: Failed', tone: 'bad' });
    expect(worker.items.map((item) => item.type === 'action' && item.label).filter(Boolean)).toEqual(['Start']);
    expect(worker.items.find((item) => item.type === 'action')).toMatchObject({ action: { kind: 'start', name: 'worker' } });
  });

  it('marks a running but unhealthy service as bad', () => {
    const menu = buildTrayMenu([serviceSnapshot('api', running(), { health: 'unhealthy' })], { startAtLogin: false });
    expect(byId(menu, 'service:api')).toMatchObject({ label: 'api: Running, unhealthy', tone: 'bad' });
  });

  it('ends with Restart all, Stop all, Show panel, Start at login and Quit', () => {
    const menu = buildTrayMenu(services, { startAtLogin: true });
    const tail = menu.filter((item) => item.type === 'action' || item.type === 'checkbox').map((item) => (item as { label: string }).label);
    expect(tail).toEqual(['Restart all', 'Stop all', 'Show panel', 'Start at login', 'Quit']);
    expect(byId(menu, 'start-at-login')).toMatchObject({ type: 'checkbox', checked: true, action: { kind: 'set-start-at-login', enabled: false } });
    expect(menu[0]).toMatchObject({ type: 'label', label: 'Sensor worker needs attention' });
  });

  it('leaves out Start at login where it cannot be offered', () => {
    expect(byId(buildTrayMenu(services, { startAtLogin: null }), 'start-at-login')).toBeUndefined();
  });

  it('disables Stop all when nothing is active, and everything but the status line while quitting', () => {
    const idle = [serviceSnapshot('a', exited(0)), serviceSnapshot('b', { kind: 'disabled' })];
    expect(byId(buildTrayMenu(idle, { startAtLogin: false }), 'stop-all')).toMatchObject({ enabled: false });

    const quitting = buildTrayMenu(services, { startAtLogin: false, quitting: true });
    expect(quitting[0]).toEqual({ type: 'label', id: 'status', label: 'Stopping 2 services…' });
    const clickable = quitting.flatMap((item) => (item.type === 'submenu' ? item.items : [item])).filter((item) => 'enabled' in item && item.enabled);
    expect(clickable).toEqual([]);
  });

  it('says when it is attached to a daemon and when that daemon is unreachable', () => {
    const attached = buildTrayMenu(services, { startAtLogin: false, attachedTo: 'http://127.0.0.1:7420' });
    expect(byId(attached, 'attached')).toMatchObject({ label: 'Attached to the daemon at http://127.0.0.1:7420' });
    const lost = buildTrayMenu(services, { startAtLogin: false, attachedTo: 'http://127.0.0.1:7420', disconnected: true });
    expect(lost[0]).toMatchObject({ label: 'Daemon not reachable, reconnecting…' });
    expect(byId(lost, 'restart-all')).toMatchObject({ enabled: false });
    expect(byId(lost, 'show-panel')).toMatchObject({ enabled: true });
  });

  it('says so when the manifest has no services', () => {
    const menu = buildTrayMenu([], { startAtLogin: false });
    expect(menu[0]).toMatchObject({ label: 'No services' });
    expect(byId(menu, 'restart-all')).toMatchObject({ enabled: false });
  });

  it('keeps an ampersand in a name from becoming an access key', () => {
    expect(escapeMnemonic('Q&A kiosk')).toBe('Q&&A kiosk');
    const menu = buildTrayMenu([serviceSnapshot('qa', running(), { displayName: 'Q&A' })], { startAtLogin: false });
    expect(byId(menu, 'service:qa')).toMatchObject({ label: 'Q&&A: Running' });
  });
});

describe('trayActionCall', () => {
  it('maps service actions to contract calls and leaves shell actions to the shell', () => {
    expect(trayActionCall({ kind: 'restart', name: 'api' })).toEqual({ method: 'services.restart', args: { name: 'api' } });
    expect(trayActionCall({ kind: 'start', name: 'api' })).toEqual({ method: 'services.start', args: { name: 'api' } });
    expect(trayActionCall({ kind: 'stop', name: 'api' })).toEqual({ method: 'services.stop', args: { name: 'api' } });
    expect(trayActionCall({ kind: 'restart-all' })).toEqual({ method: 'services.restartAll', args: {} });
    expect(trayActionCall({ kind: 'stop-all' })).toEqual({ method: 'services.stopAll', args: {} });
    for (const kind of ['show-panel', 'quit'] as const) expect(trayActionCall({ kind })).toBeNull();
    expect(trayActionCall({ kind: 'set-start-at-login', enabled: true })).toBeNull();
  });
});

describe('the tray menu from a real engine', () => {
  it('shows what the orchestrator reports, and its actions act on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tray-menu-'));
    const file = join(dir, 'services.toml');
    await writeFile(
      file,
      [
        '[services.ticker]',
        'display_name = "Ticker"',
        `command = ${JSON.stringify('node -e "setInterval(() => {}, 1000)"')}`,
        '[services.oneshot]',
        'command = "exit 3"',
        'restart = "never"',
      ].join('\n'),
    );
    const engine = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, watchManifest: false, cliArgv: [] });
    try {
      const list = async () => {
        const reply = await engine.call('services.list', {});
        return reply.ok ? reply.value : [];
      };
      const services = await waitFor(list, (all) => all.find((each) => each.name === 'ticker')?.state.kind === 'running' && all.find((each) => each.name === 'oneshot')?.state.kind === 'exited', {
        what: 'ticker running and oneshot exited',
        timeoutMs: 10_000,
      });
      const menu = buildTrayMenu(services, { startAtLogin: null });
      expect(byId(menu, 'service:ticker')).toMatchObject({ label: 'Ticker: Running', tone: 'ok' });
      expect(byId(menu, 'service:oneshot')).toMatchObject({ label: 'oneshot: Exited', tone: 'bad' });
      expect(menu[0]).toMatchObject({ label: 'oneshot needs attention' });

      const stop = trayActionCall({ kind: 'stop', name: 'ticker' })!;
      expect((await engine.call(stop.method, stop.args as never)).ok).toBe(true);
      const after = await waitFor(list, (all) => all.find((each) => each.name === 'ticker')?.state.kind !== 'running', { what: 'ticker stopped', timeoutMs: 10_000 });
      expect((byId(buildTrayMenu(after, { startAtLogin: null }), 'service:ticker') as { items: { label: string }[] }).items.map((item) => item.label)).toContain('Start');
      // Stopped by hand is not a problem; only the crashed one-shot is.
      expect(summarizeServices(after).failing).toEqual(['oneshot']);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
