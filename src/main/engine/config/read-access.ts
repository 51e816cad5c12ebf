// The top-level `[access]` table (issue 18): who may look at the daemon without changing it.
//
//   [access]
//   viewer_token_file = "viewer.token"   # relative to the manifest; mode 0600; 16+ characters
//
// A token written in the manifest itself is refused: a manifest is read by everyone who may
// read the project (and its history), so the secret lives in a file of its own that only the
// daemon's user reads, or in SHOWRUNNER_VIEWER_TOKEN / `serve --viewer-token`, which win over it.
import { readFileSync, statSync } from 'node:fs';
import { fieldPath, type FieldReader } from './field-reader';
import type { AccessSpec } from './manifest-types';
import { resolveManifestPath } from './resolve-manifest-path';
import type { TomlTable } from './toml-tree';

export const ACCESS_KEYS = ['viewer_token_file', 'viewer_token'] as const;
const MIN_VIEWER_TOKEN_LENGTH = 16;
const MAX_TOKEN_FILE_BYTES = 4096;

export function readAccess(reader: FieldReader, access: TomlTable, manifestDir: string): AccessSpec {
  const path = 'access';
  reader.checkKeys(access, path, ACCESS_KEYS);
  const literal = access.entries.get('viewer_token');
  if (literal) {
    reader.report(
      literal.node.pos,
      fieldPath(path, 'viewer_token'),
      'a token in the manifest is readable by whoever reads the manifest: put it in a file of its own (viewer_token_file = "viewer.token", mode 0600) or pass SHOWRUNNER_VIEWER_TOKEN',
    );
  }
  const given = reader.string(access, path, 'viewer_token_file');
  if (given === undefined) return {};
  const at = access.entries.get('viewer_token_file')!.node.pos;
  const field = fieldPath(path, 'viewer_token_file');
  const file = resolveManifestPath(manifestDir, given);
  let text: string;
  try {
    const info = statSync(file);
    if (!info.isFile()) {
      reader.report(at, field, `${file} is not a regular file`);
      return {};
    }
    if (info.size > MAX_TOKEN_FILE_BYTES) {
      reader.report(at, field, `${file} is ${info.size} bytes; a token file holds one token`);
      return {};
    }
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      reader.report(at, field, `${file} may be read by other users (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
      return {};
    }
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    reader.report(at, field, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return {};
  }
  if (text.length < MIN_VIEWER_TOKEN_LENGTH || /\s/.test(text)) {
    reader.report(at, field, `${file} must hold one token of at least ${MIN_VIEWER_TOKEN_LENGTH} characters, without spaces`);
    return {};
  }
  return { viewerToken: text, viewerTokenFile: file };
}
