import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  autostartFilePath,
  buildAutostartEntry,
  loginLaunchCommand,
  quoteExecArg,
  readAutostartEntry,
  removeAutostartEntry,
  splitExec,
  writeAutostartEntry,
  xdgConfigHome,
} from './autostart-entry';

const demo = '/opt/Showrunner/resources/demo/services.toml';

describe('loginLaunchCommand', () => {
  it('starts the installed binary hidden, with the manifest unless it is the demo', () => {
    expect(loginLaunchCommand({ env: {}, execPath: '/opt/Showrunner/showrunner', manifestPath: demo, demoManifestPath: demo })).toEqual({
      exec: '/opt/Showrunner/showrunner',
      args: ['--hidden'],
    });
    expect(loginLaunchCommand({ env: {}, execPath: '/usr/bin/showrunner', manifestPath: '/srv/gallery/services.toml', demoManifestPath: demo }).args).toEqual([
      '--hidden',
      '--config',
      '/srv/gallery/services.toml',
    ]);
  });

  it('uses $APPIMAGE, not the temporary mount, when running from an AppImage', () => {
    const command = loginLaunchCommand({
      env: { APPIMAGE: '/home/op/Apps/Showrunner-0.1.0.AppImage' },
      execPath: '/tmp/.mount_ShowruXYZ/showrunner',
      manifestPath: demo,
      demoManifestPath: demo,
    });
    expect(command.exec).toBe('/home/op/Apps/Showrunner-0.1.0.AppImage');
  });
});

describe('xdgConfigHome', () => {
  it('is $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(xdgConfigHome({ XDG_CONFIG_HOME: '/cfg', HOME: '/home/op' })).toBe('/cfg');
    expect(xdgConfigHome({ HOME: '/home/op' })).toBe('/home/op/.config');
    expect(autostartFilePath('/cfg')).toBe('/cfg/autostart/showrunner.desktop');
  });
});

describe('Exec quoting', () => {
  it('quotes arguments with reserved characters and doubles percent signs', () => {
    expect(quoteExecArg('/opt/Showrunner/showrunner')).toBe('/opt/Showrunner/showrunner');
    expect(quoteExecArg('/srv/my gallery/services.toml')).toBe('"/srv/my gallery/services.toml"');
    expect(quoteExecArg('100%')).toBe('100%%');
    expect(quoteExecArg('a"b$c`d\\e')).toBe('"a\\"b\\$c\\`d\\\\e"');
  });

  it('splits what it quoted back into the same words', () => {
    const words = ['/opt/Show runner/showrunner', '--config', '/srv/it’s "here"/50% $HOME\\x.toml', ''];
    expect(splitExec(words.map(quoteExecArg).join(' '))).toEqual(words);
  });
});

describe('the autostart file in a temp XDG config dir', () => {
  let configHome: string;
  beforeEach(async () => {
    configHome = await mkdtemp(join(tmpdir(), 'autostart-'));
  });
  afterEach(async () => {
    await rm(configHome, { recursive: true, force: true });
  });

  it('is written, read back as enabled with the same command, and removed', async () => {
    expect(await readAutostartEntry(configHome)).toEqual({ enabled: false, command: null });
    const command = { exec: '/home/op/Apps/Showrunner.AppImage', args: ['--hidden', '--config', '/srv/my gallery/services.toml'] };
    const file = await writeAutostartEntry(configHome, command);
    expect(file).toBe(join(configHome, 'autostart', 'showrunner.desktop'));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec=/home/op/Apps/Showrunner.AppImage --hidden --config "/srv/my gallery/services.toml"\n');
    expect(await readAutostartEntry(configHome)).toEqual({ enabled: true, command });
    await removeAutostartEntry(configHome);
    expect(await readAutostartEntry(configHome)).toEqual({ enabled: false, command: null });
    await removeAutostartEntry(configHome);
  });

  it('reads an entry the desktop disabled (GNOME Tweaks sets Hidden or the GNOME key) as off', async () => {
    await writeAutostartEntry(configHome, { exec: '/usr/bin/showrunner', args: ['--hidden'] });
    const file = autostartFilePath(configHome);
    await writeFile(file, (await readFile(file, 'utf8')).replace('Hidden=false', 'Hidden=true'));
    expect((await readAutostartEntry(configHome)).enabled).toBe(false);
    await writeFile(file, buildAutostartEntry({ exec: '/usr/bin/showrunner', args: [] }).replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(await readAutostartEntry(configHome)).toEqual({ enabled: false, command: { exec: '/usr/bin/showrunner', args: [] } });
  });
});
