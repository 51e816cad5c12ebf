// Serves the built renderer with the same Content-Security-Policy the desktop app enforces.
// Paths are confined to the renderer folder; unknown paths fall back to index.html (one page).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { rendererCsp } from '../../shared/csp';

export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

export async function serveStaticFile(
  rootDir: string,
  pathname: string,
  request: IncomingMessage,
  response: ServerResponse,
  socketOrigin: string,
): Promise<void> {
  const root = normalize(rootDir + sep);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = '/';
  }
  let file = normalize(join(root, decoded));
  if (!file.startsWith(root) || decoded.includes('\0')) file = join(root, 'index.html');
  let info = await stat(file).catch(() => null);
  if (!info || !info.isFile()) {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('The renderer is not built: run `npm run build`.');
    return;
  }
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  };
  if (type.startsWith('text/html')) {
    headers['Content-Security-Policy'] = rendererCsp(socketOrigin);
    headers['X-Frame-Options'] = 'DENY';
  }
  response.writeHead(200, headers);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}
