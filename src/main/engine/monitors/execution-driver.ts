// Drives every entry of one document's `Y.Map('executions')` through the protocol, for one
// monitor: claim (claim.ts), make the output block when no editor does (headless-block.ts),
// start the run (execution-run.ts: at once when alone, else once the claim holds), repair what concurrent writes undo,
// fail what is stuck. Each entry is handled on its own: every change re-reads the entry and
// decides from its current value (no event is trusted to carry the state), inside a try/catch,
// so a malformed entry is marked failed and never stops the peer or its neighbours.
import * as Y from 'yjs';
import { claimDelayMs, claimEntry, claimRank, isClaimable, settledAt } from './claim';
import { STATUS, executionsOf, isOwnedBy, isTerminal, readEntry, updateEntry, type ExecutionEntry, type ExecutionError } from './execution-entry';
import { ExecutionRun } from './execution-run';
import { describe } from './describe-error';
import type { PeerTiming } from './peer-timing';
import { reconcileOutputBlocks } from './output-block';
import { makeHeadlessBlock } from './headless-block';
import { chooseRuntime } from './runtime-choice';
import { placeOutputBlock } from './misplaced-output-block';
import { pendingStdinResponse } from './stdin';
import type { DriverContext } from './driver-context';
import { recoverFromGoneOwner } from './gone-owner';
import { settledTimeout } from './settled-timeout';
import { StartedRuns } from './started-runs';

interface Tracking {
  /** Set while a claim is scheduled. */
  cancelClaim?: () => void;
  /** Our Yjs clock just after our claim: the others acknowledge having integrated it (step 3). */
  claimClock?: number;
  /** Local time of our claim. */
  claimedAt?: number;
  headlessTimer?: NodeJS.Timeout;
  settleTimer?: NodeJS.Timeout;
  run?: ExecutionRun;
}

export class ExecutionDriver {
  private readonly tracking = new Map<string, Tracking>();
  /** Entries waiting for the other monitors (step 0 or 3): looked at again when awareness changes. */
  private readonly awaiting = new Set<string>();
  /** Runs this peer started, with their terminal fields once known; never run twice here. */
  private readonly started = new StartedRuns();
  private readonly ydoc: Y.Doc;
  private readonly monitorId: string;
  private readonly timing: PeerTiming;
  private readonly origin: unknown;

  constructor(private readonly context: DriverContext) {
    this.ydoc = context.ydoc;
    this.monitorId = context.monitorId;
    this.timing = context.timing;
    this.origin = context.origin;
  }

  /**
   * Lets go of every entry. With `failOwned`, unfinished entries we own are failed (running
   * ones interrupted) so no cell waits for a monitor that is gone.
   */
  stop(failOwned: boolean): void {
    for (const [id, tracking] of this.tracking) {
      this.clearTimers(tracking);
      tracking.run?.dispose({ interrupt: failOwned });
      const entry = readEntry(this.ydoc, id);
      if (failOwned && isOwnedBy(entry, this.monitorId) && !isTerminal(entry?.status)) {
        this.fail(id, { type: 'MonitorStopped', message: `monitor ${this.monitorId} stopped before this cell finished; run it again` });
      }
    }
    this.tracking.clear();
    this.awaiting.clear();
  }

  scanAll(): void {
    executionsOf(this.ydoc).forEach((_value, id) => this.consider(id));
  }

  /** The monitors in awareness, or what they announce, changed. */
  presenceChanged(): void {
    for (const id of [...this.awaiting]) this.consider(id);
  }

  /** `ownWrite`: this peer made the change (no block repair then). */
  consider(id: string, ownWrite = false): void {
    try {
      this.decide(id, ownWrite);
    } catch (error) {
      this.context.log('error', `${id}: ${describe(error)}`);
      this.fail(id, { type: 'MonitorError', message: describe(error) });
    }
  }

