// services.toml text → a validated, normalized Manifest, or every problem found with its
// position (ARCHITECTURE.md §3, §8). Never throws: an operator's half-typed file, bad bytes or
// a value out of range all end as problems, so a reload can never take the engine down.
import { ORCHESTRATOR_LOG, RUNS_LOG_DIR, RUNTIME_SERVICE, SYNC_SERVICE } from '../../../shared/reserved-names';
import { readLogs } from './read-logs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ManifestProblem } from '../../../shared/model';
import { FieldReader, fieldPath } from './field-reader';
import type { LoadResult, Manifest } from './manifest-types';
import { readMonitors } from './read-monitors';
import { BUILT_IN_DEFAULTS, ON_DEPENDENCY_DOWN, readService, type ServiceDefaults, type ServiceDraft } from './read-service';
import { readSchedules } from './read-schedules';
import { readSync } from './read-sync';
import { readAccess } from './read-access';
import { readAlerts } from './read-alerts';
import { resolveDependencies } from './resolve-dependencies';
import { resolveManifestPath } from './resolve-manifest-path';
import { selectServices } from './select-services';
import { parseTomlTreeFast } from './fast-toml-tree';
import { parseTomlTree, type TomlTable } from './toml-tree';
import type { TomlPosition } from './toml-position';

export interface ManifestLoadOptions {
  /** `--services A B`: these and everything they depend on. */
  services?: string[];
  /** `--testing`: run `testing_command` where a service has one. */
  testing?: boolean;
  /** `--root`: overrides the manifest's `root`; relative to the working directory. */
  root?: string;
  /** `--log-dir`: overrides `logs/` beside the manifest; relative to the working directory. */
  logDir?: string;
}

export const TOP_LEVEL_KEYS = ['root', 'defaults', 'services', 'sync', 'monitors', 'logs', 'alerts', 'access', 'schedules'] as const;
export const DEFAULTS_KEYS = [
  'restart_delay_seconds',
  'stop_timeout_seconds',
  'max_restart_delay_seconds',
  'max_restarts',
  'restart_window_seconds',
  'on_dependency_down',
] as const;

/** Folders of `logs/` Showrunner uses itself: the supervisor's own log and the roll-outs' runs. */
const RESERVED_NAMES = [ORCHESTRATOR_LOG, RUNS_LOG_DIR];

/** The services the management API added (services.api.toml beside the manifest; issue 17). */
export interface OverlaySource {
  file: string;
  text: string;
}

