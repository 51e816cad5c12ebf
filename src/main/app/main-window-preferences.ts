// The main window's webPreferences as data, so the security checklist test can read them
// without Electron (issue 11). main-window.ts passes this to its BrowserWindow.
import type { WebPreferences } from 'electron';

export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** The mrmd editor window's (issue 24): the main window's, without the preload (it calls no contract method). */
export function editorWindowWebPreferences(): WebPreferences {
  const { preload: _none, ...rest } = mainWindowWebPreferences('');
  return rest;
}
