import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { DeviceRegistry, type DeviceNotice } from './device-registry';
import { DevPathWatcher } from './dev-path-watcher';
import { UsbSource, type NativeUsbDevice, type NativeUsbEmitter, type UsbBinding } from './usb-source';

const noUsbBus = !existsSync('/sys/bus/usb');
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'showrunner-usb-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function source(options: ConstructorParameters<typeof UsbSource>[0] = {}): UsbSource {
  const usb = new UsbSource(options);
  cleanups.push(() => usb.close());
  return usb;
}

/** The native side of the `usb` package, in memory: the hardware is what we may mock. */
class FakeBinding implements UsbBinding {
  listed: NativeUsbDevice[] = [];
  attach: ((device: NativeUsbDevice) => void) | null = null;
  detach: ((handle: string) => void) | null = null;
  failAttach: Error | null = null;
  readonly Emitter: new () => NativeUsbEmitter;

  constructor() {
    const binding = this;
    this.Emitter = class implements NativeUsbEmitter {
      async addAttach(callback: (device: NativeUsbDevice) => void) {
        if (binding.failAttach) throw binding.failAttach;
        binding.attach = callback;
      }
      async removeAttach() {
        binding.attach = null;
      }
      async addDetach(callback: (handle: string) => void) {
        binding.detach = callback;
      }
      async removeDetach() {
        binding.detach = null;
      }
    };
  }

  async nativeGetDevices() {
    return this.listed;
  }
}

function nativeDevice(vendorId: number, productId: number, handle: string, fields: Partial<Record<'serialNumber' | 'productName', string | null>> = {}, serialThrows = false): NativeUsbDevice {
  return {
    vendorId,
    productId,
    bus: '1-1.4',
    address: 7,
    handle,
    get serialNumber() {
      if (serialThrows) throw new Error('EACCES: permission denied');
      return fields.serialNumber ?? null;
    },
    productName: fields.productName ?? null,
    manufacturerName: null,
  };
}

describe('UsbSource on this machine', () => {
  it.skipIf(!noUsbBus)('reports USB unavailable with its reason and lists nothing, without throwing', async () => {
    const usb = source();
    await usb.start();
    expect(usb.status()).toEqual({ state: 'unavailable', reason: expect.stringContaining('/sys/bus/usb does not exist') });
    expect(usb.devices()).toEqual([]);
  });

  it.skipIf(!noUsbBus)('loads the real usb package and reports a listing failure as unavailable', async () => {
    const usb = source({ sysfsUsbDir: tempDir() });
    await usb.start();
    expect(usb.status()).toEqual({ state: 'unavailable', reason: expect.stringMatching(/^USB devices could not be listed \(.+\)/) });
  });

  it.skipIf(noUsbBus)('starts and settles on ready or a stated reason where a USB bus exists', async () => {
    const usb = source();
    await usb.start();
    expect(['ready', 'unavailable']).toContain(usb.status().state);
  });

  it('keeps path rules working beside an unavailable USB source, with one notice', async () => {
    const root = tempDir();
    const usb = new UsbSource({ sysfsUsbDir: join(root, 'no-such-sys') });
    const registry = new DeviceRegistry({ sources: [new DevPathWatcher({ root }), usb], debounceMs: 10 });
    cleanups.push(() => registry.close());
    const notices: DeviceNotice[] = [];
    registry.on('notice', (notice) => notices.push(notice));
    const specs = [{ name: 'cam', requiresDevices: [{ kind: 'path' as const, path: '/dev/gradi-cam' }] }];
    await registry.update(specs as never);
    await registry.update(specs as never);
    expect(notices.map((notice) => notice.id)).toEqual(['devices.usb']);
    expect(notices[0].message).toMatch(/USB hot-plug unavailable: .*no-such-sys does not exist/);
    writeFileSync(join(root, 'video0'), '');
    symlinkSync(join(root, 'video0'), join(root, 'gradi-cam'));
    await waitFor(() => registry.missingByService().get('cam'), (missing) => missing?.length === 0, { what: 'cam to lack nothing' });
  });
});

describe('UsbSource over a fake native binding', () => {
  it('says the optional package could not be loaded', async () => {
    const usb = source({ sysfsUsbDir: tempDir(), loadBinding: () => Promise.reject(new Error("Cannot find module 'usb'")) });
    await usb.start();
    expect(usb.status()).toEqual({ state: 'unavailable', reason: "the optional 'usb' package could not be loaded (Cannot find module 'usb')" });
  });

  it('explains a permission failure when hot-plug events cannot be watched', async () => {
    const binding = new FakeBinding();
    binding.failAttach = new Error('EACCES: permission denied');
    const usb = source({ sysfsUsbDir: tempDir(), loadBinding: async () => binding });
    await usb.start();
    expect(usb.status()).toEqual({ state: 'unavailable', reason: expect.stringMatching(/could not be watched .*add a udev rule/) });
  });

  it('lists devices with hex ids, names and bus path, then follows attach and detach', async () => {
    const binding = new FakeBinding();
    binding.listed = [nativeDevice(0x2341, 0x43, 'h1', { serialNumber: '7533', productName: 'Arduino Uno' })];
    const usb = source({ sysfsUsbDir: tempDir(), loadBinding: async () => binding });
    let changes = 0;
    usb.onChange(() => changes++);
    await usb.start();
    expect(usb.status()).toEqual({ state: 'ready' });
    expect(usb.devices()).toEqual([
      { kind: 'usb', id: 'h1', vendor: '2341', product: '0043', serial: '7533', productName: 'Arduino Uno', manufacturerName: null, busPath: '1-1.4' },
    ]);

    binding.attach!(nativeDevice(0x10c4, 0xea60, 'h2', {}, true));
    expect(usb.devices()[1]).toMatchObject({ id: 'h2', vendor: '10c4', product: 'ea60', serial: null });
    binding.detach!('h1');
    expect(usb.devices().map((device) => device.kind === 'usb' && device.id)).toEqual(['h2']);
    expect(changes).toBe(3);

    await usb.close();
    expect(binding.attach).toBeNull();
    expect(binding.detach).toBeNull();
  });
});
