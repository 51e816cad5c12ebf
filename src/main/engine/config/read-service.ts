// One `[services.<name>]` table into a ServiceSpec (ARCHITECTURE.md §3, §8). Dependencies stay
// drafts here: their default condition depends on whether the *other* service has a probe,
// and unknown names and cycles can only be judged once every service is read.
import { constants } from 'node:os';
import { isAbsolute } from 'node:path';
import type { DependencyCondition as Condition } from '../../../shared/model';
import { DependencyCondition } from '../../../shared/model';
import { didYouMean } from './did-you-mean';
import { fieldPath, type FieldReader } from './field-reader';
import type { DeviceRequirement, ScheduleSpec, ServiceSpec } from './manifest-types';
import { readServiceSchedule } from './read-schedules';
import { readHealth } from './read-health';
import { COMPOSE_KEYS, composeCommandLabel, readCompose, readServiceKind } from './read-compose';
import { resolveManifestPath } from './resolve-manifest-path';
import type { TomlEntry, TomlNode, TomlTable } from './toml-tree';
import type { TomlPosition } from './toml-position';

export const SERVICE_KEYS = [
  'display_name',
  'working_dir',
  'command',
  'testing_command',
  'venv',
  'dependencies',
  'requires_devices',
  'restart_delay_seconds',
  'health',
  'device_restart_policy',
  'env',
  'restart',
  'max_restarts',
  'restart_window_seconds',
  'max_restart_delay_seconds',
  'stop_signal',
  'stop_timeout_seconds',
  'autostart',
  'pty',
  'on_dependency_down',
  'kind',
  ...COMPOSE_KEYS,
  'schedule',
  'daily_restart',
] as const;

export const ON_DEPENDENCY_DOWN = ['keep', 'stop', 'restart'] as const;

/** Per-service values that `[defaults]` may set for every service. */
export interface ServiceDefaults {
  restartDelayMs: number;
  maxRestartDelayMs: number;
  maxRestarts: number;
  restartWindowMs: number;
  stopTimeoutMs: number;
  onDependencyDown: NonNullable<ServiceSpec['onDependencyDown']>;
}

export const BUILT_IN_DEFAULTS: ServiceDefaults = {
  restartDelayMs: 5000,
  maxRestartDelayMs: 60_000,
  maxRestarts: 10,
  restartWindowMs: 60_000,
  stopTimeoutMs: 10_000,
  onDependencyDown: 'keep',
};

export interface DependencyDraft {
  name: string;
  /** Absent: `healthy` when the dependency has a probe, else `started`. */
  condition?: Condition;
  pos: TomlPosition;
  field: string;
}

export interface ServiceDraft {
  /** `dependencies` is filled in once all services are known. */
  spec: ServiceSpec;
  dependencies: DependencyDraft[];
  /** The table header, or the key that defines the service. */
  pos: TomlPosition;
  field: string;
}

export interface ServiceContext {
  root: string;
  defaults: ServiceDefaults;
  testing: boolean;
  /** `[schedules.*]`, for `schedule = "NAME"`. */
  schedules?: Readonly<Record<string, ScheduleSpec>>;
}

/** Container health is read with a `docker compose ps` call: a modest interval, idle CPU matters. */
const CONTAINER_HEALTH_TIMING = { intervalMs: 5000, timeoutMs: 10_000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 };
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_LENGTH = 128;
const CONDITIONS = DependencyCondition.options;

