// The desktop app's mrmd editor window (issue 24) as data, testable without Electron: which
// `window.open` URLs ask for it, and the URL the window loads. The app has no HTTP API for the
// page to ask, so the window's URL names the sync server and the runtimes itself.
import { APP_ORIGIN } from './sender-policy';

export interface EditorParts {
  sync: string;
  runtimes: Record<string, string>;
}

/** The document a `window.open`/link URL asks the editor for, or null when it is not one. */
export function editorDocOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN || parsed.pathname !== '/editor/') return null;
  return parsed.searchParams.get('doc') || null;
}

export function editorWindowUrl(doc: string, parts: EditorParts): string {
  const query = new URLSearchParams({ doc, sync: parts.sync });
  for (const [language, url] of Object.entries(parts.runtimes)) query.append('runtime', `${language}=${url}`);
  return `${APP_ORIGIN}/editor/?${query.toString()}`;
}
