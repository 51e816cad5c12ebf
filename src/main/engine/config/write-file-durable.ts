// A file an operator may read or `check` at any moment, and that a crash must never leave half
// written: a temporary file beside it, written and fsynced, renamed over it, then the folder
// fsynced so the rename itself survives a power cut.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `sync: false`: still atomic (temp file, rename), without the fsyncs, for a file rewritten often. */
export async function writeFileDurable(file: string, text: string, { mode = 0o644, sync = true }: { mode?: number; sync?: boolean } = {}): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (sync) await syncFolder(dirname(file));
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems (and Windows) cannot fsync a folder; the rename is still atomic there.
  }
}
