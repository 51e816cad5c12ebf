// Serves the built renderer from `app://showrunner/…` instead of file://, so the page has a real
// origin the IPC sender check can pin, and every response carries our CSP.
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rendererCsp } from '../../shared/csp';
import { APP_HOST, APP_SCHEME } from './sender-policy';
import { existsSync } from 'node:fs';
import { editorCsp } from '../../shared/csp';
import { isEditorFile, partOrigins } from '../../shared/mrmd-editor-files';
import type { EditorParts } from './editor-window-url';

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** The mrmd editor window's files (issue 24): the fetched bundle, and the engine's parts. */
export interface AppEditorSource {
  dir: string;
  /** The local engine's sync server and runtimes; null when it has no sync server. */
  parts(): EditorParts | null;
}

export function serveRendererOverAppScheme(rendererDir: string, editor?: AppEditorSource): void {
  const root = normalize(rendererDir + sep);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    if (url.pathname.startsWith('/editor/')) return serveEditor(url, request.method, rendererDir, editor);
    let file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) return new Response('forbidden', { status: 403 });
    if (url.pathname === '/' || url.pathname === '') file = join(root, 'index.html');
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', rendererCsp(null));
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

/**
 * /editor/: the page (under the editor's CSP) once the engine has a sync server and the bundle
 * is fetched, else 404 (the panel's probe then shows no editor links); the bundle's files.
 */
async function serveEditor(url: URL, method: string, rendererDir: string, editor: AppEditorSource | undefined): Promise<Response> {
  const parts = editor?.parts() ?? null;
  if (!editor || !parts || !existsSync(join(editor.dir, 'mrmd.iife.js'))) return new Response('no mrmd editor here', { status: 404 });
  const rest = decodeURIComponent(url.pathname.slice('/editor/'.length));
  const page = rest === '' || rest === 'index.html';
  if (!page && !isEditorFile(rest)) return new Response('not found', { status: 404 });
  const file = page ? join(rendererDir, 'editor', 'index.html') : join(editor.dir, rest);
  const response = await net.fetch(pathToFileURL(file).toString());
  const headers = new Headers(response.headers);
  headers.set('X-Content-Type-Options', 'nosniff');
  if (page) headers.set('Content-Security-Policy', editorCsp(partOrigins({ sync: parts.sync, runtimes: parts.runtimes })));
  return new Response(method === 'HEAD' ? null : response.body, { status: response.status, headers });
}
