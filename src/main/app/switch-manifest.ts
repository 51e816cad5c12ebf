// Opening another manifest (a second launch with `--config`, issue 11): the current engine's
// clients are unbound first (no window or tray keeps a session on a closing hub), the engine is
// closed (its services stopped and its lock released, or the daemon detached), then the new one
// is opened and bound. If the new one cannot be opened the previous manifest is opened again, so
// the app never ends up supervising nothing.
import type { OpenedEngine } from './open-engine';

export interface SwitchManifestSteps {
  open(manifestPath: string): Promise<OpenedEngine>;
  /** Detach the window's IPC, the tray, …, from the current engine. */
  unbind(current: OpenedEngine): void;
  bind(next: OpenedEngine): void;
  log?(line: string): void;
}

export interface SwitchResult {
  engine: OpenedEngine;
  /** Set when the new manifest could not be opened and the previous one was reopened. */
  error: Error | null;
}

export async function switchManifest(current: OpenedEngine, nextManifestPath: string, steps: SwitchManifestSteps): Promise<SwitchResult> {
  const log = steps.log ?? (() => {});
  log(`switching from ${current.manifestPath} to ${nextManifestPath}`);
  steps.unbind(current);
  await current.close();
  try {
    const next = await steps.open(nextManifestPath);
    steps.bind(next);
    return { engine: next, error: null };
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    log(`could not open ${nextManifestPath}: ${reason.message}; reopening ${current.manifestPath}`);
    const previous = await steps.open(current.manifestPath);
    steps.bind(previous);
    return { engine: previous, error: reason };
  }
}