export function readService(reader: FieldReader, name: string, entry: TomlEntry, context: ServiceContext): ServiceDraft {
  const path = fieldPath('services', name);
  const table = entry.node.type === 'table' ? entry.node : undefined;
  const pos = table?.headerPos ?? entry.keyPos;
  if (!NAME_PATTERN.test(name) || name.length > MAX_NAME_LENGTH) {
    reader.report(entry.keyPos, path, `service names use letters, digits, ".", "_" and "-" (at most ${MAX_NAME_LENGTH})`);
  }
  const t: TomlTable = table ?? { type: 'table', entries: new Map(), pos };
  if (!table) reader.expect(entry.node, path, 'a table');
  else reader.checkKeys(t, path, SERVICE_KEYS);
  const { root, defaults, testing } = context;
  const kind = table ? readServiceKind(reader, t, path) : 'process';
  const compose = kind === 'compose' ? readCompose(reader, t, path, name, root, pos) : undefined;
  // Without a table there is nothing more to say than that; the required keys would only repeat it.
  const command = compose ? composeCommandLabel(compose) : table ? (reader.string(t, path, 'command', pos) ?? '') : '';
  const testingCommand = reader.string(t, path, 'testing_command');
  const workingDir = reader.string(t, path, 'working_dir');
  const venv = reader.string(t, path, 'venv');
  const healthTable = reader.table(t, path, 'health');
  const health = healthTable ? readHealth(reader, healthTable, fieldPath(path, 'health')) : undefined;
  const spec: ServiceSpec = {
    name,
    displayName: reader.string(t, path, 'display_name') ?? name,
    command: testing && testingCommand !== undefined ? testingCommand : command,
    workingDir: compose?.projectDir ?? resolveManifestPath(root, workingDir ?? '.'),
    env: readEnv(reader, t, path),
    dependencies: [],
    requiresDevices: reader.array(t, path, 'requires_devices', (node, field) => readDevice(reader, node, field)) ?? [],
    deviceRestartPolicy: reader.word(t, path, 'device_restart_policy', ['immediate', 'on_reconnect'] as const) ?? 'immediate',
    restart: reader.word(t, path, 'restart', ['always', 'on-failure', 'never'] as const) ?? 'always',
    restartDelayMs: reader.seconds(t, path, 'restart_delay_seconds') ?? defaults.restartDelayMs,
    maxRestartDelayMs: reader.seconds(t, path, 'max_restart_delay_seconds') ?? defaults.maxRestartDelayMs,
    maxRestarts: reader.integer(t, path, 'max_restarts', { min: 0, max: 1_000_000 }) ?? defaults.maxRestarts,
    restartWindowMs:
      reader.seconds(t, path, 'restart_window_seconds', { min: 0, exclusiveMin: true }) ?? defaults.restartWindowMs,
    stopSignal: readSignal(reader, t, path) ?? 'SIGTERM',
    stopTimeoutMs: reader.seconds(t, path, 'stop_timeout_seconds') ?? defaults.stopTimeoutMs,
    autostart: reader.boolean(t, path, 'autostart') ?? true,
    pty: reader.boolean(t, path, 'pty') ?? false,
    onDependencyDown: reader.word(t, path, 'on_dependency_down', ON_DEPENDENCY_DOWN) ?? defaults.onDependencyDown,
  };
  if (venv !== undefined) spec.venv = resolveManifestPath(root, venv);
  if (health) spec.health = health;
  if (compose) {
    if (health?.type === 'process' && healthTable) {
      reader.report(healthTable.headerPos ?? healthTable.pos, fieldPath(path, 'health'), 'a "process" probe says nothing about a container; leave `health` out to use the container\'s own health');
    }
    spec.compose = compose;
    // Only the target: `protected` or the verify timeout changed in place must not restart it (diff-services.ts).
    spec.health ??= { type: 'container', compose: { projectDir: compose.projectDir, file: compose.file, service: compose.service }, timing: CONTAINER_HEALTH_TIMING };
    // `docker compose stop` waits 10 s for the container before it kills it; ours waits for that.
    if (!t.entries.has('stop_timeout_seconds')) spec.stopTimeoutMs = Math.max(spec.stopTimeoutMs, 30_000);
  }
  Object.assign(spec, readServiceSchedule(reader, t, path, context.schedules ?? {}));
  const dependencies =
    reader.array(t, path, 'dependencies', (node, field) => readDependency(reader, node, field)) ?? [];
  return { spec, dependencies, pos, field: path };
}

function readEnv(reader: FieldReader, table: TomlTable, path: string): Record<string, string> {
  const env = reader.stringTable(table, path, 'env') ?? {};
  const node = table.entries.get('env')?.node;
  const entries = node?.type === 'table' ? node.entries : undefined;
  for (const name of Object.keys(env)) {
    if (name !== '' && !name.includes('=') && !name.includes('\0')) continue;
    const at = entries?.get(name)?.keyPos ?? table.pos;
    reader.report(at, fieldPath(fieldPath(path, 'env'), name), 'an environment variable name must be non-empty, without "=" or NUL');
    delete env[name];
  }
  return env;
}