export function parseManifest(text: string, file: string, options: ManifestLoadOptions = {}, overlay?: OverlaySource): LoadResult {
  try {
    return parse(text, file, options, overlay);
  } catch (error) {
    // A bug of ours, or a stack overflow on absurdly nested input: still an answer, not a crash.
    const message = `could not read the manifest: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, problems: [{ file, line: 1, column: 1, field: 'manifest', message }] };
  }
}

function parse(rawText: string, file: string, options: ManifestLoadOptions, overlay?: OverlaySource): LoadResult {
  // Editors show no BOM, so columns on line 1 count from after it.
  const text = withoutBom(rawText);
  const overlayText = overlay ? withoutBom(overlay.text) : undefined;
  // A valid manifest needs no positions (fast-toml-tree.ts); any problem is found again, and
  // reported, from the positioned tree.
  const quick = parseTomlTreeFast(text);
  const quickOverlay = overlayText === undefined ? undefined : parseTomlTreeFast(overlayText);
  if (quick && quickOverlay !== null) {
    const result = readManifestTree(quick, file, options, overlay && quickOverlay ? { file: overlay.file, top: quickOverlay } : undefined);
    if (result.ok) return result;
  }
  const tree = parseTomlTree(text);
  if (!tree.ok) return { ok: false, problems: [syntaxProblem(text, file, tree.pos, tree.message)] };
  if (!overlay || overlayText === undefined) return readManifestTree(tree.root, file, options);
  const overlayTree = parseTomlTree(overlayText);
  if (!overlayTree.ok) return { ok: false, problems: [syntaxProblem(overlayText, overlay.file, overlayTree.pos, overlayTree.message)] };
  return readManifestTree(tree.root, file, options, { file: overlay.file, top: overlayTree.root });
}

function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * A parsed TOML tree → a Manifest or its problems (positions as the tree has them). `overlay`
 * holds only `[services.*]`, read with the manifest's root and defaults; its problems name its file.
 */
export function readManifestTree(
  top: TomlTable,
  file: string,
  options: ManifestLoadOptions = {},
  overlay?: { file: string; top: TomlTable },
): LoadResult {
  const reader = new FieldReader(file);
  reader.checkKeys(top, '', TOP_LEVEL_KEYS);
  const manifestDir = dirname(resolve(file));
  const rootKey = reader.string(top, '', 'root');
  const root =
    options.root !== undefined
      ? resolveManifestPath(process.cwd(), options.root)
      : resolveManifestPath(manifestDir, rootKey ?? '.');
  const logDir =
    options.logDir !== undefined ? resolveManifestPath(process.cwd(), options.logDir) : join(manifestDir, 'logs');
  const defaults = readDefaults(reader, top);
  const logs = readLogs(reader, reader.table(top, '', 'logs'));
  const schedules = readSchedules(reader, top);

  const servicesTable = reader.table(top, '', 'services');
  const drafts: ServiceDraft[] = [];
  for (const [name, entry] of servicesTable?.entries ?? []) {
    drafts.push(readService(reader, name, entry, { root, defaults, testing: options.testing === true, schedules }));
  }
  const overlayReader = overlay ? new FieldReader(overlay.file) : undefined;
  const overlayNames: string[] = [];
  if (overlay && overlayReader) {
    overlayReader.checkKeys(overlay.top, '', ['services']);
    for (const [name, entry] of overlayReader.table(overlay.top, '', 'services')?.entries ?? []) {
      if (servicesTable?.entries.has(name)) {
        overlayReader.report(entry.keyPos, fieldPath('services', name), `"${name}" is already a service of ${basename(file)}`);
        continue;
      }
      overlayNames.push(name);
      drafts.push(readService(overlayReader, name, entry, { root, defaults, testing: options.testing === true, schedules }));
    }
  }
  const syncTable = reader.table(top, '', 'sync');
  const sync = syncTable ? readSync(reader, syncTable, root) : undefined;
  const monitorsTable = reader.table(top, '', 'monitors');
  const monitors = monitorsTable ? readMonitors(reader, monitorsTable, root) : undefined;
  const accessTable = reader.table(top, '', 'access');
  const access = accessTable ? readAccess(reader, accessTable, manifestDir) : undefined;
  const alertsTable = reader.table(top, '', 'alerts');
  const alerts = alertsTable ? readAlerts(reader, alertsTable) : undefined;
  const builtins = [...(sync?.enabled ? [SYNC_SERVICE] : []), ...(monitors ? [RUNTIME_SERVICE] : [])];
  resolveDependencies(reader, drafts, builtins);
  checkNames(reader, drafts, { sync: sync?.enabled === true, runtime: monitors !== undefined });

  const specs = drafts.map((draft) => draft.spec);
  // What the API added runs whatever `--services` picked: the operator asked for it by name.
  const chosen = options.services && options.services.length > 0 ? [...options.services, ...overlayNames] : options.services;
  const services = selectServices(reader, specs, chosen);
  if (overlay && overlayReader) moveOverlayProblems(reader, overlayReader, overlayNames);
  const problems = [...sortProblems(reader.problems), ...sortProblems(overlayReader?.problems ?? [])];
  if (problems.length > 0) return { ok: false, problems };
  const manifest: Manifest = { file: resolve(file), root, logDir, logs, services };
  if (overlay) manifest.overlay = { file: resolve(overlay.file), services: overlayNames };
  if (sync) manifest.sync = sync;
  if (Object.keys(schedules).length > 0) manifest.schedules = schedules;
  if (monitors) manifest.monitors = monitors;
  if (access) manifest.access = access;
  if (alerts) manifest.alerts = alerts;
  return { ok: true, manifest };
}

/** Problems the cross-service checks found at an overlay service belong to the overlay's file. */
function moveOverlayProblems(reader: FieldReader, overlayReader: FieldReader, names: readonly string[]): void {
  const prefixes = names.map((name) => fieldPath('services', name));
  const isOverlays = (field: string) => prefixes.some((prefix) => field === prefix || field.startsWith(prefix + '.') || field.startsWith(prefix + '['));
  const kept = reader.problems.filter((problem) => !isOverlays(problem.field));
  for (const problem of reader.problems) if (isOverlays(problem.field)) overlayReader.problems.push({ ...problem, file: overlayReader.file });
  reader.problems.splice(0, reader.problems.length, ...kept);
}

function readDefaults(reader: FieldReader, top: TomlTable): ServiceDefaults {
  const table = reader.table(top, '', 'defaults');
  if (!table) return BUILT_IN_DEFAULTS;
  const path = 'defaults';
  reader.checkKeys(table, path, DEFAULTS_KEYS);
  const base = BUILT_IN_DEFAULTS;
  return {
    restartDelayMs: reader.seconds(table, path, 'restart_delay_seconds') ?? base.restartDelayMs,
    stopTimeoutMs: reader.seconds(table, path, 'stop_timeout_seconds') ?? base.stopTimeoutMs,
    maxRestartDelayMs: reader.seconds(table, path, 'max_restart_delay_seconds') ?? base.maxRestartDelayMs,
    maxRestarts: reader.integer(table, path, 'max_restarts', { min: 0, max: 1_000_000 }) ?? base.maxRestarts,
    restartWindowMs:
      reader.seconds(table, path, 'restart_window_seconds', { min: 0, exclusiveMin: true }) ?? base.restartWindowMs,
    onDependencyDown: reader.word(table, path, 'on_dependency_down', ON_DEPENDENCY_DOWN) ?? base.onDependencyDown,
  };
}

/**
 * TOML itself rejects a second `[services.api]`, as a bare "defined multiple times"; we name
 * the service and the line it was first defined on.
 */
function syntaxProblem(text: string, file: string, pos: TomlPosition, message: string): ManifestProblem {
  const lines = text.split(/\r\n|\n|\r/);
  const name = serviceHeaderName(lines[pos.line - 1] ?? '');
  if (name !== undefined && /multiple times/.test(message)) {
    const first = lines.findIndex((line) => serviceHeaderName(line) === name);
    const where = first >= 0 && first + 1 < pos.line ? ` (first defined on line ${first + 1})` : '';
    return { file, ...pos, field: fieldPath('services', name), message: `duplicate service "${name}"${where}` };
  }
  return { file, ...pos, field: 'syntax', message };
}

function serviceHeaderName(line: string): string | undefined {
  const match = /^\s*\[\s*services\s*\.\s*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$/.exec(line);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/**
 * Names that differ only in case are one folder under `logs/` on case-insensitive disks, and
 * one name to an operator typing `showrunner restart`.
 */
function checkNames(reader: FieldReader, drafts: readonly ServiceDraft[], builtins: { sync: boolean; runtime: boolean }): void {
  const seen = new Map<string, ServiceDraft>();
  for (const draft of drafts) {
    const name = draft.spec.name;
    const reserved =
      RESERVED_NAMES.includes(name.toLowerCase()) || (builtins.sync && name === SYNC_SERVICE) || (builtins.runtime && name === RUNTIME_SERVICE);
    if (reserved) {
      const owner =
        name === SYNC_SERVICE ? 'the built-in sync server of [sync]' : name === RUNTIME_SERVICE ? 'the built-in runtime of [monitors]' : 'Showrunner itself';
      reader.report(draft.pos, draft.field, `the name "${name}" is taken by ${owner}`);
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier) {
      reader.report(
        draft.pos,
        draft.field,
        `duplicate service "${name}": "${earlier.spec.name}" on line ${earlier.pos.line} differs only in case`,
      );
    } else {
      seen.set(name.toLowerCase(), draft);
    }
  }
}

function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.line - b.problem.line || a.problem.column - b.problem.column || a.index - b.index)
    .map(({ problem }) => problem);
}
