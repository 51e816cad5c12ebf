// Is the process a record names still that process? A pid alone can be reused (after a reboot
// or wrap-around), so records keep the process start time too (proc-table.ts reads it, the one
// /proc parser). Kept apart from the supervisor lock so `showrunner status` can judge
// discovery records without loading the lock's code.
import { isSignalable, processStartTime } from '../engine/supervisor/proc-table';

/** Live means: the pid exists and, where start times are known, is the same process. */
export function isHolderAlive(info: { pid: number; processStart: string | null }): boolean {
  if (!isSignalable(info.pid)) return false;
  if (info.processStart === null) return true;
  const now = processStartTime(info.pid);
  return now === null || now === info.processStart;
}
