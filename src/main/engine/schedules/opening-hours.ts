// The supervisor's clock for opening hours and daily restarts (issue 18): one timer per daemon,
// armed for the next event of any schedule or restart, never a poll per service. Each firing
// re-reads the clock and acts on the state *now* (schedule-state.ts), so a timer that fires late
// (suspend, NTP step) still lands in the right state. Timers count monotonic time while the
// wall clock may jump, so a sleep is capped at `maxSleepMs`: at most one idle wake-up a minute.
import type { ScheduleStatus, ServiceSnapshot, ServiceState } from '../../../shared/model';
import type { ScheduleSpec, ServiceSpec } from '../config/manifest-types';
import { nextDailyAt } from './next-daily-at';
import { scheduleState, type ScheduleState } from './schedule-state';

/** Now and a one-shot timer: Date.now/setTimeout for real, a hand-driven clock in tests. */
export interface ScheduleClock {
  now(): number;
  /** Calls `callback` after about `delayMs`; returns a cancel function. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    // Opening hours alone must not keep a process alive.
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** What the supervisor does when the hours say so (supervisor/schedule-target.ts). */
export interface HoursTarget {
  /** Stop these in reverse dependency order, each ending in its `closed` state. */
  close(closing: { name: string; state: ServiceState }[], reason: string): Promise<void>;
  /** Those of these that are `closed` take this newer `closed` state (the schedule was edited, the clock set back). */
  reclose(closing: { name: string; state: ServiceState }[], reason: string): void;
  /** Start those of these that are `closed`. */
  open(names: string[], reason: string): Promise<void>;
  /** A clean restart, only if the service is running. */
  restart(name: string, reason: string): Promise<void>;
  /** Their schedule or next restart moved: publish fresh snapshots. */
  changed(names: string[]): void;
  say(line: string): void;
}

export interface OpeningHoursOptions {
  maxSleepMs?: number;
  /** A daily restart found later than this (the machine slept through it) is skipped, not done at a random hour. */
  missedRestartGraceMs?: number;
}

interface Entry {
  spec: ServiceSpec;
  /** Whether its schedule was open when last looked at; undefined until then (new services go through the start gate). */
  open: boolean | undefined;
  nextRestartAt?: number;
  restartKey?: string;
}

export class OpeningHours {
  private readonly entries = new Map<string, Entry>();
  private readonly states = new Map<string, { key: string; state: ScheduleState }>();
  private cancel: (() => void) | null = null;
  private lastTick = -Infinity;
  private work: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly maxSleepMs: number;
  private readonly graceMs: number;

  constructor(
    private readonly clock: ScheduleClock,
    private readonly target: HoursTarget,
    { maxSleepMs = 60_000, missedRestartGraceMs = 10 * 60_000 }: OpeningHoursOptions = {},
  ) {
    this.maxSleepMs = maxSleepMs;
    this.graceMs = missedRestartGraceMs;
  }

  /** The services as the manifest now has them; acts on any whose schedule changed. */
  update(specs: readonly ServiceSpec[]): void {
    const names = new Set(specs.map((spec) => spec.name));
    for (const name of this.entries.keys()) if (!names.has(name)) this.entries.delete(name);
    for (const spec of specs) {
      const entry = this.entries.get(spec.name);
      if (entry) entry.spec = spec;
      else this.entries.set(spec.name, { spec, open: undefined });
    }
    this.tick();
  }

  /** The state a service not yet started should take instead of starting, or null when it may start. */
  closedState(name: string): ServiceState | null {
    const schedule = this.entries.get(name)?.spec.schedule;
    const state = schedule ? this.states.get(schedule.name)?.state : undefined;
    if (!schedule || !state || state.open) return null;
    return { kind: 'closed', schedule: schedule.name, timezone: schedule.timezone, opensAt: state.nextChangeAt };
  }

  /** The snapshot fields of a service: its schedule now and its next daily restart. */
  timing(name: string): Pick<ServiceSnapshot, 'schedule' | 'dailyRestart'> {
    const entry = this.entries.get(name);
    if (!entry) return {};
    const timing: Pick<ServiceSnapshot, 'schedule' | 'dailyRestart'> = {};
    const schedule = entry.spec.schedule;
    const state = schedule ? this.states.get(schedule.name)?.state : undefined;
    if (schedule && state) timing.schedule = status(schedule, state);
    const restart = entry.spec.dailyRestart;
    if (restart && entry.nextRestartAt !== undefined) timing.dailyRestart = { time: clockText(restart.minute), timezone: restart.timezone, nextAt: entry.nextRestartAt };
    return timing;
  }

  /** Resolves once every action already begun has finished. */
  settled(): Promise<void> {
    return this.work;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel?.();
    this.cancel = null;
  }

