// What the mrmd editor page (issue 24) may load and reach, for both shells that serve it: the
// daemon (daemon/editor-route.ts) and the desktop app (app/app-protocol.ts).

const VENDOR_FILE = /^(mrmd\.iife\.js|LICENSE|assets\/fonts\/[\w.-]+\.(woff2|ttf))$/;

/** A path under /editor/ (decoded, without the prefix) that names one of the bundle's files. */
export function isEditorFile(rest: string): boolean {
  return VENDOR_FILE.test(rest);
}

/** The origins of the sync server and the runtimes in `/api/urls` (`{sync, runtimes}`). */
export function partOrigins(urls: Record<string, unknown>): string[] {
  const runtimes = (urls.runtimes ?? {}) as Record<string, unknown>;
  const origins = new Set<string>();
  for (const value of [urls.sync, ...Object.values(runtimes)]) {
    if (typeof value !== 'string') continue;
    try {
      const parsed = new URL(value);
      origins.add(`${parsed.protocol}//${parsed.host}`);
    } catch {
      // A malformed configured URL only leaves its origin out of the page's CSP.
    }
  }
  return [...origins];
}
