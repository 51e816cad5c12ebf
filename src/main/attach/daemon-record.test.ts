// Discovery records: one per daemon, by manifest key; a reader drops the records of dead
// daemons (pid gone, or pid reused by another process); a daemon removes only its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait-for';
import { instanceKey, manifestKey } from '../engine/instance/manifest-key';
import { daemonRecordPath, daemonRecordsDir, listDaemonRecords, newDaemonRecord, removeDaemonRecord, writeDaemonRecord } from './daemon-record';
import { isSignalable, processStartTime } from '../engine/supervisor/proc-table';

const onLinux = process.platform === 'linux';

describe('daemon records', () => {
  let dir: string;
  let records: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daemon-record-'));
    records = join(dir, 'run', 'showrunner', 'daemons');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  function startChild(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('spawn', () => resolve(child));
      child.once('error', reject);
    });
  }

  const record = (name: string, pid: number) =>
    newDaemonRecord({ url: `http://127.0.0.1:${1000 + name.length}`, token: `token-of-${name}`, manifest: join(dir, `${name}.toml`), key: manifestKey(join(dir, `${name}.toml`)), command: 'serve' }, pid);

  it('lives in $XDG_RUNTIME_DIR/showrunner/daemons, else daemons/ in the state dir', () => {
    expect(daemonRecordsDir({ XDG_RUNTIME_DIR: '/run/user/7', HOME: '/home/x' })).toBe('/run/user/7/showrunner/daemons');
    if (process.platform === 'linux') expect(daemonRecordsDir({ HOME: '/home/x' })).toBe('/home/x/.local/state/showrunner/daemons');
  });

  it('keeps one record per manifest, mode 0600, and lists them all', async () => {
    const a = await startChild();
    const b = await startChild();
    await writeDaemonRecord(record('a', a.pid!), records);
    await writeDaemonRecord(record('b', b.pid!), records);
    const listed = await listDaemonRecords(records);
    expect(listed.map((each) => [each.manifest, each.pid, each.token])).toEqual([
      [join(dir, 'a.toml'), a.pid, 'token-of-a'],
      [join(dir, 'b.toml'), b.pid, 'token-of-b'],
    ]);
    const mode = (await stat(daemonRecordPath(manifestKey(join(dir, 'a.toml')), records))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('ignores and removes the record of a daemon that died, keeping the others', async () => {
    const live = await startChild();
    const dying = await startChild();
    await writeDaemonRecord(record('live', live.pid!), records);
    await writeDaemonRecord(record('dead', dying.pid!), records);
    const pid = dying.pid!;
    dying.kill('SIGKILL');
    await waitFor(() => processStartTime(pid) === null && !isSignalable(pid), (gone) => gone, { what: 'the daemon to be gone', timeoutMs: 10_000 });
    expect((await listDaemonRecords(records)).map((each) => each.pid)).toEqual([live.pid]);
    expect(await readdir(records)).toEqual([`${manifestKey(join(dir, 'live.toml'))}.json`]);
  });

  it.skipIf(!onLinux)('treats a pid reused by another process (other start time) as dead', async () => {
    await writeDaemonRecord({ ...record('reused', process.pid), processStart: '1' }, records);
    expect(await listDaemonRecords(records)).toEqual([]);
    expect(await readdir(records)).toEqual([]);
  });

  it('removes an unreadable record and skips files that are not records', async () => {
    await writeDaemonRecord(record('good', process.pid), records);
    await writeFile(join(records, `${instanceKey('broken')}.json`), '{ not json');
    await writeFile(join(records, 'notes.txt'), 'left alone');
    expect((await listDaemonRecords(records)).map((each) => each.token)).toEqual(['token-of-good']);
    expect((await readdir(records)).sort()).toEqual([`${manifestKey(join(dir, 'good.toml'))}.json`, 'notes.txt'].sort());
  });

  it('lets a daemon remove only its own record', async () => {
    const other = await startChild();
    const mine = record('shared', process.pid);
    await writeDaemonRecord(mine, records);
    // A newer daemon of the same manifest replaced it: the old one's exit must leave it.
    await writeDaemonRecord(record('shared', other.pid!), records);
    await removeDaemonRecord(mine.key, process.pid, records);
    expect((await listDaemonRecords(records)).map((each) => each.pid)).toEqual([other.pid]);
    await removeDaemonRecord(mine.key, other.pid!, records);
    expect(await listDaemonRecords(records)).toEqual([]);
  });

  it('is empty when the folder does not exist yet', async () => {
    expect(await listDaemonRecords(join(dir, 'nowhere'))).toEqual([]);
  });
});

