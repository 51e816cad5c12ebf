// USB hot-plug through the optional `usb` package (v3, nusb underneath): the initial device
// list, then attach and detach events. Where USB cannot work (package missing, no
// /sys/bus/usb as in containers, no permission) the source says so once through its status
// and lists nothing; the registry turns that into one notice and path rules keep working.
//
// We use the package's native binding (`usb/index.js`) rather than its WebUSB wrapper: the
// wrapper registers hot-plug callbacks in the background and rethrows a failure from a
// timer, which would take the whole daemon down on a machine without USB.
import { existsSync } from 'node:fs';
import type { DeviceSource, PresentDevice, SourceStatus, UsbDeviceInfo } from './device-source';

/** The slice of the `usb` v3 native binding we use, typed here so the package stays optional. */
export interface UsbBinding {
  nativeGetDevices(): Promise<NativeUsbDevice[]>;
  Emitter: new () => NativeUsbEmitter;
}

export interface NativeUsbDevice {
  vendorId: number;
  productId: number;
  bus: string;
  address: number;
  readonly handle: string;
  readonly serialNumber: string | null;
  readonly productName: string | null;
  readonly manufacturerName: string | null;
}

export interface NativeUsbEmitter {
  addAttach(callback: (device: NativeUsbDevice) => void): Promise<void>;
  removeAttach(): Promise<void>;
  addDetach(callback: (handle: string) => void): Promise<void>;
  removeDetach(): Promise<void>;
}

export interface UsbSourceOptions {
  /** Loads the binding; tests pass one that fails to see the unavailable path. */
  loadBinding?: () => Promise<UsbBinding>;
  /** Checked first on Linux: without it nusb cannot list anything. */
  sysfsUsbDir?: string;
}

export class UsbSource implements DeviceSource {
  readonly kind = 'usb' as const;
  private readonly loadBinding: () => Promise<UsbBinding>;
  private readonly sysfsUsbDir: string;
  private current: SourceStatus = { state: 'starting' };
  private readonly present = new Map<string, UsbDeviceInfo>();
  private readonly listeners = new Set<() => void>();
  private emitter: NativeUsbEmitter | null = null;
  /** Detached while the first listing was under way: that listing may still name them. */
  private detachedWhileListing: Set<string> | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;

  constructor({ loadBinding = loadUsbBinding, sysfsUsbDir = '/sys/bus/usb' }: UsbSourceOptions = {}) {
    this.loadBinding = loadBinding;
    this.sysfsUsbDir = sysfsUsbDir;
  }

  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  setRequirements(): void {
    // Every device on the bus is listed; matching is the registry's job.
  }

  devices(): PresentDevice[] {
    return [...this.present.values()].map((device) => ({ kind: 'usb', ...device }));
  }

  status(): SourceStatus {
    return this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.starting;
    await this.releaseEmitter();
    this.present.clear();
  }

  private async begin(): Promise<void> {
    if (process.platform === 'linux' && !existsSync(this.sysfsUsbDir)) {
      return this.unavailable(`${this.sysfsUsbDir} does not exist on this machine (no USB bus is visible, as in a container)`);
    }
    let binding: UsbBinding;
    try {
      binding = await this.loadBinding();
    } catch (error) {
      return this.unavailable(`the optional 'usb' package could not be loaded (${messageOf(error)})`);
    }
    if (this.closed) return;
    const emitter = new binding.Emitter();
    this.emitter = emitter;
    try {
      // Events first, then the list: a device plugged in between is seen by one of them.
      await emitter.addAttach((device) => this.attach(device));
      await emitter.addDetach((handle) => this.detach(handle));
    } catch (error) {
      await this.releaseEmitter();
      return this.unavailable(`USB hot-plug events could not be watched (${explain(error)})`);
    }
    this.detachedWhileListing = new Set();
    let listed: NativeUsbDevice[];
    try {
      listed = await binding.nativeGetDevices();
    } catch (error) {
      await this.releaseEmitter();
      return this.unavailable(`USB devices could not be listed (${explain(error)})`);
    }
    const detached = this.detachedWhileListing;
    this.detachedWhileListing = null;
    if (this.closed) return;
    for (const device of listed) {
      const info = describeUsbDevice(device);
      if (!detached.has(info.id)) this.present.set(info.id, info);
    }
    this.current = { state: 'ready' };
    this.notify();
  }

  private attach(device: NativeUsbDevice): void {
    if (this.closed) return;
    const info = describeUsbDevice(device);
    this.detachedWhileListing?.delete(info.id);
    this.present.set(info.id, info);
    if (this.current.state === 'ready') this.notify();
  }

  private detach(handle: string): void {
    if (this.closed) return;
    this.detachedWhileListing?.add(handle);
    if (this.present.delete(handle) && this.current.state === 'ready') this.notify();
  }

  private unavailable(reason: string): void {
    this.current = { state: 'unavailable', reason };
    this.notify();
  }

  private async releaseEmitter(): Promise<void> {
    const emitter = this.emitter;
    this.emitter = null;
    if (!emitter) return;
    await emitter.removeAttach().catch(() => {});
    await emitter.removeDetach().catch(() => {});
  }

  private notify(): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener();
  }
}

async function loadUsbBinding(): Promise<UsbBinding> {
  const loaded = (await import('usb/index.js')) as unknown as UsbBinding & { default?: UsbBinding };
  const binding = typeof loaded.nativeGetDevices === 'function' ? loaded : loaded.default;
  if (!binding || typeof binding.nativeGetDevices !== 'function') throw new Error('usb/index.js has no nativeGetDevices');
  return binding;
}

/** Reads what the device tells without opening it; a getter that fails leaves the field unknown. */
export function describeUsbDevice(device: NativeUsbDevice): UsbDeviceInfo {
  const busPath = readQuietly(() => device.bus) ?? '';
  const text = (read: () => string | null) => readQuietly(read)?.trim() || null;
  return {
    id: readQuietly(() => device.handle) || `${busPath}:${readQuietly(() => device.address) ?? '?'}`,
    vendor: hex4(device.vendorId),
    product: hex4(device.productId),
    serial: text(() => device.serialNumber),
    productName: text(() => device.productName),
    manufacturerName: text(() => device.manufacturerName),
    busPath,
  };
}

function hex4(id: number): string {
  return (id & 0xffff).toString(16).padStart(4, '0');
}

function readQuietly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function explain(error: unknown): string {
  const message = messageOf(error);
  return /EACCES|EPERM|permission/i.test(message)
    ? `${message}; this user may not read USB devices: add a udev rule or group`
    : message;
}
