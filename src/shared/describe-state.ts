// The one place a service's state becomes words (STYLE.md §3): the UI, the tray and
// `showrunner status` all show these, never their own.
import type { ProbeResult, ScheduleStatus, ServiceSnapshot, ServiceState } from './model';

export type StateTone = 'ok' | 'busy' | 'waiting' | 'idle' | 'bad';

export interface StateDescription {
  label: string;
  /** Why, when there is more to say than the label. */
  detail: string | null;
  tone: StateTone;
}

export function describeState(state: ServiceState, now: number = Date.now()): StateDescription {
  switch (state.kind) {
    case 'disabled':
      return { label: 'Disabled', detail: 'starts only by hand', tone: 'idle' };
    case 'blocked': {
      const waits = [
        ...(state.waitingOn.cleanup ? [state.waitingOn.cleanup] : []),
        ...state.waitingOn.services.map((dep) => `${dep.name} to be ${dep.condition}`),
        ...state.waitingOn.devices.map((device) => `device ${device}`),
      ];
      const detail = state.problem ?? (waits.length ? `waiting for ${waits.join(', ')}` : null);
      return { label: 'Blocked', detail, tone: state.problem ? 'bad' : 'waiting' };
    }
    case 'starting':
      return { label: 'Starting', detail: state.pid ? `pid ${state.pid}` : null, tone: 'busy' };
    case 'running':
      return { label: 'Running', detail: `pid ${state.pid}, up ${formatDuration(now - state.since)}`, tone: 'ok' };
    case 'stopping':
      return { label: 'Stopping', detail: null, tone: 'busy' };
    case 'backoff': {
      const wait = Math.max(0, state.nextTryAt - now);
      return { label: 'Backing off', detail: `${state.lastExit}; try ${state.attempt} in ${formatDuration(wait)}`, tone: 'waiting' };
    }
    case 'exited':
      // The signal was ours: "killed by SIGTERM" would read like a crash (issue 16).
      if (state.requested) return { label: 'Stopped by operator', detail: null, tone: 'idle' };
      return { label: 'Exited', detail: describeExit(state.code, state.signal), tone: state.code === 0 && !state.signal ? 'idle' : 'bad' };
    case 'failed':
      // The reason already counts the restarts: one sentence, said once.
      return { label: 'Failed', detail: state.reason, tone: 'bad' };
    case 'completed':
      return { label: 'Completed', detail: null, tone: 'idle' };
    case 'closed':
      return {
        label: 'Closed',
        detail: state.opensAt === null ? `${state.schedule}: no opening within a year` : `${state.schedule}: until ${formatLocalTime(state.opensAt, state.timezone, now)}`,
        tone: 'idle',
      };
  }
}

/**
 * "Tue 10:00" in the schedule's zone (the gallery's clock, not the viewer's); with the date once
 * it is a week or more away ("Fri 25 Dec 10:00"). Only Intl: shared/ runs in the page too.
 */
export function formatLocalTime(at: number, timezone: string, now: number = Date.now()): string {
  const far = Math.abs(at - now) >= 6.5 * 86_400_000;
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timezone };
  if (far) Object.assign(options, { day: 'numeric', month: 'short' });
  try {
    return new Intl.DateTimeFormat('en-GB', options).format(at).replace(',', '');
  } catch {
    return new Date(at).toISOString();
  }
}

/** The node's short line: "gallery: open until Sat 18:00 · restart Sun 04:00" (a closed state says its hours itself). */
export function describeHours(service: Pick<ServiceSnapshot, 'state' | 'schedule' | 'dailyRestart'>, now: number = Date.now()): string | null {
  const parts: string[] = [];
  if (service.schedule && service.state.kind !== 'closed') parts.push(describeSchedule(service.schedule, now));
  if (service.dailyRestart) parts.push(`restart ${formatLocalTime(service.dailyRestart.nextAt, service.dailyRestart.timezone, now)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** What a scheduled service's opening hours say now: "gallery: open until Tue 18:00". */
export function describeSchedule(schedule: ScheduleStatus, now: number = Date.now()): string {
  const change = schedule.nextChangeAt === null ? null : formatLocalTime(schedule.nextChangeAt, schedule.timezone, now);
  if (schedule.open) return `${schedule.name}: open${change ? ` until ${change}` : ''}`;
  return `${schedule.name}: closed${change ? ` until ${change}` : ''}`;
}

export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  return `exited with code ${code ?? '?'}`;
}

export function describeService(service: ServiceSnapshot, now?: number): string {
  const { label, detail } = describeState(service.state, now);
  const health = service.state.kind === 'running' && service.health !== 'unknown' ? `, ${service.health}` : '';
  const degraded = service.degraded ? `; degraded: ${service.degraded}` : '';
  // A closed state already says its schedule; a running one says when it closes.
  const hours = service.schedule && service.state.kind !== 'closed' ? `; ${describeSchedule(service.schedule, now)}` : '';
  const restart = service.dailyRestart ? `; restarts ${formatLocalTime(service.dailyRestart.nextAt, service.dailyRestart.timezone, now)}` : '';
  return `${label}${health}${detail ? ` (${detail})` : ''}${degraded}${hours}${restart}`;
}

/**
 * The last probe result with its age. A stale one (its process has exited since) says so: it
 * is history, not health, and the panel greys it.
 */
export function describeProbe(result: ProbeResult, now: number = Date.now()): { text: string; stale: boolean } {
  const text = `${result.ok ? 'ok' : 'failed'}: ${result.message} (${formatDuration(now - result.at)} ago)`;
  return result.stale ? { text: `stale, from an earlier process: ${text}`, stale: true } : { text, stale: false };
}

export function formatDuration(ms: number): string {
  // Clamped: the page's clock ticks once a second, so "now" can trail a fresh start.
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
