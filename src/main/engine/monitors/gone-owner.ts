// Entries whose claiming monitor has left the document (ARCHITECTURE.md §4): failed as
// MonitorRestarted by one present monitor, never run again.
import { claimDelayMs, claimRank } from './claim';
import type { DriverContext } from './driver-context';
import { STATUS, isTerminal, updateEntry, type ExecutionEntry, type ExecutionError } from './execution-entry';
import type { Owner } from './peer-presence';

/**
 * An entry claimed by a peer that has left (not in awareness for `goneOwnerMs` while we were
 * synced) would wait forever: restarted monitors are new peers with new ids. It is failed as
 * MonitorRestarted, never re-offered: the owner may have started the run just before it went,
 * and a second run is worse than a cell to run again. The present monitor ranked first for the
 * entry writes it; the others only after their stagger, in case the first is gone too.
 */
export function recoverFromGoneOwner(context: DriverContext, id: string, entry: ExecutionEntry, now: number): void {
  const { ydoc, monitorId, timing, origin } = context;
  const owner = entry.claimedBy;
  if (typeof owner !== 'string' && typeof owner !== 'number') return;
  if (owner === monitorId || isTerminal(entry.status) || entry.status === STATUS.requested) return;
  const presence = context.presence;
  const rank = claimRank(id, presence.monitorIds(), monitorId);
  if (presence.absentForMs(owner, now) < timing.goneOwnerMs + claimDelayMs(rank, timing)) return;
  const status = String(entry.status);
  const written = updateEntry(
    ydoc,
    id,
    (current) => (current.claimedBy === owner && !isTerminal(current.status) ? { status: STATUS.error, completedAt: now, error: goneError(owner, status) } : null),
    origin,
  );
  if (written !== null) context.log('warn', `${id}: its monitor ${String(owner)} left while it was ${status}; failed as MonitorRestarted`);
}

function goneError(owner: Owner, status: string): ExecutionError {
  return {
    type: 'MonitorRestarted',
    // A monitor alone in the document starts the run at its claim (claim.ts, "Alone").
    message: `monitor ${String(owner)} left (gone from the document's awareness) while this cell was ${status}; it may have started, run it again if it did not finish`,
  };
}
