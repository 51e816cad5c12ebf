// What Quit does, in order (issue 11): say what is happening, stop every service we supervise
// (the orchestrator's close() stops them in reverse dependency order and kills what outlives
// its stop timeout, so nothing is orphaned), release the lock, then exit. Attached to a
// daemon, Quit only detaches: the daemon keeps supervising.
import type { ServiceSnapshot } from '../../shared/model';
import { summarizeServices } from './tray-icon';
import { plural } from './tray-menu-model';

export interface QuitPlan {
  mode: 'stop-services' | 'detach';
  /** Services still to stop (0 when detaching or when nothing runs). */
  stopping: number;
  /** The progress line shown in the tray tooltip and the progress window. */
  message: string;
  /** Whether a progress window is worth showing: stopping can take a stop timeout or two. */
  showProgressWindow: boolean;
}

export function planQuit(services: readonly ServiceSnapshot[], { attached = false }: { attached?: boolean } = {}): QuitPlan {
  if (attached) return { mode: 'detach', stopping: 0, message: 'Detaching from the daemon; its services keep running.', showProgressWindow: false };
  const stopping = summarizeServices(services).active;
  if (stopping === 0) return { mode: 'stop-services', stopping, message: 'Quitting…', showProgressWindow: false };
  return { mode: 'stop-services', stopping, message: `Stopping ${plural(stopping, 'service')}…`, showProgressWindow: true };
}

export interface QuitHooks {
  showProgress(message: string): void;
  /** Stops the services (local) or drops the connection (attached). */
  closeEngine(): Promise<void>;
  releaseLock(): Promise<void>;
  /** Tray, IPC handlers, progress window. */
  cleanup(): void;
  exit(code: number): void;
  log(line: string): void;
}

/** Runs the plan; the exit code is 1 when stopping failed, so a wrapper script can tell. */
export async function runQuit(plan: QuitPlan, hooks: QuitHooks): Promise<number> {
  hooks.showProgress(plan.message);
  let code = 0;
  try {
    await hooks.closeEngine();
  } catch (error) {
    code = 1;
    hooks.log(`quit: stopping services failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  try {
    await hooks.releaseLock();
  } catch (error) {
    hooks.log(`quit: releasing the supervisor lock failed: ${String(error)}`);
  }
  hooks.cleanup();
  hooks.exit(code);
  return code;
}

/** The progress window's page: static text, no script, its own CSP. */
export function quitProgressHtml(message: string): string {
  const text = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<title>Showrunner</title><style>',
    'html,body{margin:0;height:100%;font:14px system-ui,sans-serif;background:#1b2029;color:#e5e9f0}',
    'body{display:flex;align-items:center;justify-content:center;gap:12px}',
    '.spin{width:16px;height:16px;border:2px solid #5b93f0;border-right-color:transparent;border-radius:50%;animation:r 1s linear infinite}',
    '@keyframes r{to{transform:rotate(360deg)}}',
    `</style></head><body><div class="spin"></div><div>${text}</div></body></html>`,
  ].join('');
}
