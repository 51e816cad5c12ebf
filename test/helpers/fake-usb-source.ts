// A USB bus in memory: tests plug and unplug devices by hand (hardware is the one thing we
// mock). Implements the same DeviceSource the real UsbSource does.
import type { DeviceSource, PresentDevice, SourceStatus, UsbDeviceInfo } from '../../src/main/engine/devices/device-source';

export type FakeUsbDevice = Partial<UsbDeviceInfo> & Pick<UsbDeviceInfo, 'vendor' | 'product'>;

export class FakeUsbSource implements DeviceSource {
  readonly kind = 'usb' as const;
  private readonly plugged = new Map<string, UsbDeviceInfo>();
  private readonly listeners = new Set<() => void>();
  private current: SourceStatus = { state: 'starting' };
  private nextId = 1;
  closed = false;

  constructor(private readonly startAs: SourceStatus = { state: 'ready' }) {}

  async start(): Promise<void> {
    this.current = this.startAs;
    this.notify();
  }

  setRequirements(): void {}

  devices(): PresentDevice[] {
    return [...this.plugged.values()].map((device) => ({ kind: 'usb', ...device }));
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
  }

  /** Returns the id to unplug it with. */
  plug(device: FakeUsbDevice): string {
    const id = device.id ?? `fake-${this.nextId++}`;
    this.plugged.set(id, {
      id,
      serial: null,
      productName: null,
      manufacturerName: null,
      busPath: `1-${this.plugged.size + 1}`,
      ...device,
    });
    this.notify();
    return id;
  }

  unplug(id: string): void {
    if (this.plugged.delete(id)) this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
