// The top-level `[monitors]` table: where monitor peers find the sync server, which MRP
// runtime runs each language, which runtime URLs documents may name, and which documents
// get a monitor at start.
import { fieldPath, type FieldReader } from './field-reader';
import type { MonitorsSpec } from './manifest-types';
import { docNameProblem } from '../../../shared/doc-name';
import type { TomlNode, TomlTable } from './toml-tree';

export const MONITORS_KEYS = ['sync_url', 'runtimes', 'allowed_runtime_urls', 'documents'] as const;

const HTTP = ['http:', 'https:'];

export function readMonitors(reader: FieldReader, monitors: TomlTable): MonitorsSpec {
  const path = 'monitors';
  reader.checkKeys(monitors, path, MONITORS_KEYS);
  const spec: MonitorsSpec = {
    runtimes: {},
    allowedRuntimeUrls:
      reader.array(monitors, path, 'allowed_runtime_urls', (node, field) => reader.urlValue(node, field, HTTP)) ?? [],
    documents: reader.array(monitors, path, 'documents', (node, field) => documentName(reader, node, field)) ?? [],
  };
  const syncUrl = monitors.entries.get('sync_url');
  if (syncUrl) {
    const url = reader.urlValue(syncUrl.node, fieldPath(path, 'sync_url'), ['ws:', 'wss:']);
    if (url !== undefined) spec.syncUrl = url;
  }
  const runtimes = reader.table(monitors, path, 'runtimes');
  for (const [language, entry] of runtimes?.entries ?? []) {
    const url = reader.urlValue(entry.node, fieldPath(fieldPath(path, 'runtimes'), language), HTTP);
    if (url !== undefined) spec.runtimes[language] = url;
  }
  return spec;
}

/** The sync server's rules for a document name (doc-name.ts), as a manifest problem. */
function documentName(reader: FieldReader, node: TomlNode, field: string): string | undefined {
  const name = reader.stringValue(node, field);
  if (name === undefined) return undefined;
  const problem = docNameProblem(name);
  if (problem === null) return name;
  reader.report(node.pos, field, problem);
  return undefined;
}
