// Claiming an execution so that exactly one monitor runs it.
//
// Why this is needed: mrmd-monitor lets every monitor claim every `requested` entry and lets
// Yjs pick a winner by client id. Yjs has no compare-and-swap, so each monitor believes its own
// claim until the others' arrive, and a run may already have started by then (MRMD-NOTES.md:
// 16 of 200 cells ran twice with 5 monitors).
//
// The protocol here, per entry, with `me` this peer's id (monitor-id.ts: unique to one peer,
// across hosts and processes, for the peer's life; never the Yjs client id, which is a number
// and is what mrmd-monitor writes to `claimedBy`, so a numeric `claimedBy` is never ours).
// Our monitors announce `monitor: { id, peers, seen }` in awareness (peer-presence.ts): the ids
// of the other monitors of ours they see, and for each of those monitors' Yjs client ids the
// clock up to which they have integrated its updates.
//   0. Join. A monitor claims nothing until every other monitor of ours in its awareness lists
//      it in `peers`. Why: y-websocket relays one client's document updates and awareness
//      updates in the order it sent them (one socket, one server handler), so once monitor N
//      lists us, every claim N made before it saw us has reached us.
//   1. Stagger. For each exec id every monitor ranks the ids it sees by a rendezvous hash of
//      (monitor id, exec id); rank 0 claims at once, rank k waits k × `claimStaggerMs` and
//      claims only if the entry is still `requested`. Usually exactly one monitor claims.
//   2. Claim. A guarded write (re-read inside the transaction): `requested` and unclaimed →
//      `claimed`, `claimedBy: me`, `claimedAt`; we note our Yjs clock just after it.
//   3. Acknowledged. We start nothing until every other monitor of ours present has announced
//      `seen[our client] ≥ that clock`, i.e. has integrated our claim. A rival claims only an
//      entry it sees `requested`, so any rival claim was written before its acknowledgement
//      and, by the ordering in step 0, has reached us before it: from then on our copy holds
//      every competing claim and Yjs' resolution of them, the same one every monitor reaches.
//      No clock is involved, so a loaded machine (Yjs messages late by seconds) only makes it
//      slower. With a single monitor there is nobody to wait for. A monitor that joins later
//      sees our claim in its first sync or, per step 0, before it may claim. While a foreign
//      monitor (mrmd-monitor: no id, claims at once, acknowledges nothing; or one of ours from
//      before acknowledgements, announcing only its id) is present, the old rule applies
//      instead: do nothing until `settleMs` after our claim.
//   4. Ready names us. The editor (or we, headless) moves `claimed` → `ready` from its own
//      copy, so `ready` carries the `claimedBy` it saw; we run only when our copy, holding all
//      competing claims (step 3), is `ready` *and* `claimedBy === me`. A loser sees another id
//      and backs off for good (it claims again only if the entry returns to `requested`). An
//      editor's `ready` for a loser can only be written after the loser's claim won in the
//      editor's copy, which then is what every copy shows.
//   5. Re-check right before the run (after waiting in the per-runtime queue): still `ready`,
//      still ours, not cancelled; then a guarded `ready` → `running` and the POST.
//   Alone. With no other monitor in awareness, ours or foreign, nothing competes with our claim
//      but a monitor joining at that instant, and one of ours claims nothing until we list it
//      (step 0). Two monitors connecting in the same instant may each sync before the other's
//      awareness reaches it, and both would be "alone": so alone counts only once we have been
//      synced for `aloneAfterMs` (2 s), by when the server holds our awareness (sent right
//      after our sync step 1) and any monitor joining later sees us in its first sync. Then
//      the run starts right after our claim instead of after the editor's `ready`
//      (that round trip through the sync server and the editor was ~3 ms of a ~33 ms bash cell
//      here), and writes nothing (status, output, outcome, stdin request) until our copy shows
//      the entry `ready` and ours (step 4): then `running` and what the run produced so far go
//      in one transaction. Cancelled or taken before that, the run is interrupted and writes
//      nothing. With another monitor present, steps 1-5 apply unchanged. A peer given an
//      explicit id (which resumes its `claimed` entries after a restart) never starts early: its
//      crashed self may have started the run. Others' `claimed` entries left by a monitor that
//      is gone are failed, never re-run (gone-owner.ts), saying they may have started.
// Every later write goes through `updateEntry`, which never moves a status backwards and never
// changes a terminal entry. Yjs still lets a concurrent whole-entry write from another peer win
// (typically an editor's late `ready` landing on our `running`); the monitor that ran the cell
// knows better and re-asserts `running`, then its terminal fields (ExecutionDriver.repair), and
// never starts the same entry twice in one process.
//
// Peers that leave: a restarted monitor is a new peer with a new id. An unfinished entry whose
// owner (our id or mrmd-monitor's client id) has been absent from awareness for `goneOwnerMs`
// while we were synced is failed as MonitorRestarted by the monitor ranked first for it, never
// re-offered: the owner may have started the run just before it went, and a second run is worse
// than a cell to run again (ExecutionDriver.recoverFromGoneOwner).
//
// Speed: the acknowledgement travels while the editor answers our claim with `ready` (both one
// round trip), so a cell costs no fixed wait; there is no per-cell settle window among our
// monitors, and alone a monitor does not wait for that round trip at all ("Alone").
// bench/monitor-throughput.bench.ts compares this with mrmd-monitor 0.1.3.
//
// Measured: exactly-once.test.ts (5 monitors in one busy process, 120 cells at once, beside two
// CPU hogs) and e2e/monitor-processes.e2e.test.ts (two `showrunner mrmd` daemons and two
// `showrunner monitor` processes, 40 cells at once, with and without a sync-server restart):
// every cell ran once, none errored.
//
// Remaining risks: a monitor of ours that stays in awareness but never acknowledges (hung) holds
// our start back for `ackTimeoutMs`, after which we run anyway, and it could then still claim.
// A partitioned monitor dropped from awareness (30 s) that comes back with a claim it wrote
// from its stale copy is not covered by step 3. With a foreign monitor present, a rival claim
// slower than the settle window can still make a cell run twice (it can on its own anyway).
// Alone: a foreign monitor whose claim and awareness arrive in the instant of our claim can win
// an entry whose early run already started; we interrupt it, but some of it may have run.
import type * as Y from 'yjs';
import { STATUS, isOwnedBy, readEntry, updateEntry, type ExecutionEntry } from './execution-entry';

export interface ClaimTiming {
  /** Wait per rank before a non-preferred monitor claims. */
  claimStaggerMs: number;
  /** Quiet time after our claim before we act on it, while a foreign monitor is present. */
  settleMs: number;
  /** Waiting longer than this for another monitor's acknowledgement, we run anyway (liveness). */
  ackTimeoutMs: number;
  /** "Alone" counts only once we have been synced this long (see the protocol note). */
  aloneAfterMs: number;
}

export const DEFAULT_CLAIM_TIMING: ClaimTiming = { claimStaggerMs: 250, settleMs: 120, ackTimeoutMs: 15_000, aloneAfterMs: 2000 };

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
