// Sends the queue's alerts to the webhook, oldest first, one request in flight: a 2xx removes
// the alert from disk; anything else (refused, timed out, 500) keeps it and waits, doubling
// from `baseDelayMs` up to `maxDelayMs`, with jitter (half fixed, half random) so many
// installations behind one outage do not retry in step. Runs beside the supervisor on its
// own promise chain: nothing here is awaited by a start, a stop or a transition.
import type { AlertQueue } from './alert-queue';
import { requestOutcome } from './request-outcome';

export interface AlertDeliveryOptions {
  queue: AlertQueue;
  /** Read before each attempt: a manifest change may move it; unset pauses delivery. */
  target: () => { url: string; headers: Record<string, string> } | undefined;
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  log: (line: string) => void;
  /** After each change `status()` shows: a delivery, a failed attempt, a backoff's end. */
  onChange?: () => void;
}

export interface AlertDeliveryStatus {
  queued: number;
  dropped: number;
  delivered: number;
  lastDeliveryAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  nextAttemptAt: number | null;
}

export class AlertDelivery {
  private running = false;
  private closed = false;
  private failures = 0;
  private delivered = 0;
  private lastDeliveryAt: number | null = null;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private wake: (() => void) | null = null;
  private readonly abort = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: AlertDeliveryOptions) {}

  /** Something was queued, or the target changed: deliver now unless a backoff is running. */
  kick(): void {
    if (this.closed || this.running) return;
    this.running = true;
    this.loop = this.run().finally(() => (this.running = false));
  }

  status(): AlertDeliveryStatus {
    const { queue } = this.options;
    return {
      queued: queue.depth,
      dropped: queue.dropped,
      delivered: this.delivered,
      lastDeliveryAt: this.lastDeliveryAt,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      nextAttemptAt: this.nextAttemptAt,
    };
  }

  /** Stops retrying and cuts the request in flight; what is queued stays on disk for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.options.queue.flush().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { queue, log } = this.options;
    for (;;) {
      const item = queue.peek();
      const target = this.options.target();
      if (this.closed || !item || !target) return;
      const outcome = await this.send(target, JSON.stringify(item.body));
      if (this.closed) return;
      if (outcome === null) {
        this.failures = 0;
        this.delivered++;
        this.lastDeliveryAt = Date.now();
        log(`alert ${item.body.id} delivered (${item.body.kind}${item.body.service ? ` ${item.body.service}` : ''})`);
        await queue.remove(item.seq).catch((error: unknown) => log(`alerts: could not update the queue file: ${String(error)}`));
        this.options.onChange?.();
        continue;
      }
      this.failures++;
      const delay = this.delayMs();
      this.lastError = outcome;
      this.lastErrorAt = Date.now();
      this.nextAttemptAt = Date.now() + delay;
      log(`alert ${item.body.id} not delivered: ${outcome}; ${queue.depth} queued, next try in ${(delay / 1000).toFixed(1)} s`);
      this.options.onChange?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      this.nextAttemptAt = null;
      if (!this.closed) this.options.onChange?.();
    }
  }

  private delayMs(): number {
    const { baseDelayMs = 1000, maxDelayMs = 300_000, random = Math.random } = this.options;
    const capped = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(this.failures - 1, 30));
    return Math.round(capped / 2 + (capped / 2) * random());
  }

  /** null when the receiver took it (2xx), else why not. */
  private send(target: { url: string; headers: Record<string, string> }, body: string): Promise<string | null> {
    const { timeoutMs = 10_000 } = this.options;
    return requestOutcome({ url: target.url, method: 'POST', headers: target.headers, body, timeoutMs, signal: this.abort.signal });
  }
}
