// The words `showrunner` takes as its first argument: the dispatcher (run-cli.ts) routes them,
// and the desktop app (app/launch-flags.ts) runs them windowless instead of opening a window.
export const CLI_COMMANDS = ['serve', 'status', 'url', 'start', 'stop', 'restart', 'kill', 'rollout', 'runs', 'approve', 'reject', 'check', 'mrmd', 'monitor', 'sync-server', 'mrp-runtime', 'help'] as const;
