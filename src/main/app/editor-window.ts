// The mrmd editor in a window of the desktop app (issue 24): the page `showrunner mrmd` serves,
// loaded from app://showrunner/editor/ (app-protocol.ts) in a window sandboxed like the main
// one, without the preload (the page calls no contract method). The document's monitor is
// started first, as the daemon's /api/runtimes does.
import { BrowserWindow } from 'electron';
import { editorWindowWebPreferences } from './main-window-preferences';
import { editorWindowUrl, type EditorParts } from './editor-window-url';

export interface EditorWindowOptions {
  /** Starts the document's monitor and says where the parts are; null: this engine has none. */
  prepare(doc: string): Promise<EditorParts | null>;
  iconPath?: string;
  log: (line: string) => void;
}

export async function openEditorWindow(doc: string, { prepare, iconPath, log }: EditorWindowOptions): Promise<void> {
  const parts = await prepare(doc);
  if (!parts) {
    log(`no mrmd editor for ${doc}: this engine runs no sync server`);
    return;
  }
  const window = new BrowserWindow({ width: 1100, height: 820, show: false, title: `${doc} · mrmd editor`, icon: iconPath, autoHideMenuBar: true, webPreferences: editorWindowWebPreferences() });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(editorWindowUrl(doc, parts));
}
