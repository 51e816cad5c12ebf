// A `requires_devices` USB entry (§8: `{ usb = { vendor, product, serial } }`, hex in any case,
// serial optional) and the devices it accepts. Serials compare without case too: people copy
// them from `lsusb` output and udev names, which disagree on case.
import type { UsbDeviceInfo } from './device-source';

export interface UsbRequirement {
  vendor: string;
  product: string;
  serial?: string;
}

export class UsbMatcher {
  /** 4-digit lowercase hex. */
  readonly vendor: string;
  readonly product: string;
  readonly serial: string | undefined;
  /** Same for every spelling of the same matcher: `usb:2341:0043` or `usb:2341:0043:<serial>`. */
  readonly key: string;

  constructor({ vendor, product, serial }: UsbRequirement) {
    this.vendor = normalizeHexId(vendor);
    this.product = normalizeHexId(product);
    this.serial = serial?.trim() || undefined;
    this.key = `usb:${this.vendor}:${this.product}${this.serial ? `:${this.serial.toLowerCase()}` : ''}`;
  }

  /** Vendor and product must match; the serial too when the requirement names one. */
  accepts(device: UsbDeviceInfo): boolean {
    if (device.vendor !== this.vendor || device.product !== this.product) return false;
    if (this.serial === undefined) return true;
    return device.serial !== null && device.serial.toLowerCase() === this.serial.toLowerCase();
  }

  /** Accepts the device but for a serial we could not read (no permission, or it has none). */
  wouldAcceptWithSerial(device: UsbDeviceInfo): boolean {
    return this.serial !== undefined && device.serial === null && device.vendor === this.vendor && device.product === this.product;
  }

  label(productName: string | null = null): string {
    const base = `USB ${this.vendor}:${this.product}${this.serial ? ` (serial ${this.serial})` : ''}`;
    return productName ? `${base}, ${productName}` : base;
  }
}

/** `0x2341`, `2341`, `ABCD`, `43` → `2341`, `2341`, `abcd`, `0043`. */
export function normalizeHexId(id: string): string {
  return id.trim().toLowerCase().replace(/^0x/, '').padStart(4, '0');
}