  private decide(id: string, ownWrite: boolean): void {
    const entry = readEntry(this.ydoc, id);
    const tracking = this.tracking.get(id);
    if (entry === null) {
      if (tracking?.run?.unconfirmed) tracking.run.cancel();
      if (tracking) this.release(id, tracking);
      return;
    }
    if (!this.context.isSynced()) return;
    const ours = isOwnedBy(entry, this.monitorId);
    // Only once the run is ours for sure (started here): a claim can still lose to an unseen
    // rival, whose output may go into the copy we would delete. Not after our own writes: only
    // others' changes misplace blocks (and the scan would cost on every status write).
    if (!ownWrite && ours && this.runsHere(id, tracking)) {
      if (entry.outputBlockReady) reconcileOutputBlocks(this.ydoc, id, entry.outputPosition, this.origin);
      placeOutputBlock(this.ydoc, id, entry, this.monitorId, this.origin, this.context.log);
    }
    if (ours && !isTerminal(entry.status) && this.repair(id, entry, tracking)) return;
    if (entry.status === STATUS.requested) {
      if (isClaimable(entry, this.monitorId)) this.scheduleClaim(id);
      return;
    }
    if (!ours || isTerminal(entry.status)) {
      // An early run whose claim did not hold is interrupted too (claim.ts, "Alone").
      if (entry.status === STATUS.cancelled || tracking?.run?.unconfirmed) tracking?.run?.cancel();
      // Backing off: a rival's claim won, or the entry is over.
      if (tracking && !tracking.run) this.release(id, tracking);
      else if (tracking) this.clearTimers(tracking);
      return;
    }
    if (entry.status === STATUS.claimed) this.scheduleHeadless(id);
    else if (entry.status === STATUS.ready) this.scheduleStart(id);
    else if (entry.status === STATUS.running) {
      if (!tracking?.run) {
        this.fail(id, {
          type: 'MonitorRestarted',
          message: `monitor ${this.monitorId} restarted while this cell was running; its output may be incomplete, run it again`,
        });
        return;
      }
      const answer = pendingStdinResponse(entry);
      if (answer !== null) tracking.run.answerStdin(answer);
    }
  }

  /**
   * A concurrent whole-entry write (typically an editor's late `ready`) can undo what we wrote.
   * We know better for runs we started: re-assert `running` while the run goes on, and the
   * terminal fields once it is over. Returns true when the entry was one of ours to repair.
   */
  private repair(id: string, entry: ExecutionEntry, tracking: Tracking | undefined): boolean {
    if (!this.started.has(id)) return false;
    const final = tracking?.run?.finalPatch ?? this.started.final(id);
    if (final !== null) {
      this.context.log('info', `${id}: entry went back to ${String(entry.status)} after our run ended; writing its outcome again`);
      updateEntry(this.ydoc, id, (current) => (isOwnedBy(current, this.monitorId) && !isTerminal(current.status) ? final : null), this.origin);
      return true;
    }
    if (tracking?.run) {
      if (entry.status !== STATUS.running) {
        this.context.log('info', `${id}: entry went back to ${String(entry.status)} while running; restoring running`);
        updateEntry(this.ydoc, id, (current) => (isOwnedBy(current, this.monitorId) && !isTerminal(current.status) ? { status: STATUS.running } : null), this.origin);
        return true;
      }
      return false;
    }
    this.fail(id, { type: 'MonitorError', message: 'the run of this cell ended without an outcome' });
    return true;
  }

  /** This peer started the run (its claim was confirmed): the only peer that writes its block. */
  private runsHere(id: string, tracking: Tracking | undefined): boolean {
    return (tracking?.run !== undefined && !tracking.run.unconfirmed) || this.started.has(id);
  }

  private track(id: string): Tracking {
    let tracking = this.tracking.get(id);
    if (!tracking) this.tracking.set(id, (tracking = {}));
    return tracking;
  }

