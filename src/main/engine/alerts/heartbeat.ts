// The dead-man switch (issue 18): a GET to `heartbeat_url` every interval while every
// autostarted service is where it should be (services-in-place.ts), none otherwise, so a
// watcher such as healthchecks.io raises the alarm when the beats stop — also when the whole
// machine is gone. Beats are not queued: a missed one is the message.
import type { ServiceSnapshot } from '../../../shared/model';
import { requestOutcome } from './request-outcome';
import { servicesInPlace, type InPlace } from './services-in-place';

export interface HeartbeatTarget {
  url: string;
  intervalMs: number;
  headers: Record<string, string>;
}

export interface HeartbeatStatus {
  intervalMs: number;
  /** Whether the condition held at the last check (`checkedAt`); `why` names the first service out of place. */
  inPlace: boolean;
  why: string | null;
  beats: number;
  /** When the condition was last checked (a beat goes, or not, each interval). */
  checkedAt: number | null;
  lastBeatAt: number | null;
  lastError: string | null;
}

export class Heartbeat {
  private target: HeartbeatTarget | undefined;
  private timer: NodeJS.Timeout | null = null;
  private beats = 0;
  private checkedAt: number | null = null;
  private lastCheck: InPlace | null = null;
  private lastBeatAt: number | null = null;
  private lastError: string | null = null;
  /** The last condition logged, so the log says each change once, not every interval. */
  private lastSaid = '';
  private readonly abort = new AbortController();

  constructor(
    private readonly services: () => readonly ServiceSnapshot[],
    private readonly log: (line: string) => void,
    /** After each check: `status()` has a new `checkedAt`, and maybe more. */
    private readonly onChecked: () => void = () => {},
  ) {}

  configure(target: HeartbeatTarget | undefined): void {
    const same = target && this.target && target.url === this.target.url && target.intervalMs === this.target.intervalMs;
    this.target = target;
    if (same) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (target) this.schedule(target.intervalMs);
  }

  status(): HeartbeatStatus | null {
    if (!this.target) return null;
    // As of the last check, not recomputed: a snapshot is read often, the services rarely change.
    const last = this.lastCheck ?? { ok: false, why: 'not checked yet' };
    return { intervalMs: this.target.intervalMs, inPlace: last.ok, why: last.ok ? null : last.why, beats: this.beats, checkedAt: this.checkedAt, lastBeatAt: this.lastBeatAt, lastError: this.lastError };
  }

  close(): void {
    this.target = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const target = this.target;
    if (!target) return;
    const started = Date.now();
    const check = servicesInPlace(this.services());
    this.lastCheck = check;
    if (!check.ok) {
      this.say(`heartbeat paused: ${check.why}`);
      this.checkedAt = Date.now();
    } else {
      const error = await this.send(target);
      if (error === null) {
        this.beats++;
        this.lastBeatAt = Date.now();
        this.lastError = null;
        this.say('heartbeat: sending');
      } else {
        this.lastError = error;
        this.say(`heartbeat not accepted: ${error}`);
      }
      this.checkedAt = Date.now();
    }
    if (this.target === target) this.onChecked();
    // configure() may have replaced the target (and its timer) meanwhile.
    if (this.target === target) this.schedule(Math.max(0, target.intervalMs - (Date.now() - started)));
  }

  private send(target: HeartbeatTarget): Promise<string | null> {
    const timeoutMs = Math.min(target.intervalMs, 10_000);
    return requestOutcome({ url: target.url, headers: target.headers, timeoutMs, signal: this.abort.signal });
  }

  private say(line: string): void {
    if (line === this.lastSaid) return;
    this.lastSaid = line;
    this.log(line);
  }
}
