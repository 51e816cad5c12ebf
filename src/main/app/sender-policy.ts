// Which renderer frames may call the contract over IPC (STYLE.md §4, like VS Code's
// validatedIpcMain): only the top-level frame of our own origin. No electron import, so the
// rule is tested in plain Node.
export const APP_SCHEME = 'app';
export const APP_HOST = 'showrunner';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface SenderInfo {
  /** URL of the frame that sent the message. */
  frameUrl: string;
  /** True when that frame is the window's main frame (not an iframe). */
  isMainFrame: boolean;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(sender: SenderInfo, devServerUrl: string | null = null): SenderVerdict {
  if (!sender.isMainFrame) return { ok: false, reason: 'not the top-level frame' };
  let origin: string;
  try {
    const url = new URL(sender.frameUrl);
    origin = url.protocol === `${APP_SCHEME}:` ? `${url.protocol}//${url.host}` : url.origin;
  } catch {
    return { ok: false, reason: `unparsable frame URL ${JSON.stringify(sender.frameUrl)}` };
  }
  if (origin === APP_ORIGIN) return { ok: true };
  if (devServerUrl && origin === new URL(devServerUrl).origin) return { ok: true };
  return { ok: false, reason: `foreign origin ${origin}` };
}

/** Navigation inside the window is allowed only within our own origin. */
export function isAppUrl(url: string, devServerUrl: string | null = null): boolean {
  return checkSender({ frameUrl: url, isMainFrame: true }, devServerUrl).ok;
}
