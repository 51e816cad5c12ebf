// Turns what happens to services, devices and the daemon into alerts (issue 18): a service
// entering `failed`, a device of a running service disappearing, a start after an unclean
// exit. Each goes through the once-a-minute limit per service, then onto the disk queue,
// then to the webhook (alert-delivery.ts); the heartbeat runs beside it. Every step is
// fire-and-forget for the caller: the supervisor never waits for disk or network here.
import { hostname } from 'node:os';
import type { AlertsStatus, ServiceSnapshot, Transition } from '../../../shared/model';
import type { AlertsSpec } from '../config/read-alerts';
import type { AlertBody, AlertKind } from './alert-body';
import { AlertDelivery, type AlertDeliveryOptions } from './alert-delivery';
import { AlertQueue } from './alert-queue';
import { AlertRateLimit, REAL_CLOCK, type AlertClock } from './alert-rate-limit';
import { Heartbeat } from './heartbeat';

export interface AlertDispatcherOptions {
  stateDir: string;
  instanceKey: string;
  manifestPath: string;
  log: (line: string) => void;
  services: () => readonly ServiceSnapshot[];
  /** The previous daemon of this instance ended without its clean stop (status-file.ts). */
  uncleanExit?: { pid: number | null; lastSeen: string | null };
  /** One alert per service per window; 60 s unless a test shortens it. */
  windowMs?: number;
  clock?: AlertClock;
  delivery?: Pick<AlertDeliveryOptions, 'timeoutMs' | 'baseDelayMs' | 'maxDelayMs' | 'random'>;
  /** `status()` after each change of it (the panel's live view), not repeated when unchanged. */
  onChange?: (status: AlertsStatus | null) => void;
}

type AlertEvent = Omit<AlertBody, 'id' | 'host' | 'instance' | 'manifest' | 'suppressed'>;

/** The daemon's own key in the rate limit: no service has an empty name. */
const DAEMON_KEY = '';
/** Fastest that `onChange` follows the status. */
const CHANGE_EVERY_MS = 1000;

