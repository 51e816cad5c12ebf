import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignUsbDevices } from './assign-usb-devices';
import type { UsbDeviceInfo } from './device-source';
import { UsbMatcher } from './usb-matcher';

function device(vendor: string, product: string, serial: string | null = null, id = `${vendor}:${product}:${serial}`): UsbDeviceInfo {
  return { id, vendor, product, serial, productName: null, manufacturerName: null, busPath: '1-1' };
}

describe('assignUsbDevices', () => {
  it('needs two devices for the same matcher listed twice', () => {
    const uno = new UsbMatcher({ vendor: '2341', product: '0043' });
    expect(assignUsbDevices([uno, uno], [device('2341', '0043', 'A')])).toEqual([true, false]);
    expect(assignUsbDevices([uno, uno], [device('2341', '0043', 'A'), device('2341', '0043', 'B')])).toEqual([true, true]);
  });

  it('gives a serial-specific entry its device even when a generic entry comes first', () => {
    const generic = new UsbMatcher({ vendor: '2341', product: '0043' });
    const specific = new UsbMatcher({ vendor: '2341', product: '0043', serial: 'B' });
    const devices = [device('2341', '0043', 'B'), device('2341', '0043', 'A')];
    expect(assignUsbDevices([generic, specific], devices)).toEqual([true, true]);
    expect(assignUsbDevices([generic, specific], [device('2341', '0043', 'B')])).toEqual([true, false]);
  });

  it('satisfies as many requirements as a brute-force search finds possible', () => {
    const ids = ['0001', '0002'];
    const serials = ['a', 'b', null];
    const matcherArb = fc.record({
      product: fc.constantFrom(...ids),
      serial: fc.constantFrom(...serials),
    });
    const deviceArb = fc.record({ product: fc.constantFrom(...ids), serial: fc.constantFrom(...serials) });
    fc.assert(
      fc.property(fc.array(matcherArb, { maxLength: 5 }), fc.array(deviceArb, { maxLength: 5 }), (specs, plugged) => {
        const matchers = specs.map((spec) => new UsbMatcher({ vendor: '1234', product: spec.product, serial: spec.serial ?? undefined }));
        const devices = plugged.map((spec, index) => device('1234', spec.product, spec.serial, `d${index}`));
        const satisfied = assignUsbDevices(matchers, devices).filter(Boolean).length;
        expect(satisfied).toBe(bruteForceMaximum(matchers, devices));
      }),
    );
  });
});

function bruteForceMaximum(matchers: UsbMatcher[], devices: UsbDeviceInfo[], from = 0, used = new Set<number>()): number {
  if (from === matchers.length) return 0;
  let best = bruteForceMaximum(matchers, devices, from + 1, used);
  devices.forEach((candidate, index) => {
    if (used.has(index) || !matchers[from].accepts(candidate)) return;
    used.add(index);
    best = Math.max(best, 1 + bruteForceMaximum(matchers, devices, from + 1, used));
    used.delete(index);
  });
  return best;
}
