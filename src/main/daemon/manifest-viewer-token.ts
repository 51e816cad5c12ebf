// The manifest's `[access]` viewer token for `serve`, read when the daemon starts (before it
// listens), from that table alone: a problem elsewhere in the manifest does not lock the viewer
// out. Problems in `[access]` itself are the manifest's (check and the panel show them).
import { dirname, resolve } from 'node:path';
import { FieldReader } from '../engine/config/field-reader';
import { readAccess } from '../engine/config/read-access';
import { readManifestText } from '../engine/config/read-manifest-text';
import { parseTomlTree } from '../engine/config/toml-tree';

export async function manifestViewerToken(manifestPath: string): Promise<string | undefined> {
  const read = await readManifestText(manifestPath);
  if (!read.ok) return undefined;
  const tree = parseTomlTree(read.text.startsWith('\uFEFF') ? read.text.slice(1) : read.text);
  if (!tree.ok) return undefined;
  const reader = new FieldReader(manifestPath);
  const table = reader.table(tree.root, '', 'access');
  return table ? readAccess(reader, table, dirname(resolve(manifestPath))).viewerToken : undefined;
}