  private tick(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    // The wall clock went back (NTP, a manual fix): every cached answer may be wrong.
    const jumpedBack = now < this.lastTick;
    this.lastTick = now;
    const changed = new Set<string>();
    const fresh = this.evaluateSchedules(now, jumpedBack);
    const closing: { name: string; state: ServiceState }[] = [];
    const reclosing: { name: string; state: ServiceState }[] = [];
    const opening: { name: string; why: string }[] = [];
    const restarts: { name: string; reason: string }[] = [];
    for (const [name, entry] of this.entries) {
      const schedule = entry.spec.schedule;
      if (schedule && fresh.has(schedule.name)) changed.add(name);
      const open = schedule ? (this.states.get(schedule.name)?.state.open ?? true) : true;
      if (entry.open !== undefined && entry.open !== open) {
        if (open) opening.push({ name, why: schedule ? `opening hours: ${schedule.name} open` : 'opening hours: no longer scheduled' });
        else closing.push({ name, state: this.closedState(name) as ServiceState });
        changed.add(name);
      } else if (entry.open === false && !open && schedule && fresh.has(schedule.name)) {
        reclosing.push({ name, state: this.closedState(name) as ServiceState });
      }
      entry.open = open;
      if (this.restartDue(entry, now, jumpedBack, changed)) restarts.push({ name, reason: `daily restart (${clockText(entry.spec.dailyRestart!.minute)})` });
    }
    if (closing.length > 0 || opening.length > 0 || restarts.length > 0) {
      this.work = this.work.then(async () => {
        // A supervisor shutting down must not have a late action start anything again.
        for (const schedule of new Set(closing.map(({ state }) => (state.kind === 'closed' ? state.schedule : '')))) {
          if (this.disposed) return;
          const names = closing.filter(({ state }) => state.kind === 'closed' && state.schedule === schedule);
          await this.target.close(names, `outside opening hours: ${schedule} closed`);
        }
        for (const why of new Set(opening.map((entry) => entry.why))) {
          if (!this.disposed) await this.target.open(opening.filter((entry) => entry.why === why).map((entry) => entry.name), why);
        }
        for (const { name, reason } of restarts) if (!this.disposed) await this.target.restart(name, reason);
      }).catch((error) => this.target.say(`opening hours: ${(error as Error).message}`));
    }
    if (reclosing.length > 0) this.target.reclose(reclosing, 'opening hours changed');
    if (changed.size > 0) this.target.changed([...changed]);
    this.arm(now);
  }

  /** Re-reads the schedules whose answer is due (or unknown, or edited); returns their names. */
  private evaluateSchedules(now: number, jumpedBack: boolean): Set<string> {
    const fresh = new Set<string>();
    const used = new Map<string, ScheduleSpec>();
    for (const entry of this.entries.values()) if (entry.spec.schedule) used.set(entry.spec.schedule.name, entry.spec.schedule);
    for (const name of this.states.keys()) if (!used.has(name)) this.states.delete(name);
    for (const [name, schedule] of used) {
      const key = JSON.stringify(schedule);
      const cached = this.states.get(name);
      const due = cached?.state.nextChangeAt != null && now >= cached.state.nextChangeAt;
      if (cached && cached.key === key && !due && !jumpedBack) continue;
      this.states.set(name, { key, state: scheduleState(schedule, now) });
      fresh.add(name);
    }
    return fresh;
  }

  /** Moves the entry's next restart on when due, and says whether a restart is to happen now. */
  private restartDue(entry: Entry, now: number, jumpedBack: boolean, changed: Set<string>): boolean {
    const restart = entry.spec.dailyRestart;
    const key = restart ? `${restart.minute} ${restart.timezone}` : undefined;
    if (!restart) {
      if (entry.nextRestartAt !== undefined) changed.add(entry.spec.name);
      delete entry.nextRestartAt;
      return false;
    }
    let due = false;
    if (entry.nextRestartAt !== undefined && entry.restartKey === key && !jumpedBack) {
      if (now < entry.nextRestartAt) return false;
      const lateMs = now - entry.nextRestartAt;
      due = lateMs <= this.graceMs;
      if (!due) this.target.say(`${entry.spec.name}: daily restart of ${clockText(restart.minute)} skipped: the clock jumped past it by ${Math.round(lateMs / 60_000)} min (suspend?)`);
    }
    entry.nextRestartAt = nextDailyAt(restart.minute, restart.timezone, now);
    entry.restartKey = key;
    changed.add(entry.spec.name);
    return due;
  }

  private arm(now: number): void {
    this.cancel?.();
    let next = Infinity;
    for (const { state } of this.states.values()) if (state.nextChangeAt !== null) next = Math.min(next, state.nextChangeAt);
    for (const entry of this.entries.values()) if (entry.nextRestartAt !== undefined) next = Math.min(next, entry.nextRestartAt);
    if (next === Infinity) {
      this.cancel = null;
      return;
    }
    const delayMs = Math.max(0, Math.min(next - now, this.maxSleepMs));
    this.cancel = this.clock.setTimer(() => this.tick(), delayMs);
  }
}

function status(schedule: ScheduleSpec, state: ScheduleState): ScheduleStatus {
  return { name: schedule.name, timezone: schedule.timezone, open: state.open, nextChangeAt: state.nextChangeAt };
}

function clockText(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
