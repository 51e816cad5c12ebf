import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeUsbSource } from '../../../../test/helpers/fake-usb-source';
import { waitFor } from '../../../../test/helpers/wait-for';
import type { DeviceRequirement, ServiceSpec } from '../config/manifest-types';
import { DeviceRegistry, type DeviceNotice, type DevicesChange } from './device-registry';
import { DevPathWatcher } from './dev-path-watcher';

let root: string;
let registry: DeviceRegistry | null = null;
let changes: DevicesChange[];
let notices: DeviceNotice[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'showrunner-registry-'));
  mkdirSync(join(root, 'real'));
  changes = [];
  notices = [];
});

afterEach(async () => {
  await registry?.close();
  registry = null;
  rmSync(root, { recursive: true, force: true });
});

function spec(name: string, requiresDevices: DeviceRequirement[]): ServiceSpec {
  return {
    name,
    displayName: name,
    command: 'true',
    workingDir: root,
    env: {},
    dependencies: [],
    requiresDevices,
    deviceRestartPolicy: 'immediate',
    restart: 'always',
    restartDelayMs: 5000,
    maxRestartDelayMs: 60_000,
    maxRestarts: 10,
    restartWindowMs: 60_000,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 10_000,
    autostart: true,
    pty: false,
  };
}

const path = (p: string): DeviceRequirement => ({ kind: 'path', path: p });
const usb = (vendor: string, product: string, serial?: string): DeviceRequirement =>
  serial === undefined ? { kind: 'usb', vendor, product } : { kind: 'usb', vendor, product, serial };

async function open(specs: ServiceSpec[], { debounceMs = 20, usbSource = null as FakeUsbSource | null } = {}) {
  const watcher = new DevPathWatcher({ root });
  registry = new DeviceRegistry({ sources: usbSource ? [watcher, usbSource] : [watcher], debounceMs });
  registry.on('changed', (change) => changes.push(change));
  registry.on('notice', (notice) => notices.push(notice));
  await registry.update(specs);
  return registry;
}

function linkDevice(name: string, node = name.replace(/\W/g, '_')): void {
  const target = join(root, 'real', node);
  writeFileSync(target, '');
  symlinkSync(target, join(root, name));
}

const missing = (change: DevicesChange | DeviceRegistry, service: string) =>
  (change instanceof DeviceRegistry ? change.missingByService() : change.missingByService).get(service);

const waitForChanges = (count: number) =>
  waitFor(() => changes.length, (n) => n >= count, { what: `${count} change event(s)` });

