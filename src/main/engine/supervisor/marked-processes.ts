// The processes that carry a launch marker (launch-marker.ts) in /proc/<pid>/environ: how a
// stop finds descendants that double-forked into their own session. Linux only; the file is
// readable for our own uid's processes, except setuid ones. It holds the environment the
// process was exec'd with, so a later setenv/unsetenv does not hide it, but `env -i` or an
// exec with a cleared environment does.
import { readFileSync } from 'node:fs';
import { LAUNCH_ENV } from './launch-marker';
import type { ProcInfo, ProcRef } from './proc-table';

export interface MarkedProcess {
  ref: ProcRef;
  marker: string;
}

/** Only Linux shows another process's environment as a file. */
export const MARKERS_READABLE = process.platform === 'linux';
const NEEDLE = Buffer.from(`${LAUNCH_ENV}=`);

/**
 * Every live process in `table` whose marker `match` accepts. `since` (a start time, clock
 * ticks) skips processes started before it, which cannot carry a launch made after.
 */
export function findMarkedProcesses(table: Map<number, ProcInfo>, match: (marker: string) => boolean, { since }: { since?: string } = {}): MarkedProcess[] {
  if (!MARKERS_READABLE) return [];
  const notBefore = since !== undefined && /^\d+$/.test(since) ? Number(since) : 0;
  const out: MarkedProcess[] = [];
  for (const info of table.values()) {
    if (info.zombie || info.pid === process.pid || Number(info.startTime) < notBefore) continue;
    const marker = readMarker(info.pid);
    if (marker !== null && match(marker)) out.push({ ref: { pid: info.pid, startTime: info.startTime }, marker });
  }
  return out;
}

/** The processes of exactly this launch, never a prefix match across launches or instances. */
export function markedWith(table: Map<number, ProcInfo>, marker: string | undefined, since?: string): ProcRef[] {
  if (!marker) return [];
  return findMarkedProcesses(table, (value) => value === marker, { since }).map((found) => found.ref);
}

function readMarker(pid: number): string | null {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return null; // gone, another uid, or setuid
  }
  let at = environ.indexOf(NEEDLE);
  while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(NEEDLE, at + 1);
  if (at < 0) return null;
  const start = at + NEEDLE.length;
  const end = environ.indexOf(0, start);
  return environ.toString('utf8', start, end < 0 ? environ.length : end);
}
