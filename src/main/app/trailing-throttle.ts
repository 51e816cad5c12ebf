// Runs at most once per interval, and always once more after the last call in a burst: a
// crash-looping service changes state many times a second, and rebuilding a tray menu that
// often makes GNOME's AppIndicator flicker and drop clicks (issue 11).
export interface Throttled {
  (): void;
  /** Runs now if a run is pending. */
  flush(): void;
  cancel(): void;
}

export function trailingThrottle(run: () => void, intervalMs: number): Throttled {
  let lastRun = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  const fire = () => {
    timer = null;
    lastRun = Date.now();
    run();
  };
  const throttled = (() => {
    if (timer) return;
    const wait = lastRun + intervalMs - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  }) as Throttled;
  throttled.flush = () => {
    if (!timer) return;
    clearTimeout(timer);
    fire();
  };
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}
