// `status.json` for external watchdogs (issue 17, Gradi's next steps): the daemon's services and
// their states in `<state dir>/status/<instance key>.json`, one file per instance like the lock
// and the token, rewritten atomically (temp file, rename) shortly after every change, so a
// reader never sees half a file. On a clean stop the last write says `running: false`.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemSnapshot } from '../../shared/model';
import type { EventHub } from '../engine/api/event-hub';
import { writeFileDurable } from '../engine/fs/write-file-durable';

export interface StatusFileOptions {
  hub: EventHub;
  stateDir: string;
  instanceKey: string;
  manifest: string;
  snapshot: () => SystemSnapshot;
  url: () => string | null;
  /** Changes within this window are written once. */
  delayMs?: number;
  log?: (line: string) => void;
}

export function statusFilePath(stateDir: string, instanceKey: string): string {
  return join(stateDir, 'status', `${instanceKey}.json`);
}

/**
 * What the previous daemon of this instance left: a file still saying `running: true` was never
 * given its clean stop's last write (kill -9, a crash, power lost). Read under the supervisor
 * lock, before this daemon's first write, so no live daemon of the instance can be its writer.
 */
export async function previousUncleanExit(stateDir: string, instanceKey: string): Promise<{ pid: number | null; lastSeen: string | null } | undefined> {
  try {
    const status = JSON.parse(await readFile(statusFilePath(stateDir, instanceKey), 'utf8')) as { running?: unknown; pid?: unknown; updatedAt?: unknown };
    if (status?.running !== true) return undefined;
    return { pid: typeof status.pid === 'number' ? status.pid : null, lastSeen: typeof status.updatedAt === 'string' ? status.updatedAt : null };
  } catch {
    return undefined;
  }
}

export class StatusFile {
  readonly path: string;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly session;
  private closed = false;
  private durableOnce = false;

  constructor(private readonly options: StatusFileOptions) {
    this.path = statusFilePath(options.stateDir, options.instanceKey);
    // Stats ticks (a service.changed without a transition) and log chunks change nothing a
    // watchdog reads: no write for them, so an idle daemon stays idle.
    this.session = options.hub.open(
      (name, _seq, payload) => {
        if (name === 'log.chunk' || name === 'execution.changed') return;
        if (name === 'service.changed' && (payload as { transition: unknown }).transition === null) return;
        this.schedule();
      },
      { watches: false },
    );
  }

  /** Writes now (the first write, once listening). */
  async write(running = true): Promise<void> {
    const next = this.writing.then(() => this.writeOnce(running));
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.session.close();
    await this.write(false).catch(() => undefined);
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write().catch((error: unknown) => this.options.log?.(`status file: ${String(error)}`));
    }, this.options.delayMs ?? 200);
    this.timer.unref();
  }

  private async writeOnce(running: boolean): Promise<void> {
    const snapshot = this.options.snapshot();
    const status = {
      running,
      pid: process.pid,
      manifest: this.options.manifest,
      key: this.options.instanceKey,
      url: this.options.url(),
      updatedAt: new Date().toISOString(),
      problems: snapshot.problems.length,
      services: snapshot.services.map((service) => ({
        name: service.name,
        state: service.state.kind,
        pid: service.state.kind === 'running' || service.state.kind === 'starting' ? (service.state as { pid?: number }).pid ?? null : null,
        health: service.health,
        restarts: service.restarts,
        degraded: service.degraded,
        origin: service.origin,
      })),
    };
    await mkdir(join(this.options.stateDir, 'status'), { recursive: true });
    // The first write (`running: true`, the unclean-exit marker) and the clean stop's last are
    // fsynced, so a power cut cannot lose them; the rewrites in between need not be.
    const sync = !this.durableOnce || !running;
    await writeFileDurable(this.path, JSON.stringify(status, null, 2) + '\n', { sync });
    this.durableOnce = true;
  }
}
