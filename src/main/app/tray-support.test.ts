import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectTraySupport, gnomeExtensionDirs, listShellExtensions, windowCloseAction } from './tray-support';

const linux = (desktop: string | undefined, installedExtensions: string[] = [], extra: NodeJS.ProcessEnv = {}) =>
  detectTraySupport({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: desktop, ...extra }, installedExtensions });

describe('detectTraySupport', () => {
  it('finds no tray on stock GNOME, so closing the window minimizes', () => {
    const support = linux('GNOME');
    expect(support).toEqual({ hasTray: false, reason: 'GNOME without an AppIndicator extension' });
    expect(windowCloseAction(support)).toBe('minimize');
  });

  it('finds a tray on GNOME with an AppIndicator extension, as Ubuntu ships it', () => {
    expect(linux('ubuntu:GNOME', ['ubuntu-appindicators@ubuntu.com', 'ding@rastersoft.com'])).toMatchObject({ hasTray: true });
    expect(linux('GNOME', ['appindicatorsupport@rgcjonas.gmail.com'])).toMatchObject({ hasTray: true });
    expect(windowCloseAction(linux('GNOME', ['appindicatorsupport@rgcjonas.gmail.com']))).toBe('hide');
  });

  it('finds a tray on GNOME Flashback and on other desktops', () => {
    expect(linux('GNOME-Flashback:GNOME').hasTray).toBe(true);
    for (const desktop of ['KDE', 'XFCE', 'X-Cinnamon', 'MATE', 'LXQt', 'Budgie:GNOME', 'Unity:Unity7:ubuntu']) expect(linux(desktop).hasTray, desktop).toBe(true);
    expect(linux('pop:GNOME').hasTray).toBe(false);
  });

  it('finds none in a bare kiosk session without a desktop environment', () => {
    expect(linux(undefined).hasTray).toBe(false);
    expect(linux('').hasTray).toBe(false);
  });

  it('always finds one on Windows and macOS', () => {
    expect(detectTraySupport({ platform: 'win32', env: {}, installedExtensions: [] }).hasTray).toBe(true);
    expect(detectTraySupport({ platform: 'darwin', env: {}, installedExtensions: [] }).hasTray).toBe(true);
  });

  it('lets SHOWRUNNER_TRAY or the setting decide, the variable first', () => {
    expect(linux('GNOME', [], { SHOWRUNNER_TRAY: 'on' })).toEqual({ hasTray: true, reason: 'forced on' });
    expect(linux('KDE', [], { SHOWRUNNER_TRAY: 'off' }).hasTray).toBe(false);
    expect(detectTraySupport({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, installedExtensions: [], override: 'on' }).hasTray).toBe(true);
    expect(detectTraySupport({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME', SHOWRUNNER_TRAY: 'no' }, installedExtensions: [], override: 'on' }).hasTray).toBe(false);
  });
});

describe('listShellExtensions', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('reads extension folders per user and system wide, skipping folders that do not exist', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tray-support-'));
    const env = { HOME: join(dir, 'home'), XDG_DATA_DIRS: `${join(dir, 'usr-share')}:${join(dir, 'missing')}` };
    const dirs = gnomeExtensionDirs(env);
    expect(dirs).toEqual([join(dir, 'home/.local/share/gnome-shell/extensions'), join(dir, 'usr-share/gnome-shell/extensions'), join(dir, 'missing/gnome-shell/extensions')]);
    await mkdir(join(dirs[0], 'appindicatorsupport@rgcjonas.gmail.com'), { recursive: true });
    await mkdir(join(dirs[1], 'ding@rastersoft.com'), { recursive: true });
    const found = await listShellExtensions(dirs);
    expect(found.sort()).toEqual(['appindicatorsupport@rgcjonas.gmail.com', 'ding@rastersoft.com']);
    expect(linux('GNOME', found).hasTray).toBe(true);
  });
});
