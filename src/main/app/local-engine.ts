// The desktop app supervising a manifest itself (local mode, no daemon): the same promises to
// the outside as `serve` gives (issue 18). Its status file (`<state dir>/status/<key>.json`)
// tells external watchdogs what runs, and says `running: false` only after a clean close, so
// the next start of the app on a gallery machine that lost power or crashed sends the
// `unclean-exit` alert, as a daemon's would. Its audit (`<log dir>/audit.jsonl`, the file a
// daemon of the manifest keeps and serves at /api/audit) takes the window's calls that change
// something (attach/audited-session.ts). Plain Node: tests run it with real processes.
import { manifestKey } from '../engine/instance/manifest-key';
import { createOrchestrator, type Orchestrator, type OrchestratorOptions } from '../engine/orchestrator';
import { AuditLog, auditFilePath } from '../attach/audit-log';
import { previousUncleanExit, StatusFile } from '../attach/status-file';
import { ORCHESTRATOR_LOG } from '../../shared/reserved-names';

export interface LocalEngine extends Orchestrator {
  /** For the window's IPC calls (auditedSession). */
  readonly audit: AuditLog;
}

/** An orchestrator whose `close` also writes the status file's clean stop, last. */
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
  const say = (line: string) => {
    orchestrator.logs.write(ORCHESTRATOR_LOG, 'system', line + '\n');
    options.log(line);
  };
  const audit = new AuditLog({ file: orchestrator.logs.logDir ? auditFilePath(orchestrator.logs.logDir) : null, say, onProblem: say });
  await audit.load();
  let closed: Promise<void> | null = null;
  return {
    ...orchestrator,
    audit,
    close: () =>
      (closed ??= (async () => {
        await orchestrator.close();
        await audit.flushed();
        await status.close();
      })()),
  };
}
