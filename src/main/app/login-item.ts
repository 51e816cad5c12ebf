// Start at login (issue 11), the electron binding. macOS and Windows: setLoginItemSettings;
// Linux: the XDG autostart entry (autostart-entry.ts), since Electron does nothing there.
// The launch is `--hidden` (no window, supervise at once) with `--config` for a non-demo
// manifest; when the manifest changes and start at login is on, `refresh` rewrites it.
import { app } from 'electron';
import { loginLaunchCommand, readAutostartEntry, removeAutostartEntry, writeAutostartEntry, xdgConfigHome, type LaunchCommand } from './autostart-entry';

export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
  /** Rewrites the entry for the current manifest when start at login is on. */
  refresh(): Promise<void>;
}

export interface LoginItemOptions {
  manifestPath: () => string;
  demoManifestPath: string;
  log: (line: string) => void;
}

/** Null in an unpackaged build: its login item would start a bare Electron without our app. */
export function createLoginItem({ manifestPath, demoManifestPath, log }: LoginItemOptions): LoginItem | null {
  if (!app.isPackaged) return null;
  const command = (): LaunchCommand => loginLaunchCommand({ env: process.env, execPath: process.execPath, manifestPath: manifestPath(), demoManifestPath });

  if (process.platform === 'linux') {
    const configHome = xdgConfigHome(process.env);
    const item: LoginItem = {
      isEnabled: async () => (await readAutostartEntry(configHome)).enabled,
      async setEnabled(enabled) {
        if (enabled) log(`start at login: wrote ${await writeAutostartEntry(configHome, command())}`);
        else await removeAutostartEntry(configHome);
      },
      async refresh() {
        if (await item.isEnabled()) await item.setEnabled(true);
      },
    };
    return item;
  }

  // Windows stores args as one command line: paths need quotes (Electron's docs say so).
  const args = () => command().args.map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg));
  const item: LoginItem = {
    async isEnabled() {
      const settings = app.getLoginItemSettings(process.platform === 'win32' ? { path: process.execPath, args: args() } : undefined);
      return process.platform === 'win32' ? settings.executableWillLaunchAtLogin || settings.openAtLogin : settings.openAtLogin;
    },
    async setEnabled(enabled) {
      app.setLoginItemSettings(process.platform === 'win32' ? { openAtLogin: enabled, path: process.execPath, args: args() } : { openAtLogin: enabled });
    },
    async refresh() {
      if (process.platform === 'win32' && (await item.isEnabled())) await item.setEnabled(true);
    },
  };
  return item;
}

/** macOS login items take no arguments: an app opened at login starts hidden as with --hidden. */
export function openedAtLogin(): boolean {
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
