import { useSystem } from '../../store/store-context';
import { useLive } from './use-live';

/** Over the greyed-out workspace while the daemon is away; the transport reconnects by itself. */
export function OfflineOverlay() {
  const live = useLive();
  const connection = useSystem((state) => state.connection);
  if (live) return null;
  const text = connection === 'closed' ? 'Disconnected — reconnecting…' : 'Connecting…';
  return (
    <div className="offline-overlay" role="alert" aria-label="Connection lost">
      <p>
        <strong>{text}</strong>
        <br />
        What is shown is the last known state; actions are off until the daemon answers.
      </p>
    </div>
  );
}
