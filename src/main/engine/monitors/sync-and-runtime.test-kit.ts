// A sync server and an MRP runtime over a fresh folder, for the monitor tests that run real
// cells; `stopSyncAndRuntime` runs the test's own clean-ups first (newest first), then stops
// both and removes the folder. Test-only; not part of the engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMrpRuntime, type MrpRuntime } from '../mrp/mrp-runtime';
import { startSyncServer, type SyncServer } from '../sync/sync-server';

export interface SyncAndRuntime {
  dir: string;
  sync: SyncServer;
  runtime: MrpRuntime;
}

export async function startSyncAndRuntime(prefix: string): Promise<SyncAndRuntime> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const sync = await startSyncServer({ port: 0, docsDir: dir, saveDebounceMs: 20 });
  const runtime = await startMrpRuntime({ port: 0, cwd: dir, interruptGraceMs: 500 });
  return { dir, sync, runtime };
}

export async function stopSyncAndRuntime({ dir, sync, runtime }: SyncAndRuntime, cleanups: Array<() => unknown>): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await runtime.close();
  await sync.close();
  rmSync(dir, { recursive: true, force: true });
}
