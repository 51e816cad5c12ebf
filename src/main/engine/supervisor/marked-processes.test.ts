import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LAUNCH_ENV, launchMarker, parseLaunchMarker } from './launch-marker';
import { findMarkedProcesses, markedWith } from './marked-processes';
import { readProcTable } from './proc-table';

const spawned: number[] = [];
afterEach(() => {
  for (const pid of spawned.splice(0)) process.kill(pid, 'SIGKILL');
});

function sleeper(marker: string): number {
  const child = spawn('sleep', ['30'], { stdio: 'ignore', env: { PATH: process.env.PATH, [LAUNCH_ENV]: marker, AFTER: 'x' } });
  spawned.push(child.pid!);
  return child.pid!;
}

describe.runIf(process.platform === 'linux')('marked processes', () => {
  it('finds exactly the processes of one launch: never a longer marker it is a prefix of', () => {
    // Keys unique to this run: other tests on the machine launch services named `web` too.
    const key = `key${randomBytes(4).toString('hex')}`;
    const mine = sleeper(`${key}/web/abc-1`);
    const lookalikes = [`${key}/web/abc-10`, `${key}/web/abc-1x`, `${key}/web2/abc-1`, `${key}2/web/abc-1`, `other${key}/web/abc-1`].map(sleeper);
    const table = readProcTable();
    expect(markedWith(table, `${key}/web/abc-1`).map((ref) => ref.pid)).toEqual([mine]);
    const all = findMarkedProcesses(table, (value) => value.includes(key) && value.includes('/web'));
    expect(all.map((found) => found.ref.pid).sort()).toEqual([mine, ...lookalikes].sort());
  });

  it('skips processes that started before the launch, which cannot carry its marker', () => {
    const pid = sleeper('key/web/abc-2');
    const table = readProcTable();
    const later = String(Number(table.get(pid)!.startTime) + 1);
    expect(markedWith(table, 'key/web/abc-2', table.get(pid)!.startTime).map((ref) => ref.pid)).toEqual([pid]);
    expect(markedWith(table, 'key/web/abc-2', later)).toEqual([]);
  });
});

describe('launch markers', () => {
  it('round-trip, with a service name that holds slashes and dashes', () => {
    const marker = launchMarker('0123abcd', 'api/v2-beta', 'f00d', 7);
    expect(marker.value).toBe('0123abcd/api/v2-beta/f00d-7');
    expect(parseLaunchMarker(marker.value)).toEqual(marker);
  });

  it('are not parsed from values that are not ours', () => {
    for (const value of ['', 'plain', 'a/b', '/svc/s-1', 'key/svc/nodash', 'key/svc/-1']) expect(parseLaunchMarker(value)).toBeNull();
  });
});
