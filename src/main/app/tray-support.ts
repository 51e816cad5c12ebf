// Whether the desktop shows tray icons at all (issue 11). Electron creates a Tray on stock GNOME
// without complaint, but nothing draws it: GNOME Shell dropped the legacy tray and shows
// StatusNotifier/AppIndicator icons only through an extension. If the window then hid on
// close, the operator could not get it back, so without a tray closing minimizes instead.
//
// The rule (documented in docs/desktop.md):
//   1. SHOWRUNNER_TRAY=on|off (or the `override` setting) wins.
//   2. Windows and macOS always have one (notification area, menu bar).
//   3. Linux: XDG_CURRENT_DESKTOP is a colon list ("ubuntu:GNOME"). A GNOME Shell session has
//      a tray only when a known AppIndicator extension is installed, per user or system wide.
//      Installed is taken as enabled: reading GNOME's enabled list needs gsettings, and Ubuntu
//      and Fedora enable the system-wide packages they ship.
//   4. An empty desktop (a bare kiosk X session, a window manager only) has none.
//   5. Any other desktop (KDE, Xfce, Cinnamon, MATE, LXQt, Budgie) has one.
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APPINDICATOR_EXTENSIONS = [
  'appindicatorsupport@rgcjonas.gmail.com',
  'ubuntu-appindicators@ubuntu.com',
  'status-icons@gnome-shell-extensions.gcampax.github.com',
  'TopIcons@phocean.net',
  'trayIconsReloaded@selfmade.pl',
];

const GNOME_SHELL_SESSIONS = new Set(['gnome', 'gnome-classic', 'ubuntu', 'pop', 'zorin', 'endless']);

export interface TraySupport {
  hasTray: boolean;
  reason: string;
}

export interface TraySupportInput {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Folder names under the gnome-shell extension dirs (see listShellExtensions). */
  installedExtensions: readonly string[];
  override?: 'auto' | 'on' | 'off';
}

export function detectTraySupport({ platform, env, installedExtensions, override = 'auto' }: TraySupportInput): TraySupport {
  const forced = parseOverride(env.SHOWRUNNER_TRAY) ?? (override === 'auto' ? null : override);
  if (forced) return { hasTray: forced === 'on', reason: `forced ${forced}` };
  if (platform === 'win32') return { hasTray: true, reason: 'Windows notification area' };
  if (platform === 'darwin') return { hasTray: true, reason: 'macOS menu bar' };
  const desktops = (env.XDG_CURRENT_DESKTOP ?? '').split(':').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (desktops.length === 0) return { hasTray: false, reason: 'no desktop environment (XDG_CURRENT_DESKTOP is empty)' };
  if (desktops.includes('gnome-flashback')) return { hasTray: true, reason: 'GNOME Flashback has a notification area' };
  // The first entry names the shell: "ubuntu:GNOME" and "pop:GNOME" are GNOME Shell, while
  // "Budgie:GNOME" is Budgie (which has a tray) on GNOME libraries.
  if (GNOME_SHELL_SESSIONS.has(desktops[0])) {
    const found = APPINDICATOR_EXTENSIONS.find((id) => installedExtensions.includes(id));
    return found ? { hasTray: true, reason: `GNOME with ${found}` } : { hasTray: false, reason: 'GNOME without an AppIndicator extension' };
  }
  return { hasTray: true, reason: `${desktops.join(':')} has a system tray` };
}

/** What closing the main window does: without a tray, hiding would lose the window. */
export function windowCloseAction(support: TraySupport): 'hide' | 'minimize' {
  return support.hasTray ? 'hide' : 'minimize';
}

export function gnomeExtensionDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dataHome = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [join(dataHome, 'gnome-shell', 'extensions'), ...dataDirs.map((dir) => join(dir, 'gnome-shell', 'extensions'))];
}

export async function listShellExtensions(dirs: readonly string[] = gnomeExtensionDirs()): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of dirs) {
    try {
      for (const name of await readdir(dir)) found.add(name);
    } catch {
      // A missing folder just has no extensions.
    }
  }
  return [...found];
}

function parseOverride(value: string | undefined): 'on' | 'off' | null {
  const word = value?.trim().toLowerCase();
  if (word === 'on' || word === '1' || word === 'true' || word === 'yes') return 'on';
  if (word === 'off' || word === '0' || word === 'false' || word === 'no') return 'off';
  return null;
}
