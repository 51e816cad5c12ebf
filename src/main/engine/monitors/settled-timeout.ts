// Timers for monitor decisions that must not act on a view older than the delay they waited.
/**
 * A timer for decisions that depend on having heard from the other peers. When the event loop
 * was busy (the timer fires late), messages that arrived meanwhile are not processed yet, so
 * the decision waits one more period instead of acting on a stale view.
 */
export function settledTimeout(delayMs: number, action: () => void, retries = 3): NodeJS.Timeout {
  let due = Date.now() + delayMs;
  const handle = setTimeout(() => {
    const lateMs = Date.now() - due;
    if (retries > 0 && delayMs > 0 && lateMs > Math.max(20, delayMs / 2)) {
      due = Date.now() + delayMs;
      handle.refresh();
      retries--;
      return;
    }
    action();
  }, delayMs);
  return handle;
}
