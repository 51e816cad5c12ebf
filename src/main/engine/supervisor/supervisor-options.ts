// How a Supervisor is made: where its logs and state go, whose it is, how it launches.
import type { LogSink } from '../logs/log-sink';
import type { ProcessLauncher } from './launch-request';
import type { ScheduleClock } from '../schedules/opening-hours';

export interface SupervisorOptions {
  logs: LogSink;
  /** Where the state file of running process trees lives (for orphan cleanup after a crash). */
  stateDir: string;
  /**
   * Whose supervisor this is: the instance key (engine/instance/manifest-key.ts), as for the lock. It names
   * the state file and starts every launch marker, so cleanup after a crash touches only
   * what a previous supervisor of the same manifest left.
   */
  instanceKey: string;
  /** Stats sampling period while a client watches (stats-clock.ts; 6× that otherwise); 0 disables. Default 5000. */
  statsIntervalMs?: number;
  /** How a service's process is started; default spawns `bash -lc` detached in its own process group (or node-pty when spec.pty). */
  launcher?: ProcessLauncher;
  /** Now and timers for opening hours and daily restarts; tests drive a hand clock. Default: the system's. */
  clock?: ScheduleClock;
}
