// The one window: sandboxed, isolated, no Node, loading our own origin only.
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { mainOutDir } from '../resource-paths';
import { mainWindowWebPreferences } from './main-window-preferences';
import { APP_ORIGIN } from './sender-policy';

export function createMainWindow(devServerUrl: string | null, iconPath?: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Showrunner',
    icon: iconPath,
    autoHideMenuBar: true,
    webPreferences: mainWindowWebPreferences(join(mainOutDir(), '..', 'preload', 'index.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}
