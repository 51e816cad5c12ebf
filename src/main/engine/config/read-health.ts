// A service's `health` table (ARCHITECTURE.md §8) into a HealthSpec. Gradi's manifests name
// the kind `probe_type`; we also take `type`, and infer the kind from the one target key
// given (`url`, `port` or `command`) so a terse Gradi probe still loads.
import type { HealthSpec, ProbeTiming } from './manifest-types';
import { fieldPath, type FieldReader } from './field-reader';
import type { TomlNode, TomlTable } from './toml-tree';

export const HEALTH_KEYS = [
  'type',
  'probe_type',
  'url',
  'host',
  'port',
  'command',
  'expect_status',
  'interval_seconds',
  'timeout_seconds',
  'initial_delay_seconds',
  'failure_threshold',
  'success_threshold',
] as const;

export const PROBE_TYPES = ['http', 'tcp', 'exec', 'process'] as const;
type ProbeType = (typeof PROBE_TYPES)[number];

const TARGET_KEYS = ['url', 'host', 'port', 'command', 'expect_status'] as const;
/** `http` takes `host` and `port` as well, to build its URL when `url` is absent. */
const USED_TARGET_KEYS: Record<ProbeType, readonly string[]> = {
  http: ['url', 'host', 'port', 'expect_status'],
  tcp: ['host', 'port'],
  exec: ['command'],
  process: [],
};

const DEFAULT_HOST = '127.0.0.1';
const MAX_THRESHOLD = 1_000_000;

export function readHealth(reader: FieldReader, health: TomlTable, path: string): HealthSpec | undefined {
  reader.checkKeys(health, path, HEALTH_KEYS);
  const at = health.headerPos ?? health.pos;
  const timing = readTiming(reader, health, path);
  const type = readProbeType(reader, health, path);
  if (!type) return undefined;
  for (const key of TARGET_KEYS) {
    const entry = health.entries.get(key);
    if (entry && !USED_TARGET_KEYS[type].includes(key)) {
      reader.report(entry.keyPos, fieldPath(path, key), `"${key}" is not used by a "${type}" probe`);
    }
  }
  switch (type) {
    case 'http': {
      const expectStatus = readExpectStatus(reader, health, path);
      const url = health.entries.has('url') || !health.entries.has('port')
        ? readUrl(reader, health, path, at)
        : urlFromHostPort(reader, health, path);
      return url === undefined ? undefined : { type, url, expectStatus, timing };
    }
    case 'tcp': {
      const host = reader.string(health, path, 'host') ?? DEFAULT_HOST;
      const port = readPort(reader, health, path);
      return port === undefined ? undefined : { type, host, port, timing };
    }
    case 'exec': {
      const command = reader.string(health, path, 'command', at);
      return command === undefined ? undefined : { type, command, timing };
    }
    default:
      return { type, timing };
  }
}

function readProbeType(reader: FieldReader, health: TomlTable, path: string): ProbeType | undefined {
  const hasType = health.entries.has('type');
  const aliasEntry = health.entries.get('probe_type');
  if (hasType && aliasEntry) {
    reader.report(aliasEntry.keyPos, fieldPath(path, 'probe_type'), 'give either "type" or "probe_type", not both');
    return undefined;
  }
  if (hasType || aliasEntry) return reader.word(health, path, hasType ? 'type' : 'probe_type', PROBE_TYPES);
  if (health.entries.has('url')) return 'http';
  if (health.entries.has('command')) return 'exec';
  if (health.entries.has('port')) return 'tcp';
  reader.report(
    health.headerPos ?? health.pos,
    fieldPath(path, 'type'),
    `missing required key "type" (one of "http", "tcp", "exec", "process")`,
  );
  return undefined;
}

function readTiming(reader: FieldReader, health: TomlTable, path: string): ProbeTiming {
  const positive = { min: 0, exclusiveMin: true };
  const threshold = { min: 1, max: MAX_THRESHOLD };
  return {
    intervalMs: reader.seconds(health, path, 'interval_seconds', positive) ?? 5000,
    timeoutMs: reader.seconds(health, path, 'timeout_seconds', positive) ?? 2000,
    initialDelayMs: reader.seconds(health, path, 'initial_delay_seconds') ?? 0,
    failureThreshold: reader.integer(health, path, 'failure_threshold', threshold) ?? 3,
    successThreshold: reader.integer(health, path, 'success_threshold', threshold) ?? 1,
  };
}

function readUrl(reader: FieldReader, health: TomlTable, path: string, at: TomlTable['pos']): string | undefined {
  const node = reader.node(health, path, 'url', at);
  return node ? reader.urlValue(node, fieldPath(path, 'url'), ['http:', 'https:']) : undefined;
}

function urlFromHostPort(reader: FieldReader, health: TomlTable, path: string): string | undefined {
  const host = reader.string(health, path, 'host') ?? DEFAULT_HOST;
  const port = readPort(reader, health, path);
  if (port === undefined) return undefined;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

function readPort(reader: FieldReader, health: TomlTable, path: string): number | undefined {
  const node = reader.node(health, path, 'port', health.headerPos ?? health.pos);
  return node ? reader.integerValue(node, fieldPath(path, 'port'), { min: 1, max: 65535 }) : undefined;
}

/** `expect_status = 200` or `[200, 399]`, an inclusive range of HTTP status codes. */
function readExpectStatus(reader: FieldReader, health: TomlTable, path: string): [number, number] {
  const fallback: [number, number] = [200, 399];
  const node = reader.node(health, path, 'expect_status');
  if (!node) return fallback;
  const field = fieldPath(path, 'expect_status');
  const status = (item: TomlNode, itemField: string): number | undefined =>
    reader.integerValue(item, itemField, { min: 100, max: 599 });
  if (node.type === 'integer') {
    const code = status(node, field);
    return code === undefined ? fallback : [code, code];
  }
  if (node.type !== 'array' || node.items.length !== 2) {
    reader.report(node.pos, field, 'expected a status code or a range [low, high], such as [200, 399]');
    return fallback;
  }
  const low = status(node.items[0], fieldPath(field, 0));
  const high = status(node.items[1], fieldPath(field, 1));
  if (low === undefined || high === undefined) return fallback;
  if (low > high) {
    reader.report(node.pos, field, `the range [${low}, ${high}] is empty: low must not exceed high`);
    return fallback;
  }
  return [low, high];
}
