// Who needs which device, and which are missing (issue 7). Sources say what is present; the
// registry keeps one DeviceSnapshot per distinct requirement for the devices panel and, per
// service, the labels of what it lacks, which the supervisor turns into `blocked` and its
// device restart policy. Presence must hold still for `debounceMs` before anyone hears of
// it: a loose connector toggling ten times in 200 ms is one change or, if it ends where it
// started, none.
//
// A requirement is about presence, so one Arduino satisfies two services that each need one.
// A service listing the same USB matcher twice needs two devices: the second copy is its own
// entry (`usb:2341:0043#2`, "USB 2341:0043 #2"), present while at least two match.
import { EventEmitter } from 'node:events';
import type { DeviceSnapshot, Notice } from '../../../shared/model';
import type { DeviceRequirement, ServiceSpec } from '../config/manifest-types';
import { assignUsbDevices } from './assign-usb-devices';
import type { DeviceSource, DeviceSourceKind, SourceStatus, UsbDeviceInfo } from './device-source';
import { PathPattern } from './path-pattern';
import { UsbMatcher } from './usb-matcher';

export interface DeviceRegistryOptions {
  sources: DeviceSource[];
  debounceMs?: number;
}

export interface DevicesChange {
  devices: DeviceSnapshot[];
  /** Every service of the manifest; an empty list means it lacks nothing. */
  missingByService: Map<string, string[]>;
}

export type DeviceNotice = Pick<Notice, 'id' | 'level' | 'message'>;

export interface DeviceRegistryStatus {
  sources: Array<{ kind: DeviceSourceKind; status: SourceStatus }>;
  notices: DeviceNotice[];
}

type Entry =
  | { id: string; kind: 'path'; pattern: PathPattern; neededBy: string[] }
  | { id: string; kind: 'usb'; matcher: UsbMatcher; ordinal: number; neededBy: string[] };

interface ServiceNeeds {
  pathIds: string[];
  usbIds: string[];
}

export class DeviceRegistry extends EventEmitter<{ changed: [DevicesChange]; notice: [DeviceNotice] }> {
  private readonly sources: DeviceSource[];
  private readonly debounceMs: number;
  private readonly unsubscribes: Array<() => void>;
  private entries = new Map<string, Entry>();
  private services = new Map<string, ServiceNeeds>();
  /** Product names stay once seen, so a label does not change when its device leaves. */
  private readonly productNames = new Map<string, string>();
  private readonly notices = new Map<string, DeviceNotice>();
  private emitted: DevicesChange = { devices: [], missingByService: new Map() };
  private emittedKey = keyOf(this.emitted);
  private lastRawKey = this.emittedKey;
  private timer: NodeJS.Timeout | null = null;
  private started: Promise<void> | null = null;
  private closed = false;

  constructor({ sources, debounceMs = 500 }: DeviceRegistryOptions) {
    super();
    this.sources = sources;
    this.debounceMs = debounceMs;
    this.unsubscribes = sources.map((source) => source.onChange(() => this.onSourceChange()));
  }

  /**
   * Takes the manifest's services (first call starts the sources). Emits nothing: a manifest
   * change is not flapping, so the caller reads `snapshot()` and `missingByService()` at once.
   */
  async update(specs: ServiceSpec[]): Promise<void> {
    if (this.closed) return;
    this.rebuild(specs);
    const requirements: DeviceRequirement[] = specs.flatMap((spec) => spec.requiresDevices);
    for (const source of this.sources) source.setRequirements(requirements);
    this.started ??= Promise.all(this.sources.map((source) => source.start().catch(() => {}))).then(() => {});
    await this.started;
    if (this.closed) return;
    this.noticeProblems();
    this.cancelTimer();
    this.emitted = this.compute();
    this.emittedKey = this.lastRawKey = keyOf(this.emitted);
  }

  /** The devices as last reported (debounced). */
  snapshot(): DeviceSnapshot[] {
    return this.emitted.devices.map((device) => ({ ...device, neededBy: [...device.neededBy] }));
  }

  /** Per service, the labels of its missing devices, as last reported (debounced). */
  missingByService(): Map<string, string[]> {
    return new Map([...this.emitted.missingByService].map(([name, missing]) => [name, [...missing]]));
  }

  /**
   * Reads every source now and reports at once, skipping the debounce: a service that needs a
   * device has just exited, and whether that device is still there decides if the exit was a
   * crash or an unplug (issue 16). Emits `changed` synchronously when presence differs from the
   * last report; a device back within the debounce is reported again after it, as usual.
   */
  settleNow(): void {
    if (this.closed) return;
    for (const source of this.sources) source.rescan?.();
    this.cancelTimer();
    this.settle();
  }

