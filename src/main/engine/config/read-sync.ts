// The top-level `[sync]` table: the built-in y-websocket server. Its presence turns it on
// unless `enabled = false`.
import type { FieldReader } from './field-reader';
import type { SyncSpec } from './manifest-types';
import { resolveManifestPath } from './resolve-manifest-path';
import type { TomlTable } from './toml-tree';

export const SYNC_KEYS = ['enabled', 'host', 'port', 'docs_dir'] as const;

export function readSync(reader: FieldReader, sync: TomlTable, root: string): SyncSpec {
  const path = 'sync';
  reader.checkKeys(sync, path, SYNC_KEYS);
  const docsDir = reader.string(sync, path, 'docs_dir') ?? 'docs';
  return {
    enabled: reader.boolean(sync, path, 'enabled') ?? true,
    host: reader.string(sync, path, 'host') ?? '127.0.0.1',
    port: reader.integer(sync, path, 'port', { min: 1, max: 65535 }) ?? 4444,
    docsDir: resolveManifestPath(root, docsDir),
  };
}

