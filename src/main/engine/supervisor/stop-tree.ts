// Stopping a service means stopping everything it started (issue 5): the stop signal to its
// process group, a grace period, then SIGKILL for the whole tree, including grandchildren
// that called setsid and left the group. The tree is listed from /proc *before* signalling:
// once a parent dies its children are re-parented to init and the parent links are gone.
// With a launch marker, every process carrying it joins the tree too: a helper that
// double-forked into its own session has neither group nor parent link left (issue 14).
import { spawn } from 'node:child_process';
import { MARKERS_READABLE, markedWith } from './marked-processes';
import { collectTree, isSameProcess, isSignalable, readProcTable, type ProcInfo, type ProcRef } from './proc-table';

export interface StopTreeOptions {
  /** The main process; it leads its own process group (spawned detached). */
  pid: number;
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** Members seen earlier (by the stats sampler) that may have lost their parent link. */
  known?: ProcRef[];
  /** The launch's SHOWRUNNER_LAUNCH value: processes carrying exactly it are members. */
  marker?: string;
  /** The launch's start time: older processes cannot carry its marker and are not read. */
  since?: string;
  /** Resolves when the main process has exited, if it is our child. */
  exited?: Promise<unknown>;
  /** Resolves to cut the grace period short (a hard kill requested meanwhile). */
  forceNow?: Promise<unknown>;
  pollMs?: number;
}

export interface StopTreeResult {
  /** How many processes were still alive after the grace period and got SIGKILL. */
  killed: number;
}

const WINDOWS = process.platform === 'win32';
const KILL_SETTLE_MS = 2000;

export async function stopTree(options: StopTreeOptions): Promise<StopTreeResult> {
  const { pid, signal, timeoutMs, pollMs = 20 } = options;
  if (WINDOWS) return stopWindowsTree(options);
  // The common case after an exit: nothing left. One kill(…, 0) each beats listing /proc;
  // a marked launch may have left double-forked helpers only the marker finds.
  if (!(options.marker && MARKERS_READABLE) && !isSignalable(-pid) && !isSignalable(pid) && (options.known ?? []).every((ref) => !isSameProcess(ref))) return { killed: 0 };
  const tree = { pid, marker: options.marker, since: options.since };
  const table = readProcTable();
  let members = listTree(table, tree, options.known);
  if (members.length === 0) return { killed: 0 };
  if (signal !== 'SIGKILL') {
    signalGroup(pid, signal);
    // Members outside the group would otherwise never see the soft signal.
    for (const ref of members) if (table.get(ref.pid)?.pgid !== pid) signalPid(ref.pid, signal);
    const settled = await waitUntil(() => members.every((ref) => !isSameProcess(ref)), timeoutMs, pollMs, [
      options.exited,
      options.forceNow,
    ]);
    if (settled) {
      // The main process may have forked more on its way out; they die with it.
      members = listTree(readProcTable(), tree, members);
      if (members.length === 0) return { killed: 0 };
    }
  }
  const killed = killTreeRefs(tree, members);
  // SIGKILL is delivered at once but a process takes a moment to die; "stopped" means gone.
  await waitUntil(() => killed.every((ref) => !isSameProcess(ref)), KILL_SETTLE_MS, pollMs, [options.exited]);
  return { killed: killed.length };
}

interface TreeId {
  pid: number;
  marker?: string;
  since?: string;
}

/** SIGKILL for the whole tree at once. Members are frozen first so nothing forks in between. */
export function killTree(pid: number, known: ProcRef[] = [], marker?: string): number {
  if (WINDOWS) {
    taskkill(pid);
    return 1;
  }
  return killTreeRefs({ pid, marker }, known).length;
}

/** The root's tree by group and parent links, plus the launch's marked processes and theirs. */
function listTree(table: Map<number, ProcInfo>, tree: TreeId, known: ProcRef[] = []): ProcRef[] {
  return collectTree(table, tree.pid, [...known, ...markedWith(table, tree.marker, tree.since)]);
}

function killTreeRefs(tree: TreeId, known: ProcRef[]): ProcRef[] {
  const { pid } = tree;
  if (WINDOWS) {
    taskkill(pid);
    return [];
  }
  const before = listTree(readProcTable(), tree, known);
  signalGroup(pid, 'SIGSTOP');
  for (const ref of before) signalPid(ref.pid, 'SIGSTOP');
  // A marked process may have forked between the listing and its SIGSTOP: list again, frozen.
  const frozen = listTree(readProcTable(), tree, [...known, ...before]);
  signalGroup(pid, 'SIGKILL');
  for (const ref of frozen) signalPid(ref.pid, 'SIGKILL');
  return frozen;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // No such group any more, or it was never ours: the per-pid signals still go out.
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls `done`, waking early when any of `wake` settles; false on timeout. */
async function waitUntil(done: () => boolean, timeoutMs: number, pollMs: number, wake: (Promise<unknown> | undefined)[]): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let forced = false;
  void wake[1]?.then(() => (forced = true));
  // A wake promise counts once: after it settled, the others are polled for.
  let pending = wake.filter((promise): promise is Promise<unknown> => !!promise);
  while (!done()) {
    const left = deadline - Date.now();
    if (left <= 0 || forced) return false;
    let timer: NodeJS.Timeout | undefined;
    const woke = await Promise.race([
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.min(pollMs, left)))),
      ...pending.map((promise) => promise.then(() => ({ promise }))),
    ]);
    clearTimeout(timer);
    if (woke) pending = pending.filter((promise) => promise !== woke.promise);
  }
  return true;
}

async function stopWindowsTree(options: StopTreeOptions): Promise<StopTreeResult> {
  // Windows has no signals to send a tree; the soft stop asks the main process only.
  signalPid(options.pid, options.signal);
  const exited = options.exited ?? new Promise(() => {});
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    exited.then(() => true),
    options.forceNow?.then(() => false) ?? new Promise<boolean>(() => {}),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.timeoutMs))),
  ]);
  clearTimeout(timer);
  if (done) return { killed: 0 };
  taskkill(options.pid);
  return { killed: 1 };
}

function taskkill(pid: number): void {
  spawn('taskkill', ['/T', '/F', '/PID', String(pid)], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
}

