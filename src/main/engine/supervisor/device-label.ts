// How a device requirement reads in snapshots and blocked reasons: the path itself, or
// `usb VVVV:PPPP` with the serial when one is required.
import type { DeviceRequirement } from '../config/manifest-types';

export function deviceLabel(requirement: DeviceRequirement): string {
  if (requirement.kind === 'path') return requirement.path;
  const id = `usb ${requirement.vendor.toLowerCase()}:${requirement.product.toLowerCase()}`;
  return requirement.serial ? `${id} serial ${requirement.serial}` : id;
}
