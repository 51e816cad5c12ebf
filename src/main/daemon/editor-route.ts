// The real mrmd editor under `showrunner mrmd` (issue 24): `/editor/?doc=NAME` is our page
// (src/renderer/editor/, built with the panel) around mrmd-electron's bundle, whose files come
// from the vendor folder scripts/fetch-mrmd-editor.mjs fills. Like the panel, the page and its
// files hold no secret and need no token; the page calls the API with the token it was given.
// Without the bundle the page says how to get it; under `serve` there is no editor (its runtime
// needs a token the bundle cannot send), and /editor/ says so.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { editorCsp } from '../../shared/csp';
import { contentTypes } from './static-files';
import { isEditorFile, partOrigins } from '../../shared/mrmd-editor-files';

export { partOrigins };

export interface EditorRouteOptions {
  /** The fetched bundle's folder; null: this daemon serves no editor (not `mrmd`, or `--no-editor`). */
  editorDir: string | null;
  /** The built renderer, which holds the page (editor/index.html) and its script. */
  rendererDir: string | null;
  /** Origins of the sync server and runtimes the page talks to, for its CSP. */
  partOrigins: () => string[];
}

/** The vendor files the page may load: the bundle, its licence and the fonts its CSS names. */
const BUNDLE_FILE = 'mrmd.iife.js';

export const FETCH_HINT = 'node scripts/fetch-mrmd-editor.mjs';

/** Answers `/editor…` and mrmd's `/examples/minimal.html`; false for any other path. */
export async function serveEditorRoute(url: URL, request: IncomingMessage, response: ServerResponse, options: EditorRouteOptions): Promise<boolean> {
  const { pathname } = url;
  // mrmd-orchestrator's start page (seed 000), and the folder without its slash (the bundle
  // loads its fonts relative to the page): one same-origin hop, no token involved.
  if (pathname === '/examples/minimal.html' || pathname === '/editor') {
    response.writeHead(302, { Location: `/editor/${url.search}`, 'Cache-Control': 'no-store' });
    response.end();
    return true;
  }
  if (!pathname.startsWith('/editor/')) return false;
  const { editorDir, rendererDir } = options;
  if (!editorDir) {
    sendHtml(response, 404, 'No editor here', '<p>The mrmd editor is served by <code>showrunner mrmd</code>. This daemon serves the panel only.</p>');
    return true;
  }
  const rest = pathname.slice('/editor/'.length);
  if (rest === '' || rest === 'index.html') {
    if (!(await isFile(join(editorDir, BUNDLE_FILE)))) {
      sendHtml(
        response,
        503,
        'The mrmd editor is not installed',
        `<p>The editor comes from the npm package <code>mrmd-electron</code> 0.5.4 (MIT), fetched apart from this app's dependencies. In the Showrunner checkout, run</p><pre><code>${FETCH_HINT}</code></pre><p>(or any of <code>npm run build</code>, <code>npm start</code>, <code>npm test</code>, which run it) and reload this page. Looked in <code>${escapeHtml(editorDir)}</code>.</p>`,
      );
      return true;
    }
    const page = rendererDir ? join(rendererDir, 'editor', 'index.html') : null;
    if (!page || !(await isFile(page))) {
      sendHtml(response, 503, 'The editor page is not built', '<p>Run <code>npm run build</code> and reload this page.</p>');
      return true;
    }
    await sendFile(request, response, page, { 'Content-Security-Policy': editorCsp(options.partOrigins()), 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' });
    return true;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    decoded = '';
  }
  const file = normalize(join(editorDir, decoded));
  if (!isEditorFile(decoded) || !file.startsWith(normalize(editorDir + sep)) || !(await isFile(file))) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    response.end(decoded === BUNDLE_FILE ? `The mrmd editor bundle is not installed: run \`${FETCH_HINT}\`.` : 'not found');
    return true;
  }
  await sendFile(request, response, file, { 'Cache-Control': 'max-age=3600' });
  return true;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() === true;
}

async function sendFile(request: IncomingMessage, response: ServerResponse, file: string, extra: Record<string, string>): Promise<void> {
  const info = await stat(file);
  const type = extname(file) === '' ? 'text/plain; charset=utf-8' : (contentTypes[extname(file)] ?? 'application/octet-stream');
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...extra });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}

function sendHtml(response: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  response.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

