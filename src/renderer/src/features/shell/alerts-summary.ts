import type { AlertsStatus } from '../../../../shared/model';

export type AlertsLevel = 'ok' | 'warn' | 'error';

export interface AlertsSummary {
  level: AlertsLevel;
  /** A few words for the top bar: the worst thing, or that all is well. */
  label: string;
  /** One sentence per fact, for the opened badge. */
  details: string[];
}

const rank: Record<AlertsLevel, number> = { ok: 0, warn: 1, error: 2 };

interface Part {
  level: AlertsLevel;
  label: string;
}

/**
 * What the operator should know of `[alerts]`, from the daemon's own status: whether the
 * webhook takes alerts (failing means the newest attempt failed and alerts wait on disk),
 * and whether the heartbeat goes (paused means the watcher will raise the alarm).
 */
export function summarizeAlerts(status: AlertsStatus, time: (ms: number) => string): AlertsSummary {
  const parts: Part[] = [];
  const details: string[] = [];
  const { queued, lastError, lastErrorAt, lastDeliveryAt, nextAttemptAt, heartbeat } = status;

  if (status.webhook || queued > 0) {
    const failing = queued > 0 && lastErrorAt !== null && (lastDeliveryAt === null || lastErrorAt >= lastDeliveryAt);
    if (!status.webhook) {
      parts.push({ level: 'warn', label: `${queued} alerts waiting` });
      details.push(`${queued} alerts wait on disk, but the manifest no longer names a webhook.`);
    } else if (failing) {
      parts.push({ level: 'error', label: `Alerts failing · ${queued} queued` });
      details.push(`The webhook did not take the last alert: ${lastError} (at ${time(lastErrorAt)}).`);
      details.push(`${queued} queued on disk; ${nextAttemptAt === null ? 'trying again now' : `next try at ${time(nextAttemptAt)}`}.`);
    } else if (queued > 0) {
      parts.push({ level: 'warn', label: `Alerts sending · ${queued} queued` });
      details.push(`${queued} queued on disk, being sent.`);
    } else {
      parts.push({ level: 'ok', label: 'Alerts ok' });
    }
    if (status.webhook) {
      details.push(`Webhook: ${status.delivered} delivered since the daemon started${lastDeliveryAt === null ? '' : `, the last at ${time(lastDeliveryAt)}`}.`);
    }
    if (status.dropped > 0) {
      parts.push({ level: 'warn', label: `${status.dropped} alerts dropped` });
      details.push(`${status.dropped} dropped, oldest first: the queue was full (max_queued).`);
    }
    if (status.suppressed > 0) details.push(`${status.suppressed} folded into a later alert (at most one per service per minute).`);
  }

  if (heartbeat) {
    const every = `every ${heartbeat.intervalMs / 1000} s`;
    if (heartbeat.checkedAt === null) {
      parts.push({ level: 'ok', label: 'Heartbeat starting' });
      details.push(`Heartbeat: first check within ${heartbeat.intervalMs / 1000} s.`);
    } else if (!heartbeat.inPlace) {
      parts.push({ level: 'warn', label: 'Heartbeat paused' });
      details.push(`Heartbeat paused at ${time(heartbeat.checkedAt)}: ${heartbeat.why}. The watcher will raise the alarm.`);
    } else if (heartbeat.lastError !== null) {
      parts.push({ level: 'error', label: 'Heartbeat failing' });
      details.push(`Heartbeat not accepted at ${time(heartbeat.checkedAt)}: ${heartbeat.lastError}.`);
    } else {
      parts.push({ level: 'ok', label: 'Heartbeat ok' });
    }
    details.push(`Heartbeat: ${heartbeat.beats} sent since the daemon started (${every})${heartbeat.lastBeatAt === null ? '' : `, the last at ${time(heartbeat.lastBeatAt)}`}.`);
  }

  const worst = parts.reduce<Part | null>((found, part) => (found === null || rank[part.level] > rank[found.level] ? part : found), null);
  if (worst === null) return { level: 'ok', label: 'Alerts ok', details };
  // All well: one word for the whole, whichever of webhook and heartbeat are configured.
  const label = worst.level === 'ok' ? (parts.length > 1 ? 'Alerts ok' : worst.label) : worst.label;
  return { level: worst.level, label, details };
}