  status(): DeviceRegistryStatus {
    return {
      sources: this.sources.map((source) => ({ kind: source.kind, status: source.status() })),
      notices: [...this.notices.values()],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    await Promise.all(this.sources.map((source) => source.close().catch(() => {})));
    this.removeAllListeners();
  }

  private rebuild(specs: ServiceSpec[]): void {
    const entries = new Map<string, Entry>();
    const services = new Map<string, ServiceNeeds>();
    const need = (make: () => Entry, id: string, service: string): void => {
      const entry = entries.get(id) ?? make();
      entries.set(id, entry);
      if (!entry.neededBy.includes(service)) entry.neededBy.push(service);
    };
    for (const spec of specs) {
      const needs: ServiceNeeds = { pathIds: [], usbIds: [] };
      const copies = new Map<string, number>();
      for (const requirement of spec.requiresDevices) {
        if (requirement.kind === 'path') {
          const pattern = new PathPattern(requirement.path);
          const id = `path:${pattern.path}`;
          // A path names one node: listing it twice still needs just that one.
          if (needs.pathIds.includes(id)) continue;
          need(() => ({ id, kind: 'path', pattern, neededBy: [] }), id, spec.name);
          needs.pathIds.push(id);
        } else {
          const matcher = new UsbMatcher(requirement);
          const ordinal = (copies.get(matcher.key) ?? 0) + 1;
          copies.set(matcher.key, ordinal);
          const id = ordinal === 1 ? matcher.key : `${matcher.key}#${ordinal}`;
          need(() => ({ id, kind: 'usb', matcher, ordinal, neededBy: [] }), id, spec.name);
          needs.usbIds.push(id);
        }
      }
      services.set(spec.name, needs);
    }
    this.entries = entries;
    this.services = services;
  }

  private compute(): DevicesChange {
    const presentPaths: string[] = [];
    const usbDevices: UsbDeviceInfo[] = [];
    for (const source of this.sources) {
      for (const device of source.devices()) {
        if (device.kind === 'path') presentPaths.push(device.path);
        else usbDevices.push(device);
      }
    }
    const present = new Map<string, boolean>();
    const labels = new Map<string, string>();
    for (const entry of this.entries.values()) {
      if (entry.kind === 'path') {
        present.set(entry.id, presentPaths.some((path) => entry.pattern.matches(path)));
        labels.set(entry.id, entry.pattern.path);
        continue;
      }
      const matching = usbDevices.filter((device) => entry.matcher.accepts(device));
      const named = matching.find((device) => device.productName);
      if (named?.productName) this.productNames.set(entry.matcher.key, named.productName);
      present.set(entry.id, matching.length >= entry.ordinal);
      const label = entry.matcher.label(this.productNames.get(entry.matcher.key) ?? null);
      labels.set(entry.id, entry.ordinal === 1 ? label : `${label} #${entry.ordinal}`);
    }

    const devices: DeviceSnapshot[] = [...this.entries.values()].map((entry) => ({
      id: entry.id,
      kind: entry.kind,
      label: labels.get(entry.id)!,
      present: present.get(entry.id)!,
      neededBy: [...entry.neededBy],
    }));
    const missingByService = new Map<string, string[]>();
    for (const [name, needs] of this.services) {
      const missing = needs.pathIds.filter((id) => !present.get(id)).map((id) => labels.get(id)!);
      const matchers = needs.usbIds.map((id) => (this.entries.get(id) as Entry & { kind: 'usb' }).matcher);
      assignUsbDevices(matchers, usbDevices).forEach((satisfied, index) => {
        if (!satisfied) missing.push(labels.get(needs.usbIds[index])!);
      });
      missingByService.set(name, missing);
    }
    this.noticeUnreadableSerials(usbDevices);
    return { devices, missingByService };
  }

  private onSourceChange(): void {
    if (this.closed) return;
    this.noticeProblems();
    const rawKey = keyOf(this.compute());
    if (rawKey === this.lastRawKey) return;
    this.lastRawKey = rawKey;
    this.cancelTimer();
    if (rawKey === this.emittedKey) return;
    // Presence changed again before settling: wait the full quiet time from this change.
    this.timer = setTimeout(() => this.settle(), this.debounceMs);
  }

  private settle(): void {
    this.timer = null;
    if (this.closed) return;
    const change = this.compute();
    const key = keyOf(change);
    if (key === this.emittedKey) return;
    this.emitted = change;
    this.emittedKey = this.lastRawKey = key;
    this.emit('changed', { devices: this.snapshot(), missingByService: this.missingByService() });
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private noticeProblems(): void {
    for (const source of this.sources) {
      const status = source.status();
      if (status.state === 'unavailable') {
        const what = source.kind === 'usb' ? 'USB hot-plug' : 'Device path watching';
        this.notice({
          id: `devices.${source.kind}`,
          level: 'warning',
          message: `${what} unavailable: ${status.reason}. Requirements it serves count as missing; other device rules keep working.`,
        });
      } else if (status.state === 'ready' && status.polling?.length) {
        this.notice({
          id: `devices.${source.kind}.polling`,
          level: 'info',
          message: `Could not watch ${status.polling.join(', ')}; reading ${status.polling.length === 1 ? 'it' : 'them'} periodically instead.`,
        });
      }
    }
    for (const entry of this.entries.values()) {
      if (entry.kind === 'path' && entry.pattern.problem) {
        this.notice({ id: `devices.pattern:${entry.pattern.path}`, level: 'warning', message: entry.pattern.problem });
      }
    }
  }

  private noticeUnreadableSerials(usbDevices: UsbDeviceInfo[]): void {
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'usb' || !usbDevices.some((device) => entry.matcher.wouldAcceptWithSerial(device))) continue;
      this.notice({
        id: `devices.serial:${entry.matcher.key}`,
        level: 'warning',
        message: `${entry.matcher.label()} is wanted, and a ${entry.matcher.vendor}:${entry.matcher.product} device is plugged in whose serial number is unknown (it has none, or this user may not open it: add a udev rule); it does not count.`,
      });
    }
  }

  /** Each notice once, and again only when its message changes. */
  private notice(notice: DeviceNotice): void {
    if (this.notices.get(notice.id)?.message === notice.message) return;
    this.notices.set(notice.id, notice);
    this.emit('notice', notice);
  }
}

function keyOf(change: DevicesChange): string {
  return JSON.stringify([change.devices, [...change.missingByService]]);
}
