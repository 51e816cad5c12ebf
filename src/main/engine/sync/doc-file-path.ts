// Maps a y-websocket room name to its markdown file, as mrmd-sync does (`notes/daily` →
// `<docs>/notes/daily.md`), while keeping every name inside the docs folder: a client chooses
// the name, and the server writes the file.
import path from 'node:path';
import { docNameProblem } from '../../../shared/doc-name';

export type DocFilePath =
  /** `key` is the file path relative to docsDir, so `notes` and `notes.md` share one document. */
  | { ok: true; key: string; file: string }
  | { ok: false; reason: string };

export function docFilePath(docsDir: string, name: string): DocFilePath {
  const problem = docNameProblem(name);
  if (problem !== null) return { ok: false, reason: problem };
  const relative = name.split(/[\\/]/).join('/');
  const key = relative.toLowerCase().endsWith('.md') ? relative : `${relative}.md`;
  const root = path.resolve(docsDir);
  const file = path.resolve(root, key);
  const inside = path.relative(root, file);
  // Belt and braces: the name rules above already keep it inside.
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    return { ok: false, reason: `document name ${JSON.stringify(name)} leaves the docs folder` };
  }
  return { ok: true, key, file };
}