function readDependency(reader: FieldReader, node: TomlNode, field: string): DependencyDraft | undefined {
  if (node.type === 'string') {
    const name = reader.stringValue(node, field);
    return name === undefined ? undefined : { name, pos: node.pos, field };
  }
  if (node.type !== 'table') {
    reader.expect(node, field, 'a service name or { name = "...", condition = "..." }');
    return undefined;
  }
  reader.checkKeys(node, field, ['name', 'condition']);
  const nameNode = reader.node(node, field, 'name', node.pos);
  const name = nameNode ? reader.stringValue(nameNode, fieldPath(field, 'name')) : undefined;
  const condition = reader.word(node, field, 'condition', CONDITIONS);
  if (name === undefined || !nameNode) return undefined;
  const draft: DependencyDraft = { name, pos: nameNode.pos, field: fieldPath(field, 'name') };
  if (condition) draft.condition = condition;
  return draft;
}

function readDevice(reader: FieldReader, node: TomlNode, field: string): DeviceRequirement | undefined {
  if (node.type === 'string') {
    const path = reader.stringValue(node, field);
    if (path === undefined) return undefined;
    // Relative to what? Device nodes have one home; a relative path would follow the daemon's cwd.
    if (!isAbsolute(path)) {
      reader.report(node.pos, field, `"${path}" must be an absolute path, such as "/dev/gradi-cam"`);
      return undefined;
    }
    return { kind: 'path', path };
  }
  if (node.type !== 'table') {
    reader.expect(node, field, 'a device path or { usb = { vendor = "...", product = "..." } }');
    return undefined;
  }
  reader.checkKeys(node, field, ['usb']);
  const usbNode = reader.node(node, field, 'usb', node.pos);
  if (!usbNode) return undefined;
  const usbField = fieldPath(field, 'usb');
  if (usbNode.type !== 'table') {
    reader.expect(usbNode, usbField, 'a table { vendor = "...", product = "...", serial = "..." }');
    return undefined;
  }
  reader.checkKeys(usbNode, usbField, ['vendor', 'product', 'serial']);
  const vendor = readUsbId(reader, usbNode, usbField, 'vendor');
  const product = readUsbId(reader, usbNode, usbField, 'product');
  const serial = reader.string(usbNode, usbField, 'serial');
  if (vendor === undefined || product === undefined) return undefined;
  return serial === undefined ? { kind: 'usb', vendor, product } : { kind: 'usb', vendor, product, serial };
}

/** Four hex digits as `lsusb` prints them; any case, an optional `0x`, stored in lower case. */
function readUsbId(reader: FieldReader, usb: TomlTable, path: string, key: string): string | undefined {
  const node = reader.node(usb, path, key, usb.pos);
  if (!node) return undefined;
  const field = fieldPath(path, key);
  if (node.type !== 'string') {
    // An integer is ambiguous: 2341 written unquoted means 0x0925, not the "2341" lsusb shows.
    reader.expect(node, field, 'a quoted string of 4 hex digits, such as "2341"');
    return undefined;
  }
  const digits = node.value.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]{4}$/.test(digits)) return digits.toLowerCase();
  reader.report(node.pos, field, `"${node.value}" is not 4 hex digits, such as "2341"`);
  return undefined;
}

/** `SIGTERM`, `TERM` or `sigterm`, normalized to the name Node's `process.kill` takes. */
function readSignal(reader: FieldReader, table: TomlTable, path: string): NodeJS.Signals | undefined {
  const node = reader.node(table, path, 'stop_signal');
  if (!node) return undefined;
  const field = fieldPath(path, 'stop_signal');
  if (node.type !== 'string') {
    reader.expect(node, field, 'a signal name such as "SIGTERM"');
    return undefined;
  }
  const upper = node.value.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const known = Object.keys(constants.signals);
  if (known.includes(name)) return name as NodeJS.Signals;
  reader.report(node.pos, field, `"${node.value}" is not a signal name${didYouMean(name, known)}`);
  return undefined;
}
