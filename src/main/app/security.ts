// The Electron security checklist, applied to every web contents we create: no new windows, no
// navigation away from our origin, no webviews, no permission grants.
import { app, session, shell, type WebContents } from 'electron';
import { isAppUrl } from './sender-policy';
import { editorDocOf } from './editor-window-url';

export function hardenWebContents(devServerUrl: string | null, log: (line: string) => void, openEditor?: (doc: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // The panel's "Open in editor" (app://showrunner/editor/?doc=…): our own editor window.
      const doc = editorDocOf(url);
      if (doc !== null && openEditor) openEditor(doc);
      // Links to the web (docs, a service's own page) open in the user's browser, never in ours.
      else if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      else log(`blocked window.open to ${url}`);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) {
        event.preventDefault();
        log(`blocked navigation to ${url}`);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
