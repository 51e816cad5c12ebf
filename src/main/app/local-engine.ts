// The desktop app supervising a manifest itself (local mode, no daemon): the same promises to
// the outside as `serve` gives (issue 18). Its status file (`<state dir>/status/<key>.json`)
// tells external watchdogs what runs, and says `running: false` only after a clean close, so
// the next start of the app on a gallery machine that lost power or crashed sends the
// `unclean-exit` alert, as a daemon's would. Its audit (`<log dir>/audit.jsonl`, the file a
// daemon of the manifest keeps and serves at /api/audit) takes every change made through the
// handle it returns: the window's and the tray's sessions, the editor window's calls
// (attach/audited-session.ts). Plain Node: tests run it with real processes.
import { manifestKey } from '../engine/instance/manifest-key';
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from '../engine/orchestrator';
import { openEngineAudit } from '../attach/audit-log';
import { auditedHub, recordDesktopCall, type SessionSource } from '../attach/audited-session';
import { previousUncleanExit, StatusFile } from '../attach/status-file';

/** An orchestrator whose sessions and calls are audited as the desktop app's. */
export interface LocalEngine extends Omit<Orchestrator, 'hub'> {
  readonly hub: SessionSource;
}

/** Its `close` also writes the status file's clean stop, last. */
export async function createLocalEngine(options: OrchestratorOptions & { log: (line: string) => void }): Promise<LocalEngine> {
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
  const audit = await openEngineAudit(orchestrator.logs, options.log);
  const call: Orchestrator['call'] = async (method, args) => {
    const reply = await orchestrator.call(method, args);
    recordDesktopCall(audit, method, args, reply);
    return reply;
  };
  let closed: Promise<void> | null = null;
  return {
    ...orchestrator,
    hub: auditedHub(orchestrator.hub, audit),
    call,
    close: () =>
      (closed ??= (async () => {
        await orchestrator.close();
        await audit.flushed();
        await status.close();
      })()),
  };
}
