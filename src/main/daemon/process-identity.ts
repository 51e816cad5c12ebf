// Is the process a record names still that process? A pid alone can be reused (after a reboot
// or wrap-around), so records keep the process start time too. Kept apart from the supervisor
// lock so `showrunner status` can judge discovery records without loading the lock's code.
import { readFileSync } from 'node:fs';

/** /proc/PID/stat field 22 (clock ticks since boot); the command name (field 2) may hold spaces
 *  and parentheses. Null off Linux or when the process is gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live means: the pid exists and, where start times are known, is the same process. */
export function isHolderAlive(info: { pid: number; processStart: string | null }): boolean {
  if (!isProcessAlive(info.pid)) return false;
  if (info.processStart === null) return true;
  const now = processStartTime(info.pid);
  return now === null || now === info.processStart;
}
