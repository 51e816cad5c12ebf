import { useSystem } from '../../store/store-context';
import { summarizeAlerts } from './alerts-summary';
import { useLive } from './use-live';

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

/**
 * `[alerts]` as the daemon reports it (kept live by `alerts.changed`); absent without `[alerts]`.
 * Opens to the details. While the page is not live it is the last known state and says so.
 */
export function AlertsBadge() {
  const alerts = useSystem((state) => state.alerts);
  const live = useLive();
  if (!alerts) return null;
  const summary = summarizeAlerts(alerts, clock);
  return (
    <details className={`alerts-badge alerts-${summary.level}${live ? '' : ' alerts-stale'}`} data-level={summary.level} data-stale={!live}>
      <summary aria-label={`Alerts: ${summary.label}${live ? '' : ' (last known: disconnected)'}`}>{summary.label}</summary>
      <ul className="alerts-details" aria-label="Alerts and heartbeat">
        {!live && <li>Disconnected from the daemon: this is what it last reported.</li>}
        {summary.details.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </details>
  );
}
