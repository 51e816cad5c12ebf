// Cells run as process-group leaders (`detached: true`) so an interrupt reaches what they
// started too, as Ctrl+C reaches a terminal's foreground group.
/** Signals a process group started with `detached: true`, falling back to the process itself. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
