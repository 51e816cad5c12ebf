import { useSystem } from '../../store/store-context';
import { AlertsBadge } from './AlertsBadge';
import { askFirst } from './confirm-store';
import { useLive } from './use-live';
import { useOperator } from './use-operator';

export type View = 'graph' | 'list' | 'monitors' | 'devices' | 'runs';

const connectionLabels = { open: 'Connected', connecting: 'Connecting…', closed: 'Disconnected' } as const;

export function TopBar({ view, onViewChange }: { view: View; onViewChange: (view: View) => void }) {
  const manifestPath = useSystem((state) => state.manifestPath);
  const connection = useSystem((state) => state.connection);
  const call = useSystem((state) => state.call);
  const live = useLive();
  const operator = useOperator();
  const viewer = useSystem((state) => state.role === 'viewer');
  return (
    <header className="top-bar">
      <h1>Showrunner</h1>
      <span className="manifest-path" title={manifestPath ?? undefined}>
        {manifestPath ?? 'no manifest'}
      </span>
      <div className="view-switch" role="group" aria-label="View">
        <button type="button" aria-pressed={view === 'graph'} onClick={() => onViewChange('graph')}>
          Graph
        </button>
        <button type="button" aria-pressed={view === 'list'} onClick={() => onViewChange('list')}>
          List
        </button>
        <button type="button" aria-pressed={view === 'monitors'} onClick={() => onViewChange('monitors')}>
          Monitors
        </button>
        <button type="button" aria-pressed={view === 'devices'} onClick={() => onViewChange('devices')}>
          Devices
        </button>
        <button type="button" aria-pressed={view === 'runs'} onClick={() => onViewChange('runs')}>
          Runs
        </button>
      </div>
      {viewer && (
        <span className="read-only-badge" role="status" aria-label="Access" title="This page was opened with the viewer token: it shows everything and changes nothing">
          read-only
        </span>
      )}
      {operator && (
      <div className="top-actions">
        <button type="button" disabled={!live} onClick={() => call('services.startAll', {})}>
          Start all
        </button>
        <button
          type="button"
          disabled={!live}
          onClick={() =>
            askFirst({ title: 'Restart all services?', message: 'Every running service stops and starts again, in dependency order.', confirmLabel: 'Restart all', run: () => void call('services.restartAll', {}) })
          }
        >
          Restart all
        </button>
        <button
          type="button"
          disabled={!live}
          onClick={() => askFirst({ title: 'Stop all services?', message: 'Every service stops and stays down until started again.', confirmLabel: 'Stop all', run: () => void call('services.stopAll', {}) })}
        >
          Stop all
        </button>
      </div>
      )}
      <AlertsBadge />
      <span className={`connection connection-${connection}`} role="status" aria-label="Connection">
        {connectionLabels[connection]}
      </span>
    </header>
  );
}
