import { describe, expect, it } from 'vitest';
import { editorDocOf, editorWindowUrl } from './editor-window-url';
import { editorWindowWebPreferences, mainWindowWebPreferences } from './main-window-preferences';

describe('the desktop app’s mrmd editor window', () => {
  it('is what the panel’s editor links ask for, and nothing else', () => {
    expect(editorDocOf('app://showrunner/editor/?doc=notes%2Ftoday')).toBe('notes/today');
    for (const url of ['app://showrunner/editor/', 'app://showrunner/?doc=a', 'app://other/editor/?doc=a', 'http://127.0.0.1:8080/editor/?doc=a', 'not a url']) expect(editorDocOf(url), url).toBeNull();
  });

  it('loads our page with the sync server and each runtime named in its query, read back as the page reads it', () => {
    const url = new URL(editorWindowUrl('notes', { sync: 'ws://127.0.0.1:4444', runtimes: { bash: 'http://127.0.0.1:8000/mrp/v1', python: 'http://127.0.0.1:8000/python/mrp/v1' } }));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('app://showrunner/editor/');
    expect(url.searchParams.get('doc')).toBe('notes');
    expect(url.searchParams.get('sync')).toBe('ws://127.0.0.1:4444');
    expect(url.searchParams.getAll('runtime')).toEqual(['bash=http://127.0.0.1:8000/mrp/v1', 'python=http://127.0.0.1:8000/python/mrp/v1']);
  });

  it('is sandboxed like the main window (its preferences without the preload)', () => {
    const editor = editorWindowWebPreferences();
    expect(editor.preload).toBeUndefined();
    const { preload: _main, ...main } = mainWindowWebPreferences('/x/preload.cjs');
    expect(editor).toEqual(main);
    expect(editor).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
  });
});
