import type { ShowrunnerBridge } from '../shared/contract';

declare global {
  interface Window {
    /** Present only inside the desktop app (preload); absent in a browser against the daemon. */
    showrunner?: ShowrunnerBridge;
  }
}
