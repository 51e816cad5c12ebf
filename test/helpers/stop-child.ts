// Stops a child process the way a test's clean-up should: SIGTERM (so a daemon stops its
// services and leaves nothing behind), SIGKILL should it still run after a grace, and resolves
// once it has exited.
import type { ChildProcess } from 'node:child_process';

export const STOP_GRACE_MS = 15_000;

export async function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killLater = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killLater);
}