describe('DeviceRegistry with a temp device root', () => {
  it('reports a service missing its symlink until it appears, then reports the change', async () => {
    await open([spec('cam', [path('/dev/gradi-cam')]), spec('plain', [])]);
    expect(missing(registry!, 'cam')).toEqual(['/dev/gradi-cam']);
    expect(missing(registry!, 'plain')).toEqual([]);
    expect(registry!.snapshot()).toEqual([
      { id: 'path:/dev/gradi-cam', kind: 'path', label: '/dev/gradi-cam', present: false, neededBy: ['cam'] },
    ]);

    linkDevice('gradi-cam');
    await waitForChanges(1);
    expect(missing(changes[0], 'cam')).toEqual([]);
    expect(changes[0].devices[0].present).toBe(true);
    expect(registry!.snapshot()[0].present).toBe(true);

    unlinkSync(join(root, 'gradi-cam'));
    await waitForChanges(2);
    expect(missing(changes[1], 'cam')).toEqual(['/dev/gradi-cam']);
  });

  it('counts a dangling symlink as missing', async () => {
    symlinkSync(join(root, 'real', 'nothing'), join(root, 'gradi-cam'));
    await open([spec('cam', [path('/dev/gradi-cam')])]);
    expect(missing(registry!, 'cam')).toEqual(['/dev/gradi-cam']);
  });

  it('lists one device per distinct requirement with every service that needs it', async () => {
    linkDevice('gradi-cam');
    await open([
      spec('a', [path('/dev/gradi-cam'), path('/dev/gradi-esp')]),
      spec('b', [path('gradi-cam'), path('/dev/gradi-cam')]),
    ]);
    expect(registry!.snapshot()).toEqual([
      { id: 'path:/dev/gradi-cam', kind: 'path', label: '/dev/gradi-cam', present: true, neededBy: ['a', 'b'] },
      { id: 'path:/dev/gradi-esp', kind: 'path', label: '/dev/gradi-esp', present: false, neededBy: ['a'] },
    ]);
    expect(missing(registry!, 'a')).toEqual(['/dev/gradi-esp']);
    expect(missing(registry!, 'b')).toEqual([]);
  });

  it('satisfies a glob requirement with any matching entry, including one in a folder made later', async () => {
    await open([spec('arduino', [path('/dev/serial/by-id/usb-Arduino*')])]);
    expect(missing(registry!, 'arduino')).toEqual(['/dev/serial/by-id/usb-Arduino*']);
    mkdirSync(join(root, 'serial', 'by-id'), { recursive: true });
    linkDevice('serial/by-id/usb-Arduino_Uno_1234-if00');
    await waitForChanges(1);
    expect(missing(changes[0], 'arduino')).toEqual([]);
  });

  it('turns ten toggles within 200 ms that end where they started into no change at all', async () => {
    linkDevice('gradi-other');
    await open([spec('cam', [path('/dev/gradi-cam')]), spec('other', [path('/dev/gradi-other')])], { debounceMs: 500 });
    for (let toggle = 0; toggle < 10; toggle++) {
      if (toggle % 2 === 0) linkDevice('gradi-cam');
      else unlinkSync(join(root, 'gradi-cam'));
      await waitFor(watcherPaths, (paths) => paths.includes('/dev/gradi-cam') === (toggle % 2 === 0), { intervalMs: 1, what: `toggle ${toggle} seen` });
    }
    // A change of another device after the burst is the gate: it arrives alone.
    unlinkSync(join(root, 'gradi-other'));
    await waitForChanges(1);
    expect(changes).toHaveLength(1);
    expect(missing(changes[0], 'cam')).toEqual(['/dev/gradi-cam']);
    expect(missing(changes[0], 'other')).toEqual(['/dev/gradi-other']);
  });

  it('turns nine quick toggles that end with the device present into exactly one change', async () => {
    linkDevice('gradi-other');
    await open([spec('cam', [path('/dev/gradi-cam')]), spec('other', [path('/dev/gradi-other')])], { debounceMs: 500 });
    for (let toggle = 0; toggle < 9; toggle++) {
      if (toggle % 2 === 0) linkDevice('gradi-cam');
      else unlinkSync(join(root, 'gradi-cam'));
      await waitFor(watcherPaths, (paths) => paths.includes('/dev/gradi-cam') === (toggle % 2 === 0), { intervalMs: 1, what: `toggle ${toggle} seen` });
    }
    await waitForChanges(1);
    expect(missing(changes[0], 'cam')).toEqual([]);
    // A later change of another device is the gate: had the burst made two events, it would be the third.
    unlinkSync(join(root, 'gradi-other'));
    await waitForChanges(2);
    expect(changes).toHaveLength(2);
    expect(missing(changes[1], 'cam')).toEqual([]);
    expect(missing(changes[1], 'other')).toEqual(['/dev/gradi-other']);
  });

  it('applies a manifest update at once, without a change event', async () => {
    linkDevice('gradi-cam');
    await open([spec('cam', [path('/dev/gradi-cam')])]);
    await registry!.update([spec('cam', [path('/dev/gradi-esp')]), spec('new', [path('/dev/gradi-cam')])]);
    expect(missing(registry!, 'cam')).toEqual(['/dev/gradi-esp']);
    expect(missing(registry!, 'new')).toEqual([]);
    expect(registry!.snapshot().map((device) => [device.id, device.neededBy])).toEqual([
      ['path:/dev/gradi-esp', ['cam']],
      ['path:/dev/gradi-cam', ['new']],
    ]);
    expect(changes).toEqual([]);
  });

  it('warns once about a glob in a folder part', async () => {
    await open([spec('a', [path('/dev/serial/*/esp')]), spec('b', [path('/dev/serial/*/esp')])]);
    await registry!.update([spec('a', [path('/dev/serial/*/esp')])]);
    expect(notices.map((notice) => notice.id)).toEqual(['devices.pattern:/dev/serial/*/esp']);
  });
});

