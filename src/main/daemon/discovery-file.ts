// Where client commands (`showrunner status`, `start NAME`, …) find a running daemon:
// $XDG_RUNTIME_DIR/showrunner/daemon.json, else ~/.local/state/showrunner/daemon.json, mode 0600
// because it holds the token (ARCHITECTURE.md §8).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const DiscoveryInfo = z.object({
  url: z.string(),
  token: z.string(),
  pid: z.number().int(),
  manifest: z.string().nullable(),
});
export type DiscoveryInfo = z.infer<typeof DiscoveryInfo>;

export function discoveryFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'showrunner') : join(env.HOME || homedir(), '.local', 'state', 'showrunner');
  return join(base, 'daemon.json');
}

export async function writeDiscoveryFile(info: DiscoveryInfo, file = discoveryFilePath()): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rename(temp, file);
}

export async function readDiscoveryFile(file = discoveryFilePath()): Promise<DiscoveryInfo | null> {
  try {
    return DiscoveryInfo.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

/** Removes the file only while it still describes this process, so a newer daemon's stays. */
export async function removeDiscoveryFile(pid = process.pid, file = discoveryFilePath()): Promise<void> {
  const info = await readDiscoveryFile(file);
  if (info && info.pid === pid) await rm(file, { force: true });
}
