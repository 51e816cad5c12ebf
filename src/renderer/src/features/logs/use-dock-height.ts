// The log dock's height: dragged or set with the arrow keys on its edge, and remembered in this
// browser (localStorage), so the operator sizes it once per screen.
import { useCallback, useState } from 'react';

const STORAGE_KEY = 'showrunner.logDockHeight';
const MIN = 120;
/** Room the top bar and a strip of graph keep above the dock, also when the window shrinks later. */
export const DOCK_KEEP_ABOVE = 240;

export function clampDockHeight(height: number, viewport: number): number {
  return Math.round(Math.max(MIN, Math.min(height, viewport - DOCK_KEEP_ABOVE)));
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
