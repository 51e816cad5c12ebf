import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useSystem } from '../../store/store-context';
import { StateIcon } from './StateIcon';

export const DeviceNode = memo(function DeviceNode({ data }: NodeProps) {
  const id = (data as { ref: string }).ref;
  const device = useSystem((state) => state.devices.find((candidate) => candidate.id === id));
  if (!device) return null;
  return (
    <div className={`graph-node device-node ${device.present ? 'tone-ok' : 'tone-bad'}`} data-device={id} data-present={device.present} title={device.label}>
      <div className="node-head">
        <StateIcon kind={device.kind === 'usb' ? 'usb' : 'path'} />
        <span className="node-name" title={device.label}>{device.label}</span>
      </div>
      <div className="node-state">
        <span className="state-label">{device.present ? 'Present' : 'Missing'}</span>
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});
