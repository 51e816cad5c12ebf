// Gate, don't sleep (STYLE.md §9): poll a condition and, on timeout, fail with the last value seen.
// The default deadline is generous: a loaded machine (two CPU hogs beside the suite) is 3x slower,
// and a wait that is met returns at once, so only a failure pays it.
export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was wanted, for the failure message. */
  what?: string;
}

export async function waitFor<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 10, what = 'condition' }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = lastError ? `error ${String(lastError)}` : JSON.stringify(last);
      throw new Error(`want ${what}, got ${seen} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
