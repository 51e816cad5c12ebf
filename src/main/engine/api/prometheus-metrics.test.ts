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
});
