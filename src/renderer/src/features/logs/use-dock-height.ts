// The log dock's height: dragged or set with the arrow keys on its edge, and remembered in this
// browser (localStorage), so the operator sizes it once per screen.
import { useCallback, useState } from 'react';

const STORAGE_KEY = 'showrunner.logDockHeight';
const MIN = 120;
/**
 * Room the top bar and the graph keep above the dock, also when the window shrinks later: at
 * least 240 px and 45 % of the window. A height dragged on a 900 px screen otherwise left an
 * 800×600 window ~110 px of graph under a two-row top bar and a notice.
 */
export const DOCK_KEEP_ABOVE = 240;
export const DOCK_KEEP_ABOVE_SHARE = 0.45;
/** The same limit for the stylesheet, so a window made smaller later obeys it too. */
export const DOCK_MAX_CSS = `calc(100vh - max(${DOCK_KEEP_ABOVE}px, ${DOCK_KEEP_ABOVE_SHARE * 100}vh))`;

export function clampDockHeight(height: number, viewport: number): number {
  return Math.round(Math.max(MIN, Math.min(height, viewport - Math.max(DOCK_KEEP_ABOVE, viewport * DOCK_KEEP_ABOVE_SHARE))));
}

function stored(): number | null {
  const value = Number(localStorage.getItem(STORAGE_KEY));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** Null until set: the stylesheet's default (a share of the window) applies. */
export function useDockHeight(): [number | null, (height: number) => void] {
  const [height, setHeight] = useState<number | null>(stored);
  const set = useCallback((next: number) => {
    const clamped = clampDockHeight(next, window.innerHeight);
    setHeight(clamped);
    localStorage.setItem(STORAGE_KEY, String(clamped));
  }, []);
  return [height, set];
}
