// One Content-Security-Policy for the renderer, in the desktop app (app://) and in a browser
// against the daemon: no eval, no remote content; inline styles are needed by React Flow's
// positioned nodes and xterm's measured rows.
export function rendererCsp(socketOrigin: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${socketOrigin ? ' ' + socketOrigin : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The mrmd editor page (/editor/, issue 24): as the panel's, plus the sync server's WebSocket
 * and the runtimes it talks to (`connect-src`; runtime images in `img-src`). Still no
 * `unsafe-eval`: the bundle's in-browser JavaScript runtime stays off, cells run on our runtime.
 */
export function editorCsp(partOrigins: string[]): string {
  const parts = partOrigins.length ? ' ' + partOrigins.join(' ') : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${parts}`,
    "font-src 'self' data:",
    `connect-src 'self'${parts}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