  private scheduleClaim(id: string): void {
    const tracking = this.track(id);
    if (tracking.cancelClaim) return;
    const presence = this.context.presence;
    // Step 0: claims the others made before they saw us may still be on their way.
    if (!presence.seenByAll(this.monitorId)) {
      this.awaiting.add(id);
      return;
    }
    this.awaiting.delete(id);
    const delayMs = claimDelayMs(claimRank(id, presence.monitorIds(), this.monitorId), this.timing);
    const claim = (): void => {
      tracking.cancelClaim = undefined;
      if (this.tracking.get(id) !== tracking) return;
      this.safely(id, () => {
        if (claimEntry(this.ydoc, id, this.monitorId, Date.now(), this.origin)) {
          tracking.claimClock = Y.getState(this.ydoc.store, this.ydoc.clientID);
          tracking.claimedAt = Date.now();
          this.context.log('info', `${id}: claimed`);
          if (this.alone(id)) this.startRun(id, tracking, true);
        } else if (!tracking.run) this.release(id, tracking);
      });
    };
    if (delayMs > 0) {
      const timer = settledTimeout(delayMs, claim);
      tracking.cancelClaim = () => clearTimeout(timer);
      return;
    }
    // The preferred monitor claims at once (claim latency is what the editor waits on), but
    // outside the observer that told us, so our own write does not re-enter this decision.
    const immediate = setImmediate(claim);
    tracking.cancelClaim = () => clearImmediate(immediate);
  }

  private scheduleHeadless(id: string): void {
    const tracking = this.track(id);
    if (tracking.headlessTimer) return;
    const entry = readEntry(this.ydoc, id);
    const claimedAt = typeof entry?.claimedAt === 'number' ? entry.claimedAt : Date.now();
    const waitMs = Math.max(0, claimedAt + this.timing.headlessBlockMs - Date.now());
    tracking.headlessTimer = settledTimeout(waitMs, () => this.safely(id, () => makeHeadlessBlock(this.ydoc, id, this.monitorId, this.origin, this.context.log)));
  }

  /** Alone (claim.ts): synced a while, no other monitor in awareness, ours or foreign, a runtime to run on, and no resuming after a restart. */
  private alone(id: string): boolean {
    const presence = this.context.presence;
    if (this.context.resumable || presence.syncedForMs() < this.timing.aloneAfterMs || presence.foreignMonitors() > 0 || presence.monitorIds().some((other) => other !== this.monitorId)) return false;
    const entry = readEntry(this.ydoc, id);
    return entry !== null && chooseRuntime(entry, this.context.runtimes).ok;
  }

  private scheduleStart(id: string): void {
    const tracking = this.track(id);
    if (tracking.run && !tracking.run.unconfirmed) return;
    const entry = readEntry(this.ydoc, id);
    if (entry === null) return;
    const waitMs = this.settleWaitMs(id, entry, tracking);
    if (waitMs > 0) {
      tracking.settleTimer ??= settledTimeout(waitMs, () => {
        tracking.settleTimer = undefined;
        this.consider(id);
      });
      return;
    }
    clearTimeout(tracking.settleTimer);
    tracking.settleTimer = undefined;
    this.awaiting.delete(id);
    if (tracking.headlessTimer) clearTimeout(tracking.headlessTimer);
    tracking.headlessTimer = undefined;
    placeOutputBlock(this.ydoc, id, entry, this.monitorId, this.origin, this.context.log); // ours for sure now
    if (tracking.run) tracking.run.confirm();
    else this.startRun(id, tracking, false);
  }

