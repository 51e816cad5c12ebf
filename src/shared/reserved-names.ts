// Process names Showrunner gives its own parts, read by the engine (the supervisor's log, the
// built-in services, the manifest check that keeps services from taking them) and by the panel
// (graph edges to monitors, the log dock's split pane). ARCHITECTURE.md §8: seed 000's names.
/** The supervisor's own log: `logs/orchestrator/`, and the log pane of that name. */
export const ORCHESTRATOR_LOG = 'orchestrator';
/** The compose roll-outs' artifacts: `logs/runs/<id>/` (issue 19), beside the services' folders. */
export const RUNS_LOG_DIR = 'runs';
/** The built-in y-websocket server of `[sync]`. */
export const SYNC_SERVICE = 'mrmd-sync';
/** The built-in MRP runtime of `[monitors]`. */
export const RUNTIME_SERVICE = 'mrmd-runtime';
