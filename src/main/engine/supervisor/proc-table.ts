// A listing of the machine's processes with the links a tree walk needs (parent, group) and
// an identity that survives pid reuse (start time). Linux reads /proc directly: one readdir
// and one small read per process, much cheaper than spawning `ps`. macOS falls back to `ps`;
// Windows has no process groups and lists nothing (stop-tree uses `taskkill /T` there).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readProcText } from './read-proc-text';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** /proc/<pid>/stat field 22 (ticks since boot) on Linux, `ps -o lstart` elsewhere. */
  startTime: string;
  /** User + system CPU time; null where only pidusage can tell. */
  cpuMs: number | null;
  rssBytes: number;
  zombie: boolean;
}

/** A process as remembered: the pid alone may name a different process later. */
export interface ProcRef {
  pid: number;
  startTime: string;
}

const LINUX = process.platform === 'linux';
const WINDOWS = process.platform === 'win32';
/** USER_HZ is 100 on every Linux ABI Node runs on; sysconf is not reachable from Node. */
const TICK_MS = 10;
let pageSize: number | null = null;

export function readProcess(pid: number): ProcInfo | null {
  if (LINUX) return readLinuxStat(pid);
  if (WINDOWS) return null;
  return readPsTable([pid]).get(pid) ?? null;
}

export function readProcTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  if (WINDOWS) return table;
  if (!LINUX) return readPsTable(null);
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const info = readLinuxStat(Number(name));
    if (info) table.set(info.pid, info);
  }
  return table;
}

/** True while `ref` still names the same, not yet dead process. */
export function isSameProcess(ref: ProcRef, table?: Map<number, ProcInfo>): boolean {
  if (WINDOWS) return isSignalable(ref.pid);
  const info = table ? table.get(ref.pid) : readProcess(ref.pid);
  return !!info && !info.zombie && info.startTime === ref.startTime;
}

/** The start time that, with the pid, names one process (lock files, discovery records). */
export function processStartTime(pid: number): string | null {
  return readProcess(pid)?.startTime ?? null;
}

export function isAlive(pid: number): boolean {
  if (WINDOWS) return isSignalable(pid);
  const info = readProcess(pid);
  return !!info && !info.zombie;
}

export interface TableIndex {
  children: Map<number, number[]>;
  groups: Map<number, number[]>;
}

/** Parent and group links of a table, built once when many trees are listed from it. */
export function indexTable(table: Map<number, ProcInfo>): TableIndex {
  const children = new Map<number, number[]>();
  const groups = new Map<number, number[]>();
  const add = (map: Map<number, number[]>, key: number, pid: number): void => {
    const list = map.get(key);
    if (list) list.push(pid);
    else map.set(key, [pid]);
  };
  for (const info of table.values()) {
    if (info.zombie) continue;
    add(children, info.ppid, info.pid);
    add(groups, info.pgid, info.pid);
  }
  return { children, groups };
}

/**
 * Every live process of a tree: the root, its descendants by parent links, every member of
 * the group the root leads (they stay in the group after their parent died), the descendants
 * of those, and the `known` refs that still match (setsid'd grandchildren whose parent died
 * since we last looked).
 */
export function collectTree(table: Map<number, ProcInfo>, rootPid: number, known: ProcRef[] = [], index = indexTable(table)): ProcRef[] {
  const { children, groups } = index;
  const seeds = [...(groups.get(rootPid) ?? [])];
  if (table.get(rootPid)?.zombie === false) seeds.push(rootPid);
  for (const ref of known) if (isSameProcess(ref, table)) seeds.push(ref.pid);
  const seen = new Set<number>();
  const out: ProcRef[] = [];
  while (seeds.length > 0) {
    const pid = seeds.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const info = table.get(pid);
    if (!info || info.zombie) continue;
    out.push({ pid, startTime: info.startTime });
    for (const child of children.get(pid) ?? []) seeds.push(child);
  }
  return out;
}

/**
 * A cheaper listing of one tree for periodic sampling on Linux: parent-to-children links from
 * /proc/<pid>/task/<pid>/children, a couple of reads per member instead of reading every
 * process on the machine. It sees only children of each main thread and misses group members
 * whose parent died unseen, so callers still do a full `collectTree` now and then. Null where
 * the kernel lacks those files (CONFIG_PROC_CHILDREN) or off Linux.
 */
export function walkTree(rootPid: number, known: ProcRef[] = []): ProcInfo[] | null {
  if (!LINUX) return null;
  const expected = new Map(known.map((ref) => [ref.pid, ref.startTime]));
  const seeds = [rootPid, ...expected.keys()];
  const seen = new Set<number>();
  const out: ProcInfo[] = [];
  while (seeds.length > 0) {
    const pid = seeds.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const info = readLinuxStat(pid);
    if (!info || info.zombie) continue;
    const want = expected.get(pid);
    if (want !== undefined && want !== info.startTime && pid !== rootPid) continue;
    out.push(info);
    let children: string;
    try {
      children = readProcText(`/proc/${pid}/task/${pid}/children`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && readLinuxStat(pid)) return null;
      continue;
    }
    for (const child of children.split(' ')) if (child) seeds.push(Number(child));
  }
  return out;
}

/** Fields of /proc/<pid>/stat after the command name that readLinuxStat keeps (0 = state). */
const STAT_FIELDS: boolean[] = Array.from({ length: 22 }, (_, index) => [0, 1, 2, 11, 12, 19, 21].includes(index));

function readLinuxStat(pid: number): ProcInfo | null {
  let text: string;
  try {
    text = readProcText(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // The command name sits in parentheses and may itself contain spaces or ')'. Only the seven
  // fields used are cut out (no split into 50 strings): this runs for every member every tick.
  const fields: string[] = [];
  let at = text.lastIndexOf(')') + 2;
  for (let index = 0; index <= 21 && at > 0; index++) {
    const end = text.indexOf(' ', at);
    if (STAT_FIELDS[index]) fields[index] = text.slice(at, end < 0 ? undefined : end);
    at = end + 1;
  }
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTime: fields[19],
    cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    rssBytes: Number(fields[21]) * linuxPageSize(),
    zombie: fields[0] === 'Z' || fields[0] === 'X',
  };
}

/** From our own RSS as both /proc files state it: no sysconf in Node, and arm64 may use 16/64 KiB pages. */
function linuxPageSize(): number {
  if (pageSize !== null) return pageSize;
  pageSize = 4096;
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]);
    const measured = (kib * 1024) / pages;
    for (const size of [4096, 16384, 65536]) if (Math.abs(measured - size) < size / 4) pageSize = size;
  } catch {
    // keep the common default
  }
  return pageSize;
}

function readPsTable(pids: number[] | null): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  const select = pids ? ['-p', pids.join(',')] : ['-A'];
  let text: string;
  try {
    text = execFileSync('ps', [...select, '-o', 'pid=,ppid=,pgid=,rss=,stat=,lstart='], { encoding: 'utf8' });
  } catch {
    return table;
  }
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+)$/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    table.set(pid, {
      pid,
      ppid: Number(match[2]),
      pgid: Number(match[3]),
      rssBytes: Number(match[4]) * 1024,
      zombie: match[5].startsWith('Z'),
      startTime: match[6].trim(),
      cpuMs: null,
    });
  }
  return table;
}

/** Whether a process (or, for a negative pid, any member of that group) still exists. */
export function isSignalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
