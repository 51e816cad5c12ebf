// The one window: sandboxed, isolated, no Node, loading our own origin only.
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { mainOutDir } from '../resource-paths';
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
    webPreferences: {
      preload: join(mainOutDir(), '..', 'preload', 'index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}
