// Claiming an execution so that exactly one monitor runs it.
//
// Why this is needed: mrmd-monitor lets every monitor claim every `requested` entry and lets
// Yjs pick a winner by client id. Yjs has no compare-and-swap, so each monitor believes its own
// claim until the others' arrive, and a run may already have started by then (MRMD-NOTES.md:
// 16 of 200 cells ran twice with 5 monitors).
//
// The protocol here, per entry, with `me` a stable monitor id (not the Yjs client id, so a
// restarted monitor still recognises what it owned):
//   1. Stagger. Monitors announce `monitor: { id }` in awareness. For each exec id every
//      monitor ranks the ids it sees by a rendezvous hash of (monitor id, exec id); rank 0
//      claims at once, rank k waits k × `claimStaggerMs` and claims only if the entry is
//      still `requested`. In the common case exactly one monitor ever writes a claim.
//   2. Claim. A guarded write (re-read inside the transaction): `requested` and unclaimed →
//      `claimed`, `claimedBy: me`, `claimedAt`.
//   3. Settle. The monitor does nothing else until `settleMs` after its claim. A rival that
//      claimed concurrently did so before seeing our claim, so its write reaches us within two
//      one-way delays of ours; after the window, every monitor sees the same Yjs winner.
//   4. Ready names us. The editor (or we, headless) moves `claimed` → `ready` from its own
//      copy, so `ready` carries the `claimedBy` it saw; we run only when the converged entry
//      is `ready` *and* `claimedBy === me`. A loser sees another id and backs off for good
//      (it claims again only if the entry returns to `requested`).
//   5. Re-check right before the run (after waiting in the per-runtime queue): still `ready`,
//      still ours, not cancelled; then a guarded `ready` → `running` and the POST.
// Every later write goes through `updateEntry`, which never moves a status backwards and never
// changes a terminal entry. Yjs still lets a concurrent whole-entry write from another peer win
// (typically an editor's late `ready` landing on our `running`); the monitor that ran the cell
// knows better and re-asserts `running`, then its terminal fields (ExecutionDriver.repair), and
// never starts the same entry twice in one process.
//
// Timers that decide on the others' silence (stagger, settle, headless block) are lag-aware: a
// timer that fires late means the event loop was busy and messages may be waiting unread, so
// it waits one more period instead of acting on a stale view.
//
// Measured (exactly-once.test.ts): 5 monitors in one busy process, 200 cells requested at
// once, Yjs messages delayed by up to ~1 s: every cell ran once, on the built-in runtime and on
// one that answers 409 while busy (mrmd-monitor: 16 of 200 twice, 30 errors).
//
// Remaining risk: if a rival's concurrent claim takes longer than the stagger and the settle
// window to reach us (a partitioned or very slow link), and its write wins the Yjs conflict
// after we started, the cell can run twice; staggering makes concurrent claims rare in the
// first place (they need two monitors that disagree on who ranks first, e.g. while one is
// joining, or that do not see each other at all). Monitors that are not ours (mrmd-monitor)
// announce no id and claim at once, so with them the settle window is the only protection.
// An entry left by a monitor that never comes back stays with it (no takeover by others: a
// silent monitor may be partitioned, not dead); the editor can cancel and re-run it.
import type * as Y from 'yjs';
import { STATUS, isOwnedBy, readEntry, updateEntry, type ExecutionEntry } from './execution-entry';

export interface ClaimTiming {
  /** Wait per rank before a non-preferred monitor claims. */
  claimStaggerMs: number;
  /** Quiet time after our claim before we act on it, while a foreign monitor is present. */
  settleMs: number;
  /** Waiting longer than this for another monitor's acknowledgement, we run anyway (liveness). */
  ackTimeoutMs: number;
}

export const DEFAULT_CLAIM_TIMING: ClaimTiming = { claimStaggerMs: 250, settleMs: 120, ackTimeoutMs: 15_000 };

/** Rendezvous hash: every monitor computes the same order from the same set of ids. */
export function claimRank(execId: string, monitorIds: Iterable<string>, me: string): number {
  const ids = new Set(monitorIds);
  ids.add(me);
  const order = [...ids].sort((a, b) => score(b, execId) - score(a, execId) || (a < b ? -1 : 1));
  return order.indexOf(me);
}

export function claimDelayMs(rank: number, timing: ClaimTiming): number {
  return rank * timing.claimStaggerMs;
}

function score(monitorId: string, execId: string): number {
  // FNV-1a, 32 bit, then mixed: cheap and stable across processes.
  let hash = 0x811c9dc5;
  const text = `${monitorId}\u0000${execId}`;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // murmur3's finalizer: FNV alone barely mixes the last characters, and ids differ there.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function isClaimable(entry: ExecutionEntry | null, me: string): boolean {
  if (entry === null || entry.status !== STATUS.requested) return false;
  return entry.claimedBy === null || entry.claimedBy === undefined || entry.claimedBy === me;
}

/** Step 2: returns true when our claim was written. */
export function claimEntry(doc: Y.Doc, id: string, me: string, now = Date.now(), origin: unknown = null): boolean {
  const written = updateEntry(
    doc,
    id,
    (current) => (isClaimable(current, me) ? { status: STATUS.claimed, claimedBy: me, claimedAt: now } : null),
    origin,
  );
  return written !== null;
}

/** Step 4: the converged entry is `ready` and names us. */
export function isReadyForUs(entry: ExecutionEntry | null, me: string): boolean {
  return entry !== null && entry.status === STATUS.ready && isOwnedBy(entry, me);
}

/** Step 5: guarded `ready` → `running`; false means someone else has it or it was cancelled. */
export function beginRun(doc: Y.Doc, id: string, me: string, now = Date.now(), origin: unknown = null): boolean {
  const written = updateEntry(
    doc,
    id,
    (current) => (isReadyForUs(current, me) ? { status: STATUS.running, startedAt: now } : null),
    origin,
  );
  return written !== null;
}

/** When our settle window ends, given our claim time (or the entry's, after a restart). */
export function settledAt(entry: ExecutionEntry, timing: ClaimTiming): number {
  return (typeof entry.claimedAt === 'number' ? entry.claimedAt : 0) + timing.settleMs;
}
