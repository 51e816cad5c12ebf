import { useSystem } from '../../store/store-context';
import { summarizeAlerts } from './alerts-summary';

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

/** `[alerts]` as the daemon reports it (kept live by `alerts.changed`); absent without `[alerts]`. Opens to the details. */
export function AlertsBadge() {
  const alerts = useSystem((state) => state.alerts);
  if (!alerts) return null;
  const summary = summarizeAlerts(alerts, clock);
  return (
    <details className={`alerts-badge alerts-${summary.level}`} data-level={summary.level}>
      <summary aria-label={`Alerts: ${summary.label}`}>{summary.label}</summary>
      <ul className="alerts-details" aria-label="Alerts and heartbeat">
        {summary.details.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </details>
  );
}
