// The top-level `[monitors]` table: where monitor peers find the sync server, which MRP
// runtime runs each language, which runtime URLs documents may name, and which documents
// get a monitor at start, and which Python the built-in runtime runs (`python`: an interpreter,
// a virtual environment's folder, or a command name on PATH).
import { resolvePythonInterpreter } from '../mrp/python-interpreter';
import { resolveManifestPath } from './resolve-manifest-path';
import { fieldPath, type FieldReader } from './field-reader';
import type { MonitorsSpec } from './manifest-types';
import { docNameProblem } from '../../../shared/doc-name';
import type { TomlNode, TomlTable } from './toml-tree';

export const MONITORS_KEYS = ['sync_url', 'runtimes', 'allowed_runtime_urls', 'documents', 'python'] as const;

const HTTP = ['http:', 'https:'];

export function readMonitors(reader: FieldReader, monitors: TomlTable, root: string, env: NodeJS.ProcessEnv = process.env): MonitorsSpec {
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
  const python = monitors.entries.get('python');
  if (python) {
    const field = fieldPath(path, 'python');
    const setting = reader.stringValue(python.node, field);
    if (setting !== undefined) {
      // A relative path resolves against the root; a bare name that is no file there is a command.
      const interpreter =
        resolvePythonInterpreter(resolveManifestPath(root, setting), env) ?? (setting.includes('/') ? null : resolvePythonInterpreter(setting, env));
      if (interpreter === null) {
        reader.report(python.node.pos, field, `no python interpreter at "${setting}" (give an executable, a virtual environment's folder, or a command on PATH)`);
      } else spec.python = interpreter;
    }
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