describe('DeviceRegistry with USB matchers against a fake bus', () => {
  async function openUsb(specs: ServiceSpec[]) {
    const bus = new FakeUsbSource();
    await open(specs, { usbSource: bus });
    return bus;
  }

  it('matches vendor and product in any case and spelling', async () => {
    const bus = await openUsb([spec('uno', [usb('0x2341', '43')]), spec('hub', [usb('ABCD', 'EF01')])]);
    expect(missing(registry!, 'uno')).toEqual(['USB 2341:0043']);
    bus.plug({ vendor: '2341', product: '0043', productName: 'Arduino Uno' });
    bus.plug({ vendor: 'abcd', product: 'ef01' });
    await waitForChanges(1);
    expect(missing(changes[0], 'uno')).toEqual([]);
    expect(missing(changes[0], 'hub')).toEqual([]);
    expect(changes[0].devices.map((device) => [device.id, device.label, device.present])).toEqual([
      ['usb:2341:0043', 'USB 2341:0043, Arduino Uno', true],
      ['usb:abcd:ef01', 'USB abcd:ef01', true],
    ]);
  });

  it('requires the serial when one is given, comparing it without case', async () => {
    const bus = await openUsb([spec('esp', [usb('10c4', 'ea60', 'Gradi-ESP-01')]), spec('gate', [usb('ffff', '0001')])]);
    const other = bus.plug({ vendor: '10c4', product: 'ea60', serial: 'someone-else' });
    bus.plug({ vendor: '10c4', product: 'ea61', serial: 'GRADI-ESP-01' });
    bus.plug({ vendor: 'ffff', product: '0001' });
    await waitForChanges(1);
    expect(missing(changes[0], 'esp')).toEqual(['USB 10c4:ea60 (serial Gradi-ESP-01)']);
    bus.unplug(other);
    bus.plug({ vendor: '10c4', product: 'ea60', serial: 'GRADI-esp-01' });
    await waitForChanges(2);
    expect(missing(changes[1], 'esp')).toEqual([]);
    expect(changes[1].devices[0].id).toBe('usb:10c4:ea60:gradi-esp-01');
  });

  it('says once when a device matches but for a serial it could not read', async () => {
    const bus = await openUsb([spec('esp', [usb('10c4', 'ea60', 'X1')]), spec('gate', [usb('ffff', '0001')])]);
    bus.plug({ vendor: '10c4', product: 'ea60', serial: null });
    bus.plug({ vendor: '10c4', product: 'ea60', serial: null });
    bus.plug({ vendor: 'ffff', product: '0001' });
    await waitForChanges(1);
    expect(missing(changes[0], 'esp')).toEqual(['USB 10c4:ea60 (serial X1)']);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ id: 'devices.serial:usb:10c4:ea60:x1', level: 'warning' });
    expect(notices[0].message).toMatch(/serial number is unknown/);
  });

  it('lets one device satisfy two services that each need it', async () => {
    const bus = await openUsb([spec('a', [usb('2341', '0043')]), spec('b', [usb('2341', '0043')])]);
    bus.plug({ vendor: '2341', product: '0043' });
    await waitForChanges(1);
    expect(missing(changes[0], 'a')).toEqual([]);
    expect(missing(changes[0], 'b')).toEqual([]);
    expect(changes[0].devices).toEqual([
      { id: 'usb:2341:0043', kind: 'usb', label: 'USB 2341:0043', present: true, neededBy: ['a', 'b'] },
    ]);
  });

  it('counts two identical devices as two when a service lists the matcher twice', async () => {
    const bus = await openUsb([spec('stereo', [usb('2341', '0043'), usb('2341', '0043')])]);
    bus.plug({ vendor: '2341', product: '0043', serial: 'L' });
    await waitForChanges(1);
    expect(missing(changes[0], 'stereo')).toEqual(['USB 2341:0043 #2']);
    expect(changes[0].devices.map((device) => [device.id, device.present])).toEqual([
      ['usb:2341:0043', true],
      ['usb:2341:0043#2', false],
    ]);
    const right = bus.plug({ vendor: '2341', product: '0043', serial: 'R' });
    await waitForChanges(2);
    expect(missing(changes[1], 'stereo')).toEqual([]);
    bus.unplug(right);
    await waitForChanges(3);
    expect(missing(changes[2], 'stereo')).toEqual(['USB 2341:0043 #2']);
  });

  it('keeps the learned product name in the label after the device leaves', async () => {
    const bus = await openUsb([spec('uno', [usb('2341', '0043')])]);
    const id = bus.plug({ vendor: '2341', product: '0043', productName: 'Arduino Uno' });
    await waitForChanges(1);
    bus.unplug(id);
    await waitForChanges(2);
    expect(missing(changes[1], 'uno')).toEqual(['USB 2341:0043, Arduino Uno']);
  });

  it('reports an unavailable USB source once, in status and as a notice, while path rules keep working', async () => {
    const bus = new FakeUsbSource({ state: 'unavailable', reason: '/sys/bus/usb does not exist' });
    await open([spec('uno', [usb('2341', '0043')]), spec('cam', [path('/dev/gradi-cam')])], { usbSource: bus });
    await registry!.update([spec('uno', [usb('2341', '0043')]), spec('cam', [path('/dev/gradi-cam')])]);
    expect(notices).toEqual([
      {
        id: 'devices.usb',
        level: 'warning',
        message: expect.stringMatching(/^USB hot-plug unavailable: \/sys\/bus\/usb does not exist\./),
      },
    ]);
    expect(registry!.status().sources).toEqual([
      { kind: 'path', status: { state: 'ready' } },
      { kind: 'usb', status: { state: 'unavailable', reason: '/sys/bus/usb does not exist' } },
    ]);
    expect(registry!.status().notices).toEqual(notices);
    expect(missing(registry!, 'uno')).toEqual(['USB 2341:0043']);
    linkDevice('gradi-cam');
    await waitForChanges(1);
    expect(missing(changes[0], 'cam')).toEqual([]);
  });

  it('closes its sources and reports nothing after close', async () => {
    const bus = await openUsb([spec('uno', [usb('2341', '0043')])]);
    bus.plug({ vendor: '2341', product: '0043' });
    await registry!.close();
    expect(bus.closed).toBe(true);
    expect(registry!.listenerCount('changed')).toBe(0);
  });
});

/** What the path source sees right now, undebounced. */
function watcherPaths(): string[] {
  const sources = (registry as unknown as { sources: DevPathWatcher[] }).sources;
  return sources[0].devices().map((device) => (device.kind === 'path' ? device.path : ''));
}
