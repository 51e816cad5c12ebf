// What one alert says, as POSTed to the webhook (README "Alerts"; docs/architecture.md §9).
export type AlertKind = 'service-failed' | 'device-missing' | 'unclean-exit';

export interface AlertBody {
  /** `<instance key>-<n>`: the same alert retried carries the same id, so a receiver can drop repeats. */
  id: string;
  kind: AlertKind;
  /** null for the daemon itself (unclean exit). */
  service: string | null;
  from: string;
  to: string;
  reason: string;
  host: string;
  /** ISO 8601, when it happened (not when it was delivered). */
  time: string;
  instance: string;
  manifest: string;
  /** Alerts of this service folded into this one by the once-a-minute limit (0: none). */
  suppressed: number;
}
