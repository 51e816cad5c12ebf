// Maps a y-websocket room name to its markdown file, as mrmd-sync does (`notes/daily` →
// `<docs>/notes/daily.md`), while keeping every name inside the docs folder: a client chooses
// the name, and the server writes the file.
import path from 'node:path';

export type DocFilePath =
  /** `key` is the file path relative to docsDir, so `notes` and `notes.md` share one document. */
  | { ok: true; key: string; file: string }
  | { ok: false; reason: string };

export function docFilePath(docsDir: string, name: string): DocFilePath {
  if (name.length === 0) return { ok: false, reason: 'empty document name' };
  if (name.includes('\0')) return { ok: false, reason: 'document name contains NUL' };
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) {
    return { ok: false, reason: `absolute document name ${JSON.stringify(name)}` };
  }
  const segments = name.split(/[\\/]/);
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      return { ok: false, reason: `document name ${JSON.stringify(name)} has an empty, . or .. segment` };
    }
    // Hidden names are refused: they would reach our snapshot folder or files like .git.
    if (segment.startsWith('.')) {
      return { ok: false, reason: `document name ${JSON.stringify(name)} has a hidden segment` };
    }
  }
  const relative = segments.join('/');
  const key = relative.toLowerCase().endsWith('.md') ? relative : `${relative}.md`;
  const root = path.resolve(docsDir);
  const file = path.resolve(root, key);
  const inside = path.relative(root, file);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    return { ok: false, reason: `document name ${JSON.stringify(name)} leaves the docs folder` };
  }
  return { ok: true, key, file };
}
