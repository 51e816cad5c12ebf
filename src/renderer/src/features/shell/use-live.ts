import { useSystem } from '../../store/store-context';
import { useNow } from './use-now';

/**
 * True while the page is connected and holds a fresh snapshot. Everything shown while this is
 * false is only the last known picture: it greys out, its clocks stop and its actions are off.
 */
export function useLive(): boolean {
  return useSystem((state) => state.connection === 'open' && state.synced);
}

/** The time uptimes and countdowns are measured against: ticking while live, stopped while not. */
export function useStatusClock(ticking: boolean): number {
  const live = useLive();
  const frozenAt = useSystem((state) => state.frozenAt);
  const now = useNow(ticking && live);
  return live ? now : (frozenAt ?? now);
}
