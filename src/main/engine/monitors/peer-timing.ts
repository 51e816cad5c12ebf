// How long a monitor peer waits for what: claims, the editor's output block, stuck entries,
// reconnects, runs. Read by the peer and by each execution it drives.
import { DEFAULT_CLAIM_TIMING, type ClaimTiming } from './claim';
import type { RunTiming } from './run-context';

export interface PeerTiming extends ClaimTiming, RunTiming {
  /** How long after our claim we wait for an editor to create the output block. */
  headlessBlockMs: number;
  /** How often owned entries are checked for being stuck. */
  sweepMs: number;
  /** How long a claim's owner must be absent from awareness before its entry is recovered. */
  goneOwnerMs: number;
  maxReconnectBackoffMs: number;
}

export const DEFAULT_PEER_TIMING: PeerTiming = {
  ...DEFAULT_CLAIM_TIMING,
  headlessBlockMs: 1000,
  sweepMs: 1000,
  goneOwnerMs: 10_000,
  maxReconnectBackoffMs: 2500,
  outputFlushMs: 100,
  stuckTimeoutMs: 180_000,
  busyRetryMs: 100,
  maxBusyRetryMs: 2000,
  interruptGraceMs: 5000,
};
