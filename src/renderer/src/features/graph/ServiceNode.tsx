import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { describeHours, describeState, formatBytes } from '../../../../shared/describe-state';
import { useSystem } from '../../store/store-context';
import { plural } from '../../../../shared/plural';
import { useStatusClock } from '../shell/use-live';
import { selectService } from './graph-selectors';
import { StateIcon } from './StateIcon';

/** Subscribes to its own service only: one service's change re-renders one node. */
export const ServiceNode = memo(function ServiceNode({ data, selected }: NodeProps) {
  const name = (data as { ref: string }).ref;
  const service = useSystem(useMemo(() => selectService(name), [name]));
  const now = useStatusClock(service?.state.kind === 'running' || service?.state.kind === 'backoff');
  if (!service) return null;
  const { label, detail, tone } = describeState(service.state, now);
  const hours = describeHours(service, now);
  return (
    <div
      className={`graph-node service-node tone-${tone}${service.degraded ? ' degraded' : ''}${selected ? ' selected' : ''}`}
      data-service={name}
      data-state={service.state.kind}
      data-health={service.health}
      data-degraded={service.degraded ?? undefined}
      title={[detail ?? label, service.degraded && `degraded: ${service.degraded}`].filter(Boolean).join('\n')}
    >
      <Handle type="target" position={Position.Left} />
      <div className="node-head">
        <StateIcon kind={service.state.kind} />
        <span className="node-name" title={service.displayName}>{service.displayName}</span>
        {service.origin === 'builtin' && <span className="badge">built-in</span>}
      </div>
      <div className="node-state">
        <span className="state-label">{label}</span>
        {service.state.kind === 'running' && service.health !== 'unknown' && <span className={`health health-${service.health}`}>{service.health}</span>}
        {service.restarts > 0 && <span className="node-restarts">{plural(service.restarts, 'restart')}</span>}
      </div>
      {service.degraded ? (
        <div className="node-detail node-degraded" role="status">
          ⚠ {service.degraded}
        </div>
      ) : (
        <div className="node-detail">{detail ?? ' '}</div>
      )}
      {hours && (
        <div className="node-hours" data-hours title={hours}>
          {hours}
        </div>
      )}
      {service.stats && (
        <div className="node-stats">
          {service.stats.cpuPercent.toFixed(1)}% CPU · {formatBytes(service.stats.rssBytes)}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});
