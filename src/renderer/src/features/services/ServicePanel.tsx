import { describeProbe, describeSchedule, describeState, formatBytes, formatLocalTime } from '../../../../shared/describe-state';
import type { ServiceSnapshot } from '../../../../shared/model';
import { useSystem } from '../../store/store-context';
import { plural } from '../../../../shared/plural';
import { useLive, useStatusClock } from '../shell/use-live';
import { useOperator } from '../shell/use-operator';

const ACTIVE = new Set(['starting', 'running', 'stopping', 'backoff', 'blocked']);

function ProbeLine({ result, now }: { result: NonNullable<ServiceSnapshot['lastProbe']>; now: number }) {
  const { text, stale } = describeProbe(result, now);
  return <div className={stale ? 'probe-stale' : result.ok ? 'probe-ok' : 'probe-bad'}>{text}</div>;
}

/** Everything about the selected service, and every action on it. */
export function ServicePanel() {
  const name = useSystem((state) => state.selected);
  const service = useSystem((state) => (state.selected ? state.services[state.selected] : undefined));
  const call = useSystem((state) => state.call);
  const select = useSystem((state) => state.select);
  const live = useLive();
  const operator = useOperator();
  const now = useStatusClock(Boolean(service));
  if (!name || !service) return null;
  const { label, detail, tone } = describeState(service.state, now);
  const active = ACTIVE.has(service.state.kind);
  const disabled = service.state.kind === 'disabled';
  const title = service.displayName;
  return (
    <aside className={`side-panel tone-${tone}`} aria-label={`Details of ${title}`} data-panel={name}>
      <header className="panel-head">
        <h2>{title}</h2>
        <button type="button" className="close" aria-label="Close details" onClick={() => select(null)}>
          ×
        </button>
      </header>
      <div className="panel-state">
        <span className="state-label">{label}</span>
        {service.state.kind === 'running' && service.health !== 'unknown' && <span className={`health health-${service.health}`}>{service.health}</span>}
        {detail && <p className="state-detail">{detail}</p>}
        {service.degraded && (
          <p className="state-degraded" role="status">
            ⚠ degraded: {service.degraded}
          </p>
        )}
      </div>
      {operator && (
      <fieldset className="panel-actions" disabled={!live}>
        {active ? (
          <button type="button" onClick={() => call('services.stop', { name })} aria-label={`Stop ${title}`}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => call('services.start', { name })} aria-label={`Start ${title}`}>
            Start
          </button>
        )}
        <button type="button" onClick={() => call('services.restart', { name })} aria-label={`Restart ${title}`}>
          Restart
        </button>
        <button type="button" className="danger" onClick={() => call('services.kill', { name })} aria-label={`Kill ${title}`} title="SIGKILL the whole process tree now">
          Kill
        </button>
        <button type="button" onClick={() => call('services.setEnabled', { name, enabled: disabled })} aria-label={`${disabled ? 'Enable' : 'Disable'} ${title}`}>
          {disabled ? 'Enable' : 'Disable'}
        </button>
      </fieldset>
      )}
      <dl className="panel-facts">
        <dt>Command</dt>
        <dd>
          <code>{service.command}</code>
        </dd>
        <dt>Working dir</dt>
        <dd>
          <code>{service.workingDir}</code>
        </dd>
        {service.dependencies.length > 0 && (
          <>
            <dt>Needs</dt>
            <dd>{service.dependencies.map((dep) => `${dep.name} (${dep.condition})`).join(', ')}</dd>
          </>
        )}
        {service.requiresDevices.length > 0 && (
          <>
            <dt>Devices</dt>
            <dd>{service.requiresDevices.join(', ')}</dd>
          </>
        )}
        {service.probe && (
          <>
            <dt>Probe</dt>
            <dd>
              {service.probe.type} <code>{service.probe.target}</code>
              {service.lastProbe && <ProbeLine result={service.lastProbe} now={now} />}
            </dd>
          </>
        )}
        {service.schedule && (
          <>
            <dt>Opening hours</dt>
            <dd data-fact="schedule">
              {describeSchedule(service.schedule, now)} <span className="fact-note">({service.schedule.timezone})</span>
            </dd>
          </>
        )}
        {service.dailyRestart && (
          <>
            <dt>Daily restart</dt>
            <dd data-fact="daily-restart">
              {service.dailyRestart.time} <span className="fact-note">({service.dailyRestart.timezone})</span>, next {formatLocalTime(service.dailyRestart.nextAt, service.dailyRestart.timezone, now)}
            </dd>
          </>
        )}
        <dt>Restarts</dt>
        <dd>{service.restarts}</dd>
        {service.stats && (
          <>
            <dt>Resources</dt>
            <dd>
              {service.stats.cpuPercent.toFixed(1)}% CPU, {formatBytes(service.stats.rssBytes)} in {plural(service.stats.processCount, 'process', 'processes')}
            </dd>
          </>
        )}
      </dl>
      <h3>Recent transitions</h3>
      <ol className="transitions">
        {[...service.transitions].reverse().map((transition, index) => (
          <li key={index}>
            <time dateTime={new Date(transition.at).toISOString()}>{new Date(transition.at).toLocaleTimeString()}</time>{' '}
            <span>
              {transition.from === transition.to ? (
                <>
                  still <strong>{transition.to}</strong>, reason changed
                </>
              ) : (
                <>
                  {transition.from} → <strong>{transition.to}</strong>
                </>
              )}
            </span>
            <div className="transition-reason">{transition.reason}</div>
          </li>
        ))}
      </ol>
    </aside>
  );
}