  /** `early`: right after our claim, its writes held until `confirm()` (claim.ts, "Alone"). */
  private startRun(id: string, tracking: Tracking, early: boolean): void {
    const run = new ExecutionRun(
      {
        ydoc: this.ydoc,
        doc: this.context.doc,
        me: this.monitorId,
        runner: this.context.runner,
        queue: this.context.queue,
        runtimes: this.context.runtimes,
        timing: this.timing,
        origin: this.origin,
        log: (level, message) => this.context.log(level, message),
        onStarted: () => this.started.remember(id, null),
      },
      id,
      early,
    );
    tracking.run = run;
    void run.start().finally(() => {
      if (run.hasStarted) this.started.remember(id, run.finalPatch);
      if (tracking.run !== run) return;
      tracking.run = undefined;
      if (this.tracking.get(id) === tracking) this.release(id, tracking);
    });
  }

  /**
   * Step 3: how long before our claim is known to have won. With only monitors of ours present:
   * until each has acknowledged integrating our claim (0 once all have; the wait ends early on
   * an awareness change). With a foreign monitor present (it acknowledges nothing): the settle
   * window.
   */
  private settleWaitMs(id: string, entry: ExecutionEntry, tracking: Tracking): number {
    const presence = this.context.presence;
    const now = Date.now();
    if (presence.foreignMonitors() > 0) return settledAt(entry, this.timing) - now;
    // Resuming a claim made before a restart (same explicit id): our current clock covers it.
    tracking.claimClock ??= Y.getState(this.ydoc.store, this.ydoc.clientID);
    tracking.claimedAt ??= now;
    if (presence.ackedByAll(this.monitorId, this.ydoc.clientID, tracking.claimClock)) return 0;
    const leftMs = tracking.claimedAt + this.timing.ackTimeoutMs - now;
    if (leftMs > 0) {
      this.awaiting.add(id);
      return leftMs;
    }
    const silent = presence.notAcking(this.monitorId, this.ydoc.clientID, tracking.claimClock);
    this.context.log('warn', `${id}: no acknowledgement of our claim from ${silent.join(', ')} in ${this.timing.ackTimeoutMs} ms; running it`);
    return 0;
  }

  /** Periodic: fails owned entries stuck in `claimed`, and picks up entries no event announced. */
  sweep(): void {
    if (!this.context.isSynced()) return;
    const now = Date.now();
    executionsOf(this.ydoc).forEach((_value, id) => {
      this.safely(id, () => {
        const entry = readEntry(this.ydoc, id);
        if (entry === null) return;
        const stale = typeof entry.claimedAt === 'number' && now - entry.claimedAt > this.timing.stuckTimeoutMs;
        if (entry.status === STATUS.claimed && isOwnedBy(entry, this.monitorId) && stale) {
          this.fail(id, { type: 'Stuck', message: `claimed for ${this.timing.stuckTimeoutMs} ms without becoming ready` });
        } else if (!this.tracking.has(id) && !isTerminal(entry.status)) {
          this.consider(id);
        }
        recoverFromGoneOwner(this.context, id, entry, now);
      });
    });
  }

  private fail(id: string, error: ExecutionError): void {
    try {
      updateEntry(
        this.ydoc,
        id,
        (current) => (isOwnedBy(current, this.monitorId) ? { status: STATUS.error, completedAt: Date.now(), error } : null),
        this.origin,
      );
      this.context.log('warn', `${id}: ${error.type}: ${error.message}`);
    } catch (writeError) {
      this.context.log('error', `${id}: could not record failure: ${describe(writeError)}`);
    }
  }

  private safely(id: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.context.log('error', `${id}: ${describe(error)}`);
      this.fail(id, { type: 'MonitorError', message: describe(error) });
    }
  }

  private clearTimers(tracking: Tracking): void {
    tracking.cancelClaim?.();
    clearTimeout(tracking.headlessTimer);
    clearTimeout(tracking.settleTimer);
    tracking.cancelClaim = undefined;
    tracking.headlessTimer = tracking.settleTimer = undefined;
  }

  private release(id: string, tracking: Tracking): void {
    this.clearTimers(tracking);
    this.tracking.delete(id);
    this.awaiting.delete(id);
  }
}
