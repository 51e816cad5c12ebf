// The desktop app supervising a manifest itself (local mode, no daemon): the same promises to
// the outside as `serve` gives (issue 18). Its status file (`<state dir>/status/<key>.json`)
// tells external watchdogs what runs, and says `running: false` only after a clean close, so
// the next start of the app on a gallery machine that lost power or crashed sends the
// `unclean-exit` alert, as a daemon's would. Plain Node: tests run it with real processes.
import { manifestKey } from '../engine/instance/manifest-key';
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from '../engine/orchestrator';
import { previousUncleanExit, StatusFile } from '../attach/status-file';

/** An orchestrator whose `close` also writes the status file's clean stop, last. */
export async function createLocalEngine(options: OrchestratorOptions & { log: (line: string) => void }): Promise<Orchestrator> {
  const instanceKey = options.instanceKey ?? manifestKey(options.manifestPath);
  // Read before this instance's first write; the supervisor lock (open-engine.ts) is held.
  const uncleanExit = await previousUncleanExit(options.stateDir, instanceKey);
  const orchestrator = await createOrchestrator({ ...options, instanceKey, uncleanExit });
  const status = new StatusFile({ hub: orchestrator.hub, stateDir: options.stateDir, instanceKey, manifest: options.manifestPath, snapshot: () => orchestrator.snapshot(), url: () => null, log: options.log });
  try {
    await status.write();
  } catch (error) {
    options.log(`status file ${status.path}: ${String(error)}`);
  }
  let closed: Promise<void> | null = null;
  return {
    ...orchestrator,
    close: () =>
      (closed ??= (async () => {
        await orchestrator.close();
        await status.close();
      })()),
  };
}
