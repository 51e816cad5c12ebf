import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeState, formatBytes } from '../../../../shared/describe-state';
import type { ServiceSnapshot } from '../../../../shared/model';
import { useSystem } from '../../store/store-context';
import { plural } from '../../../../shared/plural';
import { useLive, useStatusClock } from '../shell/use-live';
import { AddServiceDialog } from './AddServiceDialog';
import { askFirst } from '../shell/confirm-store';
import { useOperator } from '../shell/use-operator';

export function ServiceList() {
  const order = useSystem(useShallow((state) => state.serviceOrder));
  const synced = useSystem((state) => state.synced);
  const [adding, setAdding] = useState(false);
  const operator = useOperator();
  if (!synced && order.length === 0) return <p className="empty">Connecting to the engine…</p>;
  return (
    <>
      {operator && (
        <div className="list-actions">
          <button type="button" onClick={() => setAdding(true)}>
            Add service
          </button>
        </div>
      )}
      {order.length === 0 ? (
        <p className="empty">The manifest defines no services.</p>
      ) : (
        <ul className="service-list" aria-label="Services">
          {order.map((name) => (
            <ServiceRow key={name} name={name} />
          ))}
        </ul>
      )}
      {operator && <AddServiceDialog open={adding} onClose={() => setAdding(false)} />}
    </>
  );
}

function ServiceRow({ name }: { name: string }) {
  const service = useSystem((state) => state.services[name]) as ServiceSnapshot | undefined;
  const call = useSystem((state) => state.call);
  const select = useSystem((state) => state.select);
  const operator = useOperator();
  const isSelected = useSystem((state) => state.selected === name);
  const ticking = service?.state.kind === 'running' || service?.state.kind === 'backoff';
  const live = useLive();
  const now = useStatusClock(ticking);
  function removeAdded(target: string, shown: string): void {
    askFirst({ title: `Remove ${shown}?`, message: 'It is stopped and removed from the overlay file.', confirmLabel: 'Remove', run: () => void call('services.remove', { name: target }) });
  }
  if (!service) return null;
  const { label, detail, tone } = describeState(service.state, now);
  const active = ['starting', 'running', 'stopping', 'backoff', 'blocked'].includes(service.state.kind);
  return (
    <li
      className={`service tone-${tone}${service.degraded ? ' degraded' : ''}${isSelected ? ' selected' : ''}`}
      data-service={name}
      data-state={service.state.kind}
      data-degraded={service.degraded ?? undefined}
      aria-label={service.displayName}
      onClick={(event) => (event.target as HTMLElement).closest('button') === null && select(name)}
    >
      <span className="state-dot" aria-hidden="true" />
      <div className="service-main">
        <div className="service-title">
          <span className="service-name">{service.displayName}</span>
          {service.displayName !== name && <span className="service-id">{name}</span>}
          {service.origin === 'builtin' && <span className="badge">built-in</span>}
          {service.origin === 'api' && <span className="badge" title="added over the API; kept in the overlay file beside the manifest">added</span>}
        </div>
        <div className="service-state">
          <span className="state-label">{label}</span>
          {service.state.kind === 'running' && service.health !== 'unknown' && (
            <span className={`health health-${service.health}`}>{service.health}</span>
          )}
          {detail && <span className="state-detail">{detail}</span>}
        </div>
        {service.degraded && <div className="service-degraded">⚠ degraded: {service.degraded}</div>}
        {service.dependencies.length > 0 && (
          <div className="service-deps">needs {service.dependencies.map((dep) => `${dep.name} (${dep.condition})`).join(', ')}</div>
        )}
      </div>
      <div className="service-stats">
        {service.restarts > 0 && <span>{plural(service.restarts, 'restart')}</span>}
        {service.stats && (
          <span>
            {service.stats.cpuPercent.toFixed(1)}% · {formatBytes(service.stats.rssBytes)}
          </span>
        )}
      </div>
      {operator && (
      <fieldset className="service-actions" disabled={!live}>
        {active ? (
          <button type="button" onClick={() => call('services.stop', { name })} aria-label={`Stop ${service.displayName}`}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => call('services.start', { name })} aria-label={`Start ${service.displayName}`}>
            Start
          </button>
        )}
        <button type="button" onClick={() => call('services.restart', { name })} aria-label={`Restart ${service.displayName}`}>
          Restart
        </button>
        {service.origin === 'api' && (
          <button type="button" onClick={() => removeAdded(name, service.displayName)} aria-label={`Remove ${service.displayName}`}>
            Remove
          </button>
        )}
      </fieldset>
      )}
    </li>
  );
}
