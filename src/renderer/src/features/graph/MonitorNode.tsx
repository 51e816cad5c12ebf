import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useSystem } from '../../store/store-context';
import { StateIcon } from './StateIcon';

const tones = { connected: 'tone-ok', connecting: 'tone-waiting', disconnected: 'tone-bad', stopped: 'tone-idle' } as const;

/** A monitor peer of the mrmd stack: its document, connection and run counts. */
export const MonitorNode = memo(function MonitorNode({ data }: NodeProps) {
  const doc = (data as { ref: string }).ref;
  const monitor = useSystem((state) => state.monitors[doc]);
  if (!monitor) return null;
  const active = (monitor.counts.running ?? 0) + (monitor.counts.claimed ?? 0) + (monitor.counts.ready ?? 0);
  return (
    <div className={`graph-node monitor-node ${tones[monitor.connection]}`} data-monitor-node={doc} data-connection={monitor.connection} title={monitor.error ?? monitor.syncUrl}>
      <Handle type="target" position={Position.Left} />
      <div className="node-head">
        <StateIcon kind="monitor" />
        <span className="node-name">monitor:{doc}</span>
      </div>
      <div className="node-state">
        <span className="state-label">{monitor.connection}</span>
      </div>
      <div className="node-detail">
        {monitor.peers} peers · {active} running · {monitor.counts.completed ?? 0} done
      </div>
    </div>
  );
});
