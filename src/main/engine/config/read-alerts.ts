// The top-level `[alerts]` table (issue 18): where alerts are POSTed, and the dead-man switch.
// `headers` go with both requests (an Authorization for the receiver); the heartbeat is a GET.
import { fieldPath, type FieldReader } from './field-reader';
import type { TomlTable } from './toml-tree';

export const ALERTS_KEYS = ['webhook', 'headers', 'heartbeat_url', 'heartbeat_interval_seconds', 'max_queued'] as const;

export interface AlertsSpec {
  /** POST target of every alert (JSON body, docs/architecture.md §9 Session 4). */
  webhook?: string;
  /** Sent with the webhook and the heartbeat requests. */
  headers: Record<string, string>;
  /** GET while every autostarted service is where it should be. */
  heartbeatUrl?: string;
  heartbeatIntervalMs: number;
  /** Alerts kept on disk while the receiver is unreachable; beyond it the oldest are dropped. */
  maxQueued: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_QUEUED = 1000;
const SCHEMES = ['http:', 'https:'];

export function readAlerts(reader: FieldReader, alerts: TomlTable): AlertsSpec {
  const path = 'alerts';
  reader.checkKeys(alerts, path, ALERTS_KEYS);
  const url = (key: string): string | undefined => {
    const node = reader.node(alerts, path, key);
    return node ? reader.urlValue(node, fieldPath(path, key), SCHEMES) : undefined;
  };
  const spec: AlertsSpec = {
    headers: reader.stringTable(alerts, path, 'headers') ?? {},
    heartbeatIntervalMs: reader.seconds(alerts, path, 'heartbeat_interval_seconds', { min: 0.1 }) ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    maxQueued: reader.integer(alerts, path, 'max_queued', { min: 1, max: 100_000 }) ?? DEFAULT_MAX_QUEUED,
  };
  const webhook = url('webhook');
  if (webhook !== undefined) spec.webhook = webhook;
  const heartbeat = url('heartbeat_url');
  if (heartbeat !== undefined) spec.heartbeatUrl = heartbeat;
  for (const [name, entry] of reader.table(alerts, path, 'headers')?.entries ?? []) {
    // A header name the HTTP client would refuse at the first alert is a manifest problem now.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) reader.report(entry.keyPos, fieldPath(fieldPath(path, 'headers'), name), `"${name}" is not a valid HTTP header name`);
    else if (entry.node.type === 'string' && /[\r\n]/.test(entry.node.value)) reader.report(entry.node.pos, fieldPath(fieldPath(path, 'headers'), name), 'a header value must not contain a line break');
  }
  if (alerts.entries.has('heartbeat_interval_seconds') && !alerts.entries.has('heartbeat_url')) {
    reader.report(alerts.entries.get('heartbeat_interval_seconds')!.keyPos, fieldPath(path, 'heartbeat_interval_seconds'), 'needs heartbeat_url (where the heartbeat goes)');
  }
  if (!alerts.entries.has('webhook') && !alerts.entries.has('heartbeat_url')) {
    reader.report(alerts.pos, path, 'give webhook = "https://…" or heartbeat_url = "https://…" (or both)');
  }
  return spec;
}
