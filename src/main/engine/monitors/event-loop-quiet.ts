// How long this process's event loop has run without a stall. A claim may skip the settle
// window only when the monitor acted on the request promptly (claim.ts); a stalled loop leaves
// messages unread in its sockets, so a request handled right after a stall may be old news to
// the other monitors, and a rival's claim may already be on its way. One probe per process,
// shared by every peer, started while any peer needs it.
import { performance } from 'node:perf_hooks';

const PROBE_MS = 20;
/** A tick this much later than due counts as a stall. */
const STALL_MS = 40;

let lastTick = 0;
let lastStallAt = 0;
let timer: NodeJS.Timeout | null = null;
let users = 0;

/** Starts the probe (reference-counted); call the returned function to stop using it. */
export function watchEventLoop(): () => void {
  users++;
  if (timer === null) {
    lastTick = lastStallAt = performance.now();
    timer = setInterval(() => {
      const now = performance.now();
      if (now - lastTick > PROBE_MS + STALL_MS) lastStallAt = now;
      lastTick = now;
    }, PROBE_MS);
    timer.unref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Milliseconds since the last stall; 0 while one is going on (the probe is overdue) or unwatched. */
export function eventLoopQuietMs(now = performance.now()): number {
  if (timer === null || now - lastTick > PROBE_MS + STALL_MS) return 0;
  return now - lastStallAt;
}
