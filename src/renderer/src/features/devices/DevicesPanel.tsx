import { useShallow } from 'zustand/react/shallow';
import { useSystem } from '../../store/store-context';

/** Every device the manifest requires: present or missing, and who waits for it. Source
 * problems (USB unavailable) are on the notice strip above every view. */
export function DevicesPanel() {
  const devices = useSystem(useShallow((state) => state.devices));
  return (
    <div className="devices">
      {devices.length === 0 ? (
        <p className="empty">No service requires a device.</p>
      ) : (
        <table className="device-table" aria-label="Devices">
          <thead>
            <tr>
              <th>Device</th>
              <th>Kind</th>
              <th>State</th>
              <th>Needed by</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((device) => (
              <tr key={device.id} data-device-row={device.id} data-present={device.present}>
                <td>
                  <code>{device.label}</code>
                </td>
                <td>{device.kind === 'usb' ? 'USB' : 'path'}</td>
                <td className={device.present ? 'present' : 'missing'}>{device.present ? 'Present' : 'Missing'}</td>
                <td>{device.neededBy.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
