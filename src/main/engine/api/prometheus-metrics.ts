// `GET /metrics` in Prometheus text format, from the same snapshot the UI shows, so an
// installation can be watched by the tools a venue already has.
import type { SystemSnapshot } from '../../../shared/model';
import type { RolloutFigures } from '../compose/rollout-metrics';

type Sample = [labels: Record<string, string>, value: number];

export function renderPrometheusMetrics(snapshot: SystemSnapshot, rollouts?: RolloutFigures): string {
  const out: string[] = [];
  const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${formatLabels(labels)} ${Number.isFinite(value) ? value : 0}`);
  };
  const services = snapshot.services;
  metric('showrunner_service_up', 'gauge', 'Whether the service is running (1) or not (0).', services.map((s) => [{ service: s.name }, s.state.kind === 'running' ? 1 : 0]));
  metric(
    'showrunner_service_state',
    'gauge',
    'The service state as a label; the sample for the current state is 1.',
    services.map((s) => [{ service: s.name, state: s.state.kind }, 1]),
  );
  metric('showrunner_service_healthy', 'gauge', 'Probe health: 1 healthy, 0 unhealthy, -1 unknown.', services.map((s) => [{ service: s.name }, s.health === 'healthy' ? 1 : s.health === 'unhealthy' ? 0 : -1]));
  metric(
    'showrunner_service_degraded',
    'gauge',
    'Whether a running service has a dependency that no longer meets its condition.',
    services.map((s) => [{ service: s.name }, s.degraded ? 1 : 0]),
  );
  metric('showrunner_service_restarts_total', 'counter', 'Restarts since the supervisor started.', services.map((s) => [{ service: s.name }, s.restarts]));
  const sampled = services.filter((s) => s.stats);
  metric('showrunner_service_cpu_percent', 'gauge', 'CPU use of the whole process tree, percent of one core.', sampled.map((s) => [{ service: s.name }, s.stats!.cpuPercent]));
  metric('showrunner_service_rss_bytes', 'gauge', 'Resident memory of the whole process tree.', sampled.map((s) => [{ service: s.name }, s.stats!.rssBytes]));
  metric('showrunner_device_present', 'gauge', 'Whether a required device is present.', snapshot.devices.map((d) => [{ device: d.label }, d.present ? 1 : 0]));
  metric('showrunner_monitor_running', 'gauge', 'Whether the monitor peer of a document runs.', snapshot.monitors.map((m) => [{ doc: m.doc }, m.running ? 1 : 0]));
  metric('showrunner_manifest_problems', 'gauge', 'Problems in the manifest on disk (0 when valid).', [[{}, snapshot.problems.length]]);
  if (rollouts) {
    // Roll-out runs of compose services (issue 19; MoonMind's run funnel, step latency, MTTR).
    metric('showrunner_rollout_runs_total', 'counter', 'Roll-out runs ended, by outcome.', Object.entries(rollouts.runsByOutcome).map(([outcome, n]) => [{ outcome }, n]));
    const steps = Object.entries(rollouts.steps).flatMap(([step, byOutcome]) => Object.entries(byOutcome).map(([outcome, entry]) => ({ step, outcome, ...entry })));
    metric('showrunner_rollout_step_seconds_sum', 'counter', 'Time spent in roll-out steps, by step and outcome.', steps.map((s) => [{ step: s.step, outcome: s.outcome }, s.seconds]));
    metric('showrunner_rollout_step_seconds_count', 'counter', 'Roll-out steps ended, by step and outcome.', steps.map((s) => [{ step: s.step, outcome: s.outcome }, s.count]));
    metric('showrunner_rollout_recover_seconds_sum', 'counter', 'Time from a failed deployment to the previous image verified again.', [[{}, rollouts.recoveries.seconds]]);
    metric('showrunner_rollout_recover_seconds_count', 'counter', 'Roll-outs recovered by rollback.', [[{}, rollouts.recoveries.count]]);
  }
  const alerts = snapshot.alerts;
  if (alerts) {
    metric('showrunner_alerts_queued', 'gauge', 'Alerts on disk waiting for the webhook.', [[{}, alerts.queued]]);
    metric('showrunner_alerts_dropped_total', 'counter', 'Oldest alerts dropped because the queue was full.', [[{}, alerts.dropped]]);
    metric('showrunner_alerts_suppressed_total', 'counter', 'Alerts folded into a later one by the once-a-minute limit.', [[{}, alerts.suppressed]]);
    metric('showrunner_alerts_delivered_total', 'counter', 'Alerts the webhook accepted since the daemon started.', [[{}, alerts.delivered]]);
    if (alerts.lastDeliveryAt !== null) metric('showrunner_alerts_last_delivery_timestamp_seconds', 'gauge', 'When the webhook last accepted an alert.', [[{}, alerts.lastDeliveryAt / 1000]]);
    if (alerts.heartbeat) {
      metric('showrunner_heartbeat_in_place', 'gauge', 'Whether every autostarted service is where it should be (heartbeats go out).', [[{}, alerts.heartbeat.inPlace ? 1 : 0]]);
      metric('showrunner_heartbeats_total', 'counter', 'Heartbeats accepted since the daemon started.', [[{}, alerts.heartbeat.beats]]);
    }
  }
  return out.join('\n') + '\n';
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
