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
