// Services added, changed and removed at run time (issue 17). They live in the overlay file
// beside the manifest (`services.api.toml`, config/overlay-path.ts), which the manifest loader,
// the watcher and `check` read with the manifest. Every edit is judged by the manifest's own
// readers on the would-be file before anything is written, so the API's 400 and `check` say the
// same words about the same field; then the file is replaced atomically and the orchestrator
// reloads, which applies the difference like any manifest edit.
import { parse, stringify } from 'smol-toml';
import { ContractError } from '../../../shared/contract';
import type { ManifestProblem } from '../../../shared/model';
import type { ServiceDefinition } from '../../../shared/service-definition';
import { fieldPath } from '../config/field-reader';
import { readManifestSources } from '../config/load-manifest';
import type { Manifest } from '../config/manifest-types';
import { overlayPath } from '../config/overlay-path';
import { parseManifest, type ManifestLoadOptions } from '../config/parse-manifest';
import { writeFileDurable } from '../config/write-file-durable';

type Table = Record<string, unknown>;

export interface ServiceEditorOptions {
  /** Null for a manifest built in code (`mrmd`): nothing to add services to. */
  manifestPath: string | null;
  loadOptions: ManifestLoadOptions;
  /** Names of every service running now, built-in parts included. */
  serviceNames: () => string[];
  /** Re-reads manifest and overlay and applies them; resolves once applied. */
  reload: () => Promise<{ applied: boolean; problems: ManifestProblem[] }>;
}

const HEADER =
  '# Services added over the Showrunner API (POST /api/services). This file is part of the\n' +
  '# manifest beside it: `showrunner check` reads both, and a saved edit applies at once.\n\n';

export class ServiceEditor {
  /** Edits run one at a time: each reads the file the previous one wrote. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ServiceEditorOptions) {}

  add(definition: ServiceDefinition): Promise<void> {
    return this.edit(definition.name, (services, manifest) => {
      const { name, ...fields } = definition;
      const taken = this.options.serviceNames().find((other) => other.toLowerCase() === name.toLowerCase());
      const inManifest = manifest.services.some((service) => service.name.toLowerCase() === name.toLowerCase());
      if (taken !== undefined || inManifest || Object.keys(services).some((other) => other.toLowerCase() === name.toLowerCase())) {
        throw new ContractError('conflict', `a service named "${taken ?? name}" already exists; choose another name, or PATCH /api/services/${taken ?? name} to change it`, { name: taken ?? name });
      }
      rejectNulls(fields, '');
      services[name] = fields;
    });
  }

  update(name: string, changes: Record<string, unknown>): Promise<void> {
    return this.edit(name, (services, manifest) => {
      this.ownedOrThrow(name, services, manifest, 'changed', 'edit it there');
      if ('name' in changes) throw invalid([{ field: 'name', message: 'a service cannot be renamed; remove it and add it again' }]);
      services[name] = mergePatch(services[name] as Table, changes);
    });
  }

  remove(name: string): Promise<void> {
    return this.edit(name, (services, manifest) => {
      this.ownedOrThrow(name, services, manifest, 'removed', 'remove it there');
      delete services[name];
    });
  }

  private ownedOrThrow(name: string, services: Table, manifest: Manifest, verb: string, fix: string): void {
    if (Object.hasOwn(services, name)) return;
    if (manifest.services.some((service) => service.name === name)) {
      throw new ContractError(
        'conflict',
        `"${name}" is defined in ${this.options.manifestPath}, not added over the API; it cannot be ${verb} here: ${fix}`,
        { name, file: this.options.manifestPath },
      );
    }
    if (this.options.serviceNames().includes(name)) {
      throw new ContractError('conflict', `"${name}" is a built-in part; it cannot be ${verb} over the API`, { name });
    }
    throw new ContractError('not-found', `no service ${name}`, { name });
  }

  private edit(name: string, change: (services: Table, manifest: Manifest) => void): Promise<void> {
    const run = this.queue.then(() => this.apply(name, change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(name: string, change: (services: Table, manifest: Manifest) => void): Promise<void> {
    const manifestPath = this.options.manifestPath;
    if (manifestPath === null) throw new ContractError('unavailable', 'this instance has no manifest file to add services to (mrmd mode)');
    const file = overlayPath(manifestPath);
    const sources = await readManifestSources(manifestPath);
    if (!sources.ok) throw manifestInvalid([sources.problem]);
    const current = parseManifest(sources.text, manifestPath, this.options.loadOptions, sources.overlay);
    if (!current.ok) throw manifestInvalid(current.problems);
    const services = readOverlayServices(sources.overlay?.text);
    change(services, current.manifest);
    const text = HEADER + (Object.keys(services).length > 0 ? stringify({ services }) + '\n' : '');
    const next = parseManifest(sources.text, manifestPath, this.options.loadOptions, { file, text });
    if (!next.ok) {
      const problems = next.problems.map((problem) => ({ field: apiField(problem.field, name), message: problem.message, ...(problem.file === file ? {} : { file: problem.file }) }));
      // Removing a service others depend on is not bad input: the other services are in the way.
      const blocked = !Object.hasOwn(services, name) && problems.every((problem) => !problem.field.startsWith(fieldPath('services', name)));
      if (blocked) throw new ContractError('conflict', `"${name}" cannot be removed: ${summarize(problems)}`, { problems });
      throw invalid(problems);
    }
    await writeFileDurable(file, text);
    const reloaded = await this.options.reload();
    if (!reloaded.applied) throw manifestInvalid(reloaded.problems);
  }
}

/** The overlay's `[services]` as plain data (already judged valid by the caller's parse). */
function readOverlayServices(text: string | undefined): Table {
  if (text === undefined) return {};
  const services = parse(text).services;
  return services && typeof services === 'object' ? { ...(services as Table) } : {};
}

/** RFC 7396: objects merge key by key, `null` removes, anything else replaces. */
function mergePatch(target: Table, patch: Record<string, unknown>): Table {
  const result: Table = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isTable(value) && isTable(result[key])) result[key] = mergePatch(result[key] as Table, value);
    else {
      rejectNulls(value, key);
      result[key] = value;
    }
  }
  return result;
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** TOML has no null: say which field holds one instead of dropping it in silence. */
function rejectNulls(value: unknown, field: string): void {
  if (value === null) throw invalid([{ field, message: 'null is not a value a manifest can hold; leave the key out' }]);
  if (Array.isArray(value)) value.forEach((item, index) => rejectNulls(item, `${field}[${index}]`));
  else if (isTable(value)) for (const [key, item] of Object.entries(value)) rejectNulls(item, field ? `${field}.${key}` : key);
}

/** `services.web.health.port` → `health.port` for the service being edited; others keep their path. */
function apiField(field: string, name: string): string {
  const prefix = fieldPath('services', name);
  if (field === prefix) return 'name';
  if (field.startsWith(prefix + '.')) return field.slice(prefix.length + 1);
  return field;
}

function summarize(problems: { field: string; message: string }[]): string {
  return problems
    .slice(0, 3)
    .map((problem) => `${problem.field}: ${problem.message}`)
    .join('; ');
}

function invalid(problems: { field: string; message: string }[]): ContractError {
  return new ContractError('invalid-args', `invalid service: ${summarize(problems)}`, { problems });
}

function manifestInvalid(problems: ManifestProblem[]): ContractError {
  return new ContractError('manifest-invalid', `the manifest has problems; fix them first: ${problems.slice(0, 3).map((p) => `${p.file}:${p.line}: ${p.field}: ${p.message}`).join('; ')}`, { problems });
}
