import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { DeviceRequirement } from '../config/manifest-types';
import { DevPathWatcher, type DevPathWatcherOptions } from './dev-path-watcher';

let root: string;
let watcher: DevPathWatcher | null = null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'showrunner-dev-'));
  mkdirSync(join(root, 'real'));
});

afterEach(async () => {
  await watcher?.close();
  watcher = null;
  rmSync(root, { recursive: true, force: true });
});

/** A device node stand-in, as udev would create it before its symlink. */
function makeNode(name: string): string {
  const path = join(root, 'real', name);
  writeFileSync(path, '');
  return path;
}

async function watch(paths: string[], options: DevPathWatcherOptions = {}): Promise<DevPathWatcher> {
  watcher = new DevPathWatcher({ root, ...options });
  const requirements: DeviceRequirement[] = paths.map((path) => ({ kind: 'path', path }));
  watcher.setRequirements(requirements);
  await watcher.start();
  return watcher;
}

function presentPaths(): string[] {
  return watcher!.devices().map((device) => (device.kind === 'path' ? device.path : device.id));
}

const waitForPresent = (want: string[], what = `present ${JSON.stringify(want)}`) =>
  waitFor(presentPaths, (paths) => JSON.stringify(paths) === JSON.stringify(want), { what });

describe('DevPathWatcher', () => {
  it('reports a udev-style symlink as missing until it appears, then as present', async () => {
    await watch(['/dev/gradi-cam']);
    expect(presentPaths()).toEqual([]);
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam'));
    await waitForPresent(['/dev/gradi-cam']);
    expect(watcher!.status()).toEqual({ state: 'ready' });
  });

  it('reports removal of the symlink', async () => {
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam'));
    await watch(['/dev/gradi-cam']);
    expect(presentPaths()).toEqual(['/dev/gradi-cam']);
    unlinkSync(join(root, 'gradi-cam'));
    await waitForPresent([]);
  });

  it('counts a dangling symlink as missing, and present once its target appears in another folder', async () => {
    mkdirSync(join(root, 'serial'));
    symlinkSync('../real/ttyACM0', join(root, 'serial', 'esp'));
    await watch(['/dev/serial/esp']);
    expect(presentPaths()).toEqual([]);
    makeNode('ttyACM0');
    await waitForPresent(['/dev/serial/esp']);
    unlinkSync(join(root, 'real', 'ttyACM0'));
    await waitForPresent([], 'the link to count as missing once its target vanished');
  });

  it('matches glob requirements against every entry of the folder', async () => {
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam-left'));
    await watch(['/dev/gradi-cam*']);
    expect(presentPaths()).toEqual(['/dev/gradi-cam-left']);
    symlinkSync(makeNode('video1'), join(root, 'gradi-cam-right'));
    writeFileSync(join(root, 'gradi-mic'), '');
    await waitForPresent(['/dev/gradi-cam-left', '/dev/gradi-cam-right']);
    unlinkSync(join(root, 'gradi-cam-left'));
    await waitForPresent(['/dev/gradi-cam-right']);
  });

  it('finds nested by-id links in folders that only appear after it started, without polling', async () => {
    await watch(['/dev/serial/by-id/usb-Arduino*']);
    mkdirSync(join(root, 'serial', 'by-id'), { recursive: true });
    symlinkSync('../../real/ttyACM0', join(root, 'serial', 'by-id', 'usb-Arduino_Uno_7533-if00'));
    makeNode('ttyACM0');
    await waitForPresent(['/dev/serial/by-id/usb-Arduino_Uno_7533-if00']);
    expect(watcher!.status()).toEqual({ state: 'ready' });
  });

  it('keeps watching a folder that is removed and made again', async () => {
    mkdirSync(join(root, 'serial', 'by-id'), { recursive: true });
    await watch(['/dev/serial/by-id/esp']);
    rmSync(join(root, 'serial'), { recursive: true });
    await waitFor(
      () => [...((watcher as unknown as { watched: Map<string, unknown> }).watched.keys())],
      (dirs) => dirs.includes(root),
      { what: 'the watch to fall back to the root' },
    );
    mkdirSync(join(root, 'serial', 'by-id'), { recursive: true });
    symlinkSync(makeNode('ttyUSB0'), join(root, 'serial', 'by-id', 'esp'));
    await waitForPresent(['/dev/serial/by-id/esp']);
  });

  it('falls back to polling when forced, and reports which folders it polls', async () => {
    await watch(['/dev/gradi-cam', '/dev/serial/by-id/esp'], { forcePolling: true, pollIntervalMs: 20 });
    expect(watcher!.status()).toEqual({ state: 'ready', polling: [root] });
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam'));
    await waitForPresent(['/dev/gradi-cam']);
    mkdirSync(join(root, 'serial', 'by-id'), { recursive: true });
    symlinkSync(makeNode('ttyUSB0'), join(root, 'serial', 'by-id', 'esp'));
    await waitForPresent(['/dev/gradi-cam', '/dev/serial/by-id/esp']);
    unlinkSync(join(root, 'gradi-cam'));
    await waitForPresent(['/dev/serial/by-id/esp']);
  });

  it('tells its listeners only when presence changes, and nothing after close', async () => {
    await watch(['/dev/gradi-cam']);
    let calls = 0;
    watcher!.onChange(() => calls++);
    writeFileSync(join(root, 'unrelated'), '');
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam'));
    await waitForPresent(['/dev/gradi-cam']);
    expect(calls).toBe(1);
    await watcher!.close();
    unlinkSync(join(root, 'gradi-cam'));
    expect(calls).toBe(1);
  });

  it('watches only what the current requirements need', async () => {
    symlinkSync(makeNode('video0'), join(root, 'gradi-cam'));
    await watch(['/dev/gradi-cam']);
    watcher!.setRequirements([{ kind: 'path', path: '/dev/gradi-mic' }]);
    expect(presentPaths()).toEqual([]);
    watcher!.setRequirements([{ kind: 'usb', vendor: '2341', product: '0043' }]);
    expect((watcher as unknown as { watched: Map<string, unknown> }).watched.size).toBe(0);
  });
});
