import { describe, expect, it } from 'vitest';
import { serviceSnapshot } from '../../../../test/fixtures/service-snapshots';
import { renderPrometheusMetrics } from './prometheus-metrics';

describe('renderPrometheusMetrics', () => {
  it('renders services, devices and escaped labels in the text format', () => {
    const text = renderPrometheusMetrics({
      manifestPath: '/m.toml',
      services: [
        serviceSnapshot('api', { kind: 'running', pid: 5, since: 0 }, {
          health: 'healthy',
          restarts: 2,
          degraded: 'db is stopped',
          degradedBy: ['db'],
          stats: { cpuPercent: 1.5, rssBytes: 1024, processCount: 2, at: 0 },
        }),
      ],
      devices: [{ id: 'path:/dev/a"b', kind: 'path', label: '/dev/a"b', present: false, neededBy: ['api'] }],
      monitors: [],
      problems: [],
      notices: [],
      logProcesses: [],
    });
    expect(text).toContain('# TYPE showrunner_service_up gauge\nshowrunner_service_up{service="api"} 1\n');
    expect(text).toContain('showrunner_service_state{service="api",state="running"} 1');
    expect(text).toContain('showrunner_service_restarts_total{service="api"} 2');
    expect(text).toContain('showrunner_service_degraded{service="api"} 1');
    expect(text).toContain('showrunner_service_rss_bytes{service="api"} 1024');
    expect(text).toContain('showrunner_device_present{device="/dev/a\\"b"} 0');
    expect(text).toContain('showrunner_manifest_problems 0');
  });

  it('renders the alert queue and heartbeat when [alerts] is set, nothing without it', () => {
    const base = { manifestPath: '/m.toml', services: [], devices: [], monitors: [], problems: [], notices: [], logProcesses: [] };
    expect(renderPrometheusMetrics({ ...base, alerts: null })).not.toContain('showrunner_alerts');
    const heartbeat = { intervalMs: 60_000, inPlace: false, why: 'api is failed', beats: 7, checkedAt: 1, lastBeatAt: 1, lastError: null };
    const alerts = { webhook: true, queued: 2, dropped: 1, suppressed: 3, delivered: 4, lastDeliveryAt: 1_700_000_000_000, lastError: 'HTTP 500', lastErrorAt: 1, nextAttemptAt: 2, heartbeat };
    const text = renderPrometheusMetrics({ ...base, alerts });
    expect(text).toContain('showrunner_alerts_queued 2\n');
    expect(text).toContain('showrunner_alerts_dropped_total 1\n');
    expect(text).toContain('showrunner_alerts_suppressed_total 3\n');
    expect(text).toContain('showrunner_alerts_delivered_total 4\n');
    expect(text).toContain('showrunner_alerts_last_delivery_timestamp_seconds 1700000000\n');
    expect(text).toContain('showrunner_heartbeat_in_place 0\n');
    expect(text).toContain('showrunner_heartbeats_total 7\n');
  });
});
