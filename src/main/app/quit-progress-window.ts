// A small window saying "Stopping N services…" while Quit stops them (issue 11), so a quit that
// takes a stop timeout or two does not look like a hang. Static HTML from quit-plan.ts: no
// preload, no script, its own CSP.
import { BrowserWindow } from 'electron';
import { quitProgressHtml } from './quit-plan';

export interface QuitProgressWindow {
  update(message: string): void;
  close(): void;
}

export function showQuitProgressWindow(message: string, iconPath?: string): QuitProgressWindow {
  const window = new BrowserWindow({
    width: 380,
    height: 110,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    closable: false,
    alwaysOnTop: true,
    title: 'Showrunner',
    icon: iconPath,
    autoHideMenuBar: true,
    backgroundColor: '#1b2029',
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
  });
  const load = (text: string) => void window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(quitProgressHtml(text))}`);
  load(message);
  let last = message;
  return {
    update(next) {
      if (next === last || window.isDestroyed()) return;
      last = next;
      load(next);
    },
    close() {
      if (!window.isDestroyed()) window.destroy();
    },
  };
}
