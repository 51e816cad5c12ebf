// Roll-out runs of compose services (issue 19): start one, watch its steps live, approve or
// reject a protected service's run, read its artifacts (run.json, build.log, ...).
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { formatDuration } from '../../../../shared/describe-state';
import { isFinalRunStatus, type ArtifactName, type RolloutRun, type RunStep } from '../../../../shared/rollout-run';
import { useRolloutRunStore, useSystem } from '../../store/store-context';
import { useNow } from '../shell/use-now';
import { useOperator } from '../shell/use-operator';
import { sortedRuns } from './rollout-run-store';

/** `rolled_back` → "Rolled back". */
const statusLabel = (status: string) => status[0].toUpperCase() + status.slice(1).replace('_', ' ');

/** Compose services show their compose call as command (config/read-compose.ts). */
const isCompose = (command: string) => command.startsWith('docker compose ');

export function RunsPanel() {
  const store = useRolloutRunStore();
  const byId = useStore(store, (state) => state.byId);
  const loaded = useStore(store, (state) => state.loaded);
  const connection = useSystem((state) => state.connection);
  const services = useSystem(useShallow((state) => Object.values(state.services).filter((service) => isCompose(service.command)).map((service) => service.name)));
  const call = useSystem((state) => state.call);
  const operator = useOperator();
  const [chosen, setChosen] = useState('');
  const [artifact, setArtifact] = useState<{ id: string; name: string; text: string } | null>(null);
  const artifactRef = useRef<HTMLElement>(null);
  // Below a long list, an opened file would go unseen.
  useEffect(() => artifactRef.current?.scrollIntoView({ block: 'nearest' }), [artifact]);
  useEffect(() => {
    if (connection === 'open') void store.getState().load();
  }, [store, connection]);
  const service = chosen || services[0] || '';
  const runs = sortedRuns(byId);
  return (
    <div className="runs">
      {operator && (
        <form
          className="rollout-start"
          onSubmit={(event) => {
            event.preventDefault();
            if (service) void call('runs.rollout', { name: service });
          }}
        >
          <label>
            Compose service{' '}
            <select aria-label="Compose service" value={service} onChange={(event) => setChosen(event.target.value)} disabled={services.length === 0}>
              {services.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!service}>
            Roll out
          </button>
          <span className="field-hint">Tags the running image as previous, builds, brings the service up, verifies it, and rolls back if it does not verify.</span>
        </form>
      )}
      {runs.length === 0 ? (
        <p className="empty">{loaded ? (services.length ? 'No roll-outs yet.' : 'No kind = "compose" services in this manifest.') : 'Loading runs…'}</p>
      ) : (
        <ol className="run-list" aria-label="Roll-out runs">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} onArtifact={(name) => void call('runs.artifact', { id: run.id, name }).then((value) => value && setArtifact(value))} />
          ))}
        </ol>
      )}
      {artifact && (
        <section ref={artifactRef} className="artifact" aria-label={`${artifact.name} of run ${artifact.id}`}>
          <div className="artifact-head">
            <h3>
              {artifact.name} <span className="run-id">{artifact.id}</span>
            </h3>
            <button type="button" onClick={() => setArtifact(null)}>
              Close
            </button>
          </div>
          <pre>{artifact.text || '(empty)'}</pre>
        </section>
      )}
    </div>
  );
}

function RunRow({ run, onArtifact }: { run: RolloutRun; onArtifact: (name: ArtifactName) => void }) {
  const call = useSystem((state) => state.call);
  // A viewer sees runs and their files; deciding one is the operator's.
  const operator = useOperator();
  const live = !isFinalRunStatus(run.status);
  const now = useNow(live);
  return (
    <li className={`run status-${run.status}`} data-run={run.id} data-status={run.status}>
      <div className="run-head">
        <span className="run-status">{statusLabel(run.status)}</span>
        <strong>{run.service}</strong>
        {run.protected && <span className="run-protected">protected</span>}
        <span className="run-id">{run.id}</span>
        <span className="run-time">{formatDuration((run.endedAt ?? now) - run.createdAt)}</span>
        {operator && run.status === 'awaiting_approval' && (
          <button type="button" className="approve" onClick={() => call('runs.approve', { id: run.id })} aria-label={`Approve run ${run.id}`}>
            Approve
          </button>
        )}
        {operator && (run.status === 'awaiting_approval' || run.status === 'queued') && (
          <button type="button" onClick={() => call('runs.reject', { id: run.id })} aria-label={`Reject run ${run.id}`}>
            Reject
          </button>
        )}
      </div>
      {run.reason && <div className="run-reason">{run.reason}</div>}
      <ol className="run-steps" aria-label={`Steps of run ${run.id}`}>
        {run.steps.map((step) => (
          <StepChip key={step.name} step={step} now={now} />
        ))}
      </ol>
      <div className="run-artifacts">
        {run.artifacts.map((name) => (
          <button key={name} type="button" className="link-button" onClick={() => onArtifact(name as ArtifactName)} aria-label={`${name} of run ${run.id}`}>
            {name}
          </button>
        ))}
      </div>
    </li>
  );
}

function StepChip({ step, now }: { step: RunStep; now: number }) {
  const took = step.startedAt === null ? null : (step.endedAt ?? now) - step.startedAt;
  return (
    <li className={`run-step step-${step.status}`} data-step={step.name} data-status={step.status} title={step.message ?? undefined}>
      <span className="step-name">{step.name.replace('_', ' ')}</span>
      <span className="step-status">{step.status}</span>
      {took !== null && <span className="step-time">{formatDuration(took)}</span>}
    </li>
  );
}
