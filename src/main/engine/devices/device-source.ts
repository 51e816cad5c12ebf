// What the device registry reads presence from. A source knows what is plugged in; the
// registry knows who needs what (issue 7). Path sources only look at what the requirements
// name, so they are told the requirements; a USB source lists every device on the bus.
import type { DeviceRequirement } from '../config/manifest-types';

export type DeviceSourceKind = 'path' | 'usb';

export type SourceStatus =
  | { state: 'starting' }
  /** `polling` lists directories that could not be watched and are read every interval instead. */
  | { state: 'ready'; polling?: string[] }
  /** Said once, visibly: the registry turns it into a notice; path rules keep working. */
  | { state: 'unavailable'; reason: string };

export interface UsbDeviceInfo {
  /** Stable while the device stays plugged in (the native handle, else bus path and address). */
  id: string;
  /** 4-digit lowercase hex. */
  vendor: string;
  /** 4-digit lowercase hex. */
  product: string;
  /** Null when the device has none or it could not be read (no permission to open the device). */
  serial: string | null;
  productName: string | null;
  manufacturerName: string | null;
  /** Where it sits on the bus, as Linux names it (`1-1.4`). */
  busPath: string;
}

export type PresentDevice =
  /** A path in requirement terms (`/dev/gradi-cam`), whatever the watcher's root is. */
  | { kind: 'path'; path: string }
  | ({ kind: 'usb' } & UsbDeviceInfo);

export interface DeviceSource {
  readonly kind: DeviceSourceKind;
  /** Resolves once the first listing is known (or the source knows it is unavailable); never rejects. */
  start(): Promise<void>;
  /** Every requirement of every service; a source may ignore the ones of other kinds. */
  setRequirements(requirements: DeviceRequirement[]): void;
  /** What is present now, undebounced. */
  devices(): PresentDevice[];
  /** Reads presence again at once instead of waiting for the next event (a service that needs
   *  the device just exited: was it unplugged?). Sources kept current by events may omit it. */
  rescan?(): void;
  status(): SourceStatus;
  /** Called after presence or status may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Releases watchers, timers and native handles. */
  close(): Promise<void>;
}
