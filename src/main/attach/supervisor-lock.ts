// One supervisor per manifest (issue 11): two supervisors of one manifest would start every
// service twice and fight over ports and devices. The holder writes a lock file in the state
// dir, `locks/<manifestKey>.json` (engine/instance/manifest-key.ts), with its pid, the process start time,
// and the URL and token of its server when it has one (a daemon), so another instance can
// attach to it instead. A lock whose pid is dead, or whose pid now names a different process
// (same pid, other start time: reused after a reboot or wrap-around), is stale and taken over.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { manifestKey } from '../engine/instance/manifest-key';
import { isHolderAlive } from './process-identity';
import { processStartTime } from '../engine/supervisor/proc-table';
import { parseRecordText, type RecordOf } from './record-shape';

export { isHolderAlive } from './process-identity';

const LockInfoShape = {
  pid: 'int',
  /** The process's start time as proc-table.ts reads it (/proc stat field 22 on Linux, `ps` elsewhere); null on Windows. */
  processStart: 'string|null',
  manifest: 'string',
  url: 'string|null',
  token: 'string|null',
  /** Who holds it, for messages: "desktop" or "daemon". */
  holder: 'string',
  acquiredAt: 'number',
  /** An https daemon's certificate file, for the desktop app attaching to it (tls-trust.ts). */
  certificate: 'string?',
} as const;
export type LockInfo = RecordOf<typeof LockInfoShape>;

export interface SupervisorLock {
  readonly file: string;
  readonly info: LockInfo;
  /** Records the server's URL and token once it listens, so other instances can attach. */
  update(patch: Partial<Pick<LockInfo, 'url' | 'token' | 'certificate'>>): Promise<void>;
  /** Removes the file while it is still ours. */
  release(): Promise<void>;
}

export type LockResult = { ok: true; lock: SupervisorLock; tookOver: LockInfo | null } | { ok: false; holder: LockInfo };

export interface AcquireOptions {
  manifestPath: string;
  stateDir: string;
  holder: string;
  url?: string | null;
  token?: string | null;
  pid?: number;
}

export async function lockFilePath(manifestPath: string, stateDir: string): Promise<string> {
  return join(stateDir, 'locks', `${manifestKey(manifestPath)}.json`);
}

export async function readSupervisorLock(manifestPath: string, stateDir: string): Promise<LockInfo | null> {
  return readLockFile(await lockFilePath(manifestPath, stateDir));
}

export async function acquireSupervisorLock(options: AcquireOptions): Promise<LockResult> {
  const file = await lockFilePath(options.manifestPath, options.stateDir);
  await mkdir(join(options.stateDir, 'locks'), { recursive: true, mode: 0o700 });
  const pid = options.pid ?? process.pid;
  const info: LockInfo = {
    pid,
    processStart: processStartTime(pid),
    manifest: resolve(options.manifestPath),
    url: options.url ?? null,
    token: options.token ?? null,
    holder: options.holder,
    acquiredAt: Date.now(),
  };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(file, info)) return { ok: true, lock: makeLock(file, info), tookOver };
    const raw = await readFile(file, 'utf8').catch(() => null);
    if (raw === null) continue; // released in between: try again
    const holder = parseLock(raw);
    if (holder && isHolderAlive(holder)) return { ok: false, holder };
    // Stale (or unreadable). Move it aside under a name only we use; if what we moved is no
    // longer the file we judged (someone took over first), put theirs back and look again.
    const aside = `${file}.stale.${pid}.${attempt}`;
    try {
      await rename(file, aside);
    } catch {
      continue;
    }
    const moved = await readFile(aside, 'utf8').catch(() => null);
    if (moved !== raw) await link(aside, file).catch(() => {});
    else tookOver = holder;
    await rm(aside, { force: true });
  }
  const holder = await readLockFile(file);
  if (holder) return { ok: false, holder };
  throw new Error(`could not take the supervisor lock ${file}`);
}

/** Written whole under a temp name, then linked into place: link fails if the lock exists, and
 *  a reader never sees a half-written file (which it would judge unreadable, hence stale). */
async function createExclusive(file: string, info: LockInfo): Promise<boolean> {
  const temp = `${file}.${info.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

function makeLock(file: string, initial: LockInfo): SupervisorLock {
  let info = initial;
  let released = false;
  const stillOurs = async () => {
    const current = await readLockFile(file);
    return current !== null && current.pid === info.pid && current.acquiredAt === info.acquiredAt;
  };
  return {
    file,
    get info() {
      return info;
    },
    async update(patch) {
      if (released || !(await stillOurs())) throw new Error(`the supervisor lock ${file} is no longer ours`);
      info = { ...info, ...patch };
      const temp = `${file}.${info.pid}.tmp`;
      await writeFile(temp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
      await rename(temp, file);
    },
    async release() {
      if (released) return;
      released = true;
      if (await stillOurs()) await rm(file, { force: true });
    },
  };
}

async function readLockFile(file: string): Promise<LockInfo | null> {
  const raw = await readFile(file, 'utf8').catch(() => null);
  return raw === null ? null : parseLock(raw);
}

function parseLock(raw: string): LockInfo | null {
  return parseRecordText(raw, LockInfoShape);
}
