// Which of one service's USB requirements present devices can satisfy, each device serving at
// most one requirement: a service listing the same matcher twice needs two devices, and a
// serial-specific entry next to a generic one must not lose its device to the generic one.
// That is a bipartite matching; the sets are tiny, so Kuhn's augmenting paths are plenty.
import type { UsbDeviceInfo } from './device-source';
import type { UsbMatcher } from './usb-matcher';

/** One flag per matcher, in order. Earlier matchers win among identical ones. */
export function assignUsbDevices(matchers: UsbMatcher[], devices: UsbDeviceInfo[]): boolean[] {
  const candidates = matchers.map((matcher) =>
    devices.flatMap((device, index) => (matcher.accepts(device) ? [index] : [])),
  );
  const ownerOfDevice = new Array<number>(devices.length).fill(-1);

  const tryAssign = (matcher: number, visited: boolean[]): boolean => {
    for (const device of candidates[matcher]) {
      if (visited[device]) continue;
      visited[device] = true;
      if (ownerOfDevice[device] === -1 || tryAssign(ownerOfDevice[device], visited)) {
        ownerOfDevice[device] = matcher;
        return true;
      }
    }
    return false;
  };

  return matchers.map((_, matcher) => tryAssign(matcher, new Array<boolean>(devices.length).fill(false)));
}
