// The top-level `[sync]` table: the built-in y-websocket server. Its presence turns it on
// unless `enabled = false`.
//
// Its token (issue 15): optional on loopback, where mrmd's editor and mrmd-monitor connect
// without one and the Origin allow-list keeps web pages out; required beyond loopback, where
// anyone on the network could otherwise edit documents that monitors run. `token_env` names
// an environment variable of the supervisor instead, so the secret stays out of the file.
import { isLoopbackHost } from '../net/loopback-host';
import { fieldPath, type FieldReader } from './field-reader';
import type { SyncSpec } from './manifest-types';
import { resolveManifestPath } from './resolve-manifest-path';
import type { TomlTable } from './toml-tree';

export const SYNC_KEYS = ['enabled', 'host', 'port', 'docs_dir', 'token', 'token_env'] as const;

export function readSync(reader: FieldReader, sync: TomlTable, root: string, env: NodeJS.ProcessEnv = process.env): SyncSpec {
  const path = 'sync';
  reader.checkKeys(sync, path, SYNC_KEYS);
  const docsDir = reader.string(sync, path, 'docs_dir') ?? 'docs';
  const spec: SyncSpec = {
    enabled: reader.boolean(sync, path, 'enabled') ?? true,
    host: reader.string(sync, path, 'host') ?? '127.0.0.1',
    port: reader.integer(sync, path, 'port', { min: 1, max: 65535 }) ?? 4444,
    docsDir: resolveManifestPath(root, docsDir),
  };
  const token = readToken(reader, sync, env);
  if (token !== undefined) spec.token = token;
  // A token key that is wrong is reported on its own; the host is then not the problem.
  const tokenKeyGiven = sync.entries.has('token') || sync.entries.has('token_env');
  if (spec.enabled && !tokenKeyGiven && !isLoopbackHost(spec.host)) {
    const at = sync.entries.get('host');
    reader.report(
      at?.node.pos ?? sync.pos,
      fieldPath(path, 'host'),
      `"${spec.host}" reaches beyond this machine: set [sync] token = "..." or token_env = "VARIABLE" (clients then pass ?token=)`,
    );
  }
  return spec;
}

function readToken(reader: FieldReader, sync: TomlTable, env: NodeJS.ProcessEnv): string | undefined {
  const path = 'sync';
  const literal = reader.string(sync, path, 'token');
  const variable = reader.string(sync, path, 'token_env');
  const literalAt = sync.entries.get('token');
  const variableAt = sync.entries.get('token_env');
  if (literal !== undefined && variable !== undefined) {
    reader.report(variableAt?.keyPos ?? sync.pos, fieldPath(path, 'token_env'), 'give either token or token_env, not both');
    return literal;
  }
  if (literal !== undefined) {
    if (literal.length < 16) {
      reader.report(literalAt?.node.pos ?? sync.pos, fieldPath(path, 'token'), 'a token needs at least 16 characters');
      return undefined;
    }
    return literal;
  }
  if (variable === undefined) return undefined;
  const value = env[variable];
  if (!value) {
    reader.report(variableAt?.node.pos ?? sync.pos, fieldPath(path, 'token_env'), `the environment variable ${variable} is not set (or empty)`);
    return undefined;
  }
  return value;
}
