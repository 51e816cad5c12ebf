// Where client commands (`showrunner status`, `url`, `stop NAME`, …) find running daemons: one
// record per daemon, $XDG_RUNTIME_DIR/showrunner/daemons/<key>.json (else `daemons/` in the
// default state dir), mode 0600 because it holds the token. The key is the manifest's
// (engine/instance/manifest-key.ts), so two daemons of two manifests never overwrite each other, and a
// daemon removes only its own record. A record whose process is gone (pid dead, or reused by
// another process: start time differs, as for the supervisor lock) is ignored and removed by
// whoever reads it.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultStateDir } from '../engine/instance/state-dir';
import { processStartTime } from '../engine/supervisor/proc-table';
import { isHolderAlive } from './process-identity';
import { parseRecordText, type RecordOf } from './record-shape';

// Checked by hand, not by zod: `status` reads these on every run (record-shape.ts says why).
const DaemonRecordShape = {
  /** Base URL, no path: `http://127.0.0.1:7420`. */
  url: 'string',
  token: 'string',
  pid: 'int',
  /** The process's start time (proc-table.ts); null on Windows. */
  processStart: 'string|null',
  /** The manifest's path, or for `showrunner mrmd` a description of the instance. */
  manifest: 'string',
  key: 'hex',
  /** `serve` or `mrmd`. */
  command: 'string',
  startedAt: 'number',
  /** With TLS: the certificate file clients on this machine trust (attach/tls-trust.ts). */
  certificate: 'string?',
  /** With a viewer token: `showrunner url --viewer` prints the read-only panel URL. */
  viewerToken: 'string?',
} as const;
export type DaemonRecord = RecordOf<typeof DaemonRecordShape>;

export function daemonRecordsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'showrunner', 'daemons') : join(defaultStateDir(env), 'daemons');
}

export function daemonRecordPath(key: string, dir = daemonRecordsDir()): string {
  return join(dir, `${key}.json`);
}

export function newDaemonRecord(fields: Pick<DaemonRecord, 'url' | 'token' | 'manifest' | 'key' | 'command'> & { certificate?: string; viewerToken?: string | null }, pid = process.pid): DaemonRecord {
  const { certificate, viewerToken, ...rest } = fields;
  return { ...rest, pid, processStart: processStartTime(pid), startedAt: Date.now(), ...(certificate ? { certificate } : {}), ...(viewerToken ? { viewerToken } : {}) };
}

export async function writeDaemonRecord(record: DaemonRecord, dir = daemonRecordsDir()): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = daemonRecordPath(record.key, dir);
  const temp = `${file}.${record.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(temp, file);
  return file;
}

/** Every live daemon's record, by manifest; stale and unreadable records are removed. */
export async function listDaemonRecords(dir = daemonRecordsDir()): Promise<DaemonRecord[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const records: DaemonRecord[] = [];
  for (const name of names.filter((each) => each.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const record = await readRecord(file);
    if (record === 'missing') continue;
    if (record && isHolderAlive(record)) {
      records.push(record);
      continue;
    }
    // Stale: the daemon died without cleaning up (SIGKILL, power loss). Remove it unless a
    // new daemon wrote a live record under the same name in between.
    const again = await readRecord(file);
    if (again === 'missing' || (again && isHolderAlive(again))) continue;
    await rm(file, { force: true });
  }
  return records.sort((a, b) => a.manifest.localeCompare(b.manifest));
}

/** Removes the record only while it still describes this process, so a newer daemon's stays. */
export async function removeDaemonRecord(key: string, pid = process.pid, dir = daemonRecordsDir()): Promise<void> {
  const file = daemonRecordPath(key, dir);
  const record = await readRecord(file);
  if (record && record !== 'missing' && record.pid === pid) await rm(file, { force: true });
}

async function readRecord(file: string): Promise<DaemonRecord | null | 'missing'> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return 'missing';
  }
  return parseRecordText(raw, DaemonRecordShape);
}
