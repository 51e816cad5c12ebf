import { useEffect, useState } from 'react';

/**
 * The current time for uptimes and countdowns, re-rendering every second while `active`.
 * Read at render rather than kept from the last tick: a state that arrives between ticks would
 * otherwise be measured against a clock up to a second old and read "up -1s".
 */
export function useNow(active: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return Date.now();
}