export class AlertDispatcher {
  private spec: AlertsSpec | undefined;
  private queue: AlertQueue | null = null;
  private delivery: AlertDelivery | null = null;
  private readonly limit: AlertRateLimit<AlertEvent>;
  private readonly heartbeat: Heartbeat;
  private readonly lastMissing = new Map<string, Set<string>>();
  private uncleanPending: AlertDispatcherOptions['uncleanExit'];
  private readonly host = hostname();
  private closed = false;
  /** The last status handed to `onChange`, as JSON: a repeat is not sent. */
  private lastStatus = 'null';
  private lastChangeAt = -Infinity;
  private changeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.limit = new AlertRateLimit<AlertEvent>(options.windowMs ?? 60_000, (_key, event, suppressed) => this.enqueue(event, suppressed), options.clock);
    this.heartbeat = new Heartbeat(options.services, options.log, () => this.changed());
    this.uncleanPending = options.uncleanExit;
    if (options.uncleanExit) {
      const { pid, lastSeen } = options.uncleanExit;
      options.log(`the previous daemon of this manifest${pid ? ` (pid ${pid})` : ''} did not stop cleanly${lastSeen ? `; last seen ${lastSeen}` : ''}`);
    }
  }

  /** Each applied manifest: `[alerts]` or its absence. The queue on disk stays either way. */
  configure(spec: AlertsSpec | undefined): void {
    if (this.closed) return;
    this.spec = spec;
    const { headers = {}, heartbeatUrl, heartbeatIntervalMs = 0 } = spec ?? {};
    this.heartbeat.configure(heartbeatUrl ? { url: heartbeatUrl, intervalMs: heartbeatIntervalMs, headers } : undefined);
    if (!spec?.webhook) return this.changed();
    if (!this.queue) {
      this.queue = new AlertQueue(this.options.stateDir, this.options.instanceKey, spec.maxQueued, this.options.log);
      if (this.queue.depth > 0) this.options.log(`alerts: ${this.queue.depth} queued from before; delivering`);
      this.delivery = new AlertDelivery({
        queue: this.queue,
        target: () => (this.spec?.webhook ? { url: this.spec.webhook, headers: this.spec.headers } : undefined),
        log: this.options.log,
        onChange: () => this.changed(),
        ...this.options.delivery,
      });
    }
    this.queue.setMax(spec.maxQueued);
    if (this.uncleanPending) {
      const { pid, lastSeen } = this.uncleanPending;
      this.uncleanPending = undefined;
      const reason = `the previous daemon${pid ? ` (pid ${pid})` : ''} ended without a clean stop (killed, crashed or power lost)${lastSeen ? `; last seen ${lastSeen}` : ''}`;
      this.raise(DAEMON_KEY, { kind: 'unclean-exit', service: null, from: 'running', to: 'restarted', reason, time: this.time() });
    }
    this.delivery!.kick();
    this.changed();
  }

  serviceChanged(service: ServiceSnapshot, transition: Transition): void {
    if (transition.to !== 'failed' || transition.from === 'failed') return;
    const reason = service.state.kind === 'failed' ? service.state.reason : transition.reason;
    this.raise(service.name, kind('service-failed', service.name, transition.from, 'failed', reason || transition.reason, new Date(transition.at).toISOString()));
  }

  /**
   * After the device registry's change was handed to the supervisor: `before` is each service's
   * state kind just before. `stops` says whether the service's device policy stops it now
   * (`immediate`): its stop is under way, so `to` is "stopping"; else it keeps running.
   */
  devicesChanged(missingByService: ReadonlyMap<string, readonly string[]>, before: ReadonlyMap<string, string>, stops: (name: string) => boolean): void {
    for (const [name, missing] of missingByService) {
      const earlier = this.lastMissing.get(name) ?? new Set<string>();
      const gone = missing.filter((device) => !earlier.has(device));
      this.lastMissing.set(name, new Set(missing));
      const from = before.get(name);
      if (gone.length === 0 || from !== 'running') continue;
      const stopping = stops(name);
      const reason = `device ${gone.join(', ')} disappeared; ${stopping ? 'stopped until it is back' : 'keeps running and restarts once it is back (device_restart_policy = on_reconnect)'}`;
      this.raise(name, kind('device-missing', name, from, stopping ? 'stopping' : 'running', reason, this.time()));
    }
  }

  status(): AlertsStatus | null {
    if (!this.spec && !this.queue) return null;
    const heartbeat = this.heartbeat.status();
    if (!this.delivery) return { webhook: false, queued: 0, dropped: 0, delivered: 0, lastDeliveryAt: null, lastError: null, lastErrorAt: null, nextAttemptAt: null, suppressed: this.limit.suppressedTotal, heartbeat };
    return { webhook: Boolean(this.spec?.webhook), ...this.delivery.status(), suppressed: this.limit.suppressedTotal, heartbeat };
  }

  /** Held alerts go to the disk queue now; the request in flight is cut, the queue kept for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.limit.flushAll();
    this.closed = true;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.heartbeat.close();
    await this.delivery?.close();
  }

  private raise(key: string, event: AlertEvent): void {
    if (this.closed || !this.spec?.webhook) return;
    if (this.limit.offer(key, event) === 'held') this.options.log(`alert for ${event.service ?? 'the daemon'} held: at most one per minute per service (${event.reason})`);
  }

  private enqueue(event: AlertEvent, suppressed: number): void {
    const queue = this.queue;
    if (!queue) return;
    const body = (seq: number): AlertBody => ({
      id: `${this.options.instanceKey}-${seq}`,
      ...event,
      host: this.host,
      instance: this.options.instanceKey,
      manifest: this.options.manifestPath,
      suppressed,
    });
    const folded = suppressed > 0 ? ` (${suppressed} more folded into it)` : '';
    this.options.log(`alert: ${event.service ?? 'daemon'} ${event.kind}: ${event.reason}${folded}`);
    queue.push(body).then(
      () => {
        this.changed();
        this.delivery?.kick();
      },
      (error: unknown) => this.options.log(`alerts: could not write the queue file ${queue.path}: ${String(error)}`),
    );
  }

  /**
   * Hands `status()` to `onChange` when it changed, at most once per CHANGE_EVERY_MS (the last
   * change of a burst goes when the interval ends): a heartbeat of 0.1 s must not fill the
   * event history that reconnecting clients replay.
   */
  private changed(): void {
    if (this.closed || this.changeTimer) return;
    const wait = this.lastChangeAt + CHANGE_EVERY_MS - Date.now();
    if (wait > 0) {
      this.changeTimer = setTimeout(() => {
        this.changeTimer = null;
        this.changed();
      }, wait);
      this.changeTimer.unref();
      return;
    }
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatus) return;
    this.lastStatus = json;
    this.lastChangeAt = Date.now();
    this.options.onChange?.(status);
  }

  private time(): string {
    return new Date((this.options.clock ?? REAL_CLOCK).now()).toISOString();
  }
}

function kind(kind: AlertKind, service: string, from: string, to: string, reason: string, time: string): AlertEvent {
  return { kind, service, from, to, reason, time };
}
