// The keys of a `kind = "compose"` service (issue 19): which compose project and service it
// is. Such a service has no `command`; the supervisor drives `docker compose` instead
// (compose/compose-launcher.ts). Keys that only make sense for one kind are refused on the
// other, each at its own line, so a half-converted table never loads silently.
import { relative } from 'node:path';
import type { ComposeSpec } from './manifest-types';
import { fieldPath, type FieldReader } from './field-reader';
import { resolveManifestPath } from './resolve-manifest-path';
import type { TomlTable } from './toml-tree';

export const SERVICE_KINDS = ['process', 'compose'] as const;
export const COMPOSE_KEYS = ['project_dir', 'compose_file', 'compose_service', 'protected', 'verify_timeout_seconds'] as const;
/** Keys of a process service that a compose service has no use for. */
const PROCESS_ONLY_KEYS = ['command', 'testing_command', 'venv', 'pty', 'working_dir'] as const;
const DEFAULT_VERIFY_MS = 60_000;
const COMPOSE_SERVICE_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The service's kind, and the compose keys checked against it. */
export function readServiceKind(reader: FieldReader, table: TomlTable, path: string): 'process' | 'compose' {
  const kind = reader.word(table, path, 'kind', SERVICE_KINDS) ?? 'process';
  const misplaced = kind === 'compose' ? PROCESS_ONLY_KEYS : COMPOSE_KEYS;
  for (const key of misplaced) {
    const entry = table.entries.get(key);
    if (!entry) continue;
    const message =
      kind === 'compose'
        ? `"${key}" is not used by a kind = "compose" service (docker compose runs it)`
        : `"${key}" only applies to kind = "compose" services`;
    reader.report(entry.keyPos, fieldPath(path, key), message);
  }
  return kind;
}

export function readCompose(reader: FieldReader, table: TomlTable, path: string, name: string, root: string, at: TomlTable['pos']): ComposeSpec {
  const projectDir = resolveManifestPath(root, reader.string(table, path, 'project_dir', at) ?? '.');
  const file = reader.string(table, path, 'compose_file') ?? 'compose.yaml';
  const serviceNode = reader.node(table, path, 'compose_service');
  let service = name;
  if (serviceNode) {
    const value = reader.stringValue(serviceNode, fieldPath(path, 'compose_service'));
    if (value !== undefined && !COMPOSE_SERVICE_PATTERN.test(value)) {
      reader.report(serviceNode.pos, fieldPath(path, 'compose_service'), `"${value}" is not a compose service name (letters, digits, ".", "_", "-")`);
    } else if (value !== undefined) service = value;
  }
  return {
    projectDir,
    file: resolveManifestPath(projectDir, file),
    service,
    protected: reader.boolean(table, path, 'protected') ?? false,
    verifyTimeoutMs: reader.seconds(table, path, 'verify_timeout_seconds', { min: 0, exclusiveMin: true }) ?? DEFAULT_VERIFY_MS,
  };
}

/** What the panel shows as the service's command: the compose call that runs it. */
export function composeCommandLabel(compose: ComposeSpec): string {
  return `docker compose -f ${relative(compose.projectDir, compose.file)} up ${compose.service}`;
}
