// Roll-outs of compose services as runs (issue 19, MoonMind seed 004): queue per service (one
// run at a time each; others wait `queued`), the approval gate of protected services, the
// steps in order with rollback on a failed deployment, and every change saved to run.json
// and announced. The docker work of each step is rollout-steps.ts; verification
// verify-deployment.ts; the files run-store.ts.
import { ContractError } from '../../../shared/contract';
import { describeState } from '../../../shared/describe-state';
import type { ServiceSnapshot } from '../../../shared/model';
import { isFinalRunStatus, type ArtifactName, type RolloutRun, type RunStatus, type RunStep, type StepName } from '../../../shared/rollout-run';
import type { Manifest, ServiceSpec } from '../config/manifest-types';
import { deferred, type Deferred } from '../supervisor/deferred';
import { RolloutMetrics } from './rollout-metrics';
import { RunStore } from './run-store';
import { build, restorePrevious, tagPrevious, type StepResult } from './rollout-steps';
import { verifyDeployment } from './verify-deployment';

export type { RolloutFigures } from './rollout-metrics';

export interface RolloutHost {
  /** The service's spec, if it is supervised. */
  spec(name: string): ServiceSpec | undefined;
  /** Stops the service and starts it again (`docker compose stop`, `up -d --no-deps`); its state after. */
  redeploy(name: string): Promise<ServiceSnapshot>;
  changed(run: RolloutRun): void;
  log(line: string): void;
}

export interface RolloutTiming {
  /** The verify step's first retry delay; doubles up to maxDelayMs. */
  verifyFirstDelayMs?: number;
  verifyMaxDelayMs?: number;
}

type Decision = { approved: boolean; by: string };

export class RolloutRunner {
  private readonly runs = new Map<string, RolloutRun>();
  private readonly decisions = new Map<string, Deferred<Decision>>();
  private readonly tails = new Map<string, Promise<void>>();
  private readonly saves = new Map<string, Promise<void>>();
  private readonly appends = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  readonly metrics = new RolloutMetrics();

  constructor(
    private readonly store: RunStore,
    private readonly host: RolloutHost,
    private readonly timing: RolloutTiming = {},
  ) {}

  /** A runner on `dir` with the stored runs read; those a previous daemon left unfinished end `failed` here. */
  static async open(dir: string, timing: RolloutTiming | undefined, host: RolloutHost): Promise<RolloutRunner> {
    const runner = new RolloutRunner(new RunStore(dir), host, timing);
    for (const run of await runner.store.load()) runner.runs.set(run.id, run);
    return runner;
  }

  list(status?: RunStatus): RolloutRun[] {
    return [...this.runs.values()].filter((run) => !status || run.status === status).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  get(id: string): RolloutRun {
    const run = this.runs.get(id);
    if (!run) throw new ContractError('not-found', `no run ${id}`, { id });
    return structuredClone(run);
  }

  async artifact(id: string, name: ArtifactName): Promise<{ id: string; name: string; text: string }> {
    const run = this.get(id);
    if (!run.artifacts.includes(name)) throw new ContractError('not-found', `run ${id} has no ${name}`, { id, name });
    return { id, name, text: await this.store.read(id, name) };
  }

  rollout(service: string): RolloutRun {
    if (this.controller.signal.aborted) throw new ContractError('unavailable', 'the daemon is stopping');
    const spec = this.host.spec(service);
    if (!spec) throw new ContractError('not-found', `no service ${service}`, { service });
    if (!spec.compose) throw new ContractError('invalid-args', `${service} is not a kind = "compose" service; only those are rolled out`, { service });
    const busy = this.list().some((other) => other.service === service && !isFinalRunStatus(other.status));
    const step = (name: StepName): RunStep => ({ name, status: 'pending', startedAt: null, endedAt: null, message: null });
    const run: RolloutRun = {
      id: this.store.newId(),
      service,
      status: 'queued',
      reason: busy ? 'waits for the run before it on this service' : null,
      protected: spec.compose.protected,
      createdAt: Date.now(),
      endedAt: null,
      decidedBy: null,
      steps: [step('tag'), step('build'), step('deploy'), step('verify')],
      artifacts: [],
    };
    this.runs.set(run.id, run);
    this.changed(run);
    // One run per service at a time: each waits for the one queued before it.
    const tail = (this.tails.get(service) ?? Promise.resolve()).then(() => this.execute(run));
    this.tails.set(service, tail);
    return structuredClone(run);
  }

  approve(id: string, by = 'operator'): RolloutRun {
    return this.decide(id, { approved: true, by });
  }

  reject(id: string, by = 'operator'): RolloutRun {
    return this.decide(id, { approved: false, by });
  }

  /** Runs under way end `failed` now (saved), so a stopping daemon leaves none unfinished. */
  async close(): Promise<void> {
    this.controller.abort();
    for (const run of this.runs.values()) {
      if (isFinalRunStatus(run.status)) continue;
      this.finish(run, 'failed', `the daemon stopped during the run (it was ${run.status.replace('_', ' ')})`);
    }
    await Promise.all(this.saves.values());
  }

  private decide(id: string, decision: Decision): RolloutRun {
    const run = this.runs.get(id);
    if (!run) throw new ContractError('not-found', `no run ${id}`, { id });
    const pending = this.decisions.get(id);
    const early = run.status === 'queued' && !decision.approved;
    if (!pending && !early) {
      throw new ContractError('conflict', `run ${id} is ${run.status.replace('_', ' ')}, not awaiting approval`, { id, status: run.status });
    }
    run.decidedBy = decision.by;
    if (early) this.finish(run, 'rejected', `rejected by ${decision.by} while queued`);
    pending?.resolve(decision);
    this.decisions.delete(id);
    return structuredClone(run);
  }

  private async execute(run: RolloutRun): Promise<void> {
    if (isFinalRunStatus(run.status)) return;
    try {
      await this.steps(run);
    } catch (error) {
      if (!isFinalRunStatus(run.status)) this.finish(run, 'failed', `internal error: ${(error as Error).message}`);
      this.host.log(`run ${run.id}: ${(error as Error).stack ?? String(error)}`);
    }
  }

  private async steps(run: RolloutRun): Promise<void> {
    const signal = this.controller.signal;
    const spec = this.host.spec(run.service);
    if (!spec?.compose) return this.finish(run, 'failed', `${run.service} is no longer a compose service`);
    const compose = spec.compose;
    if (compose.protected) {
      const decision = deferred<Decision>();
      this.decisions.set(run.id, decision);
      this.status(run, 'awaiting_approval', `${run.service} is protected: approve or reject the run`);
      const { approved, by } = await decision.promise;
      if (!approved) return this.finish(run, 'rejected', `rejected by ${by}`);
      if (isFinalRunStatus(run.status)) return;
      run.reason = `approved by ${by}`;
    }
    // Appends in order, one at a time; a step ends only once its output is on disk (step()).
    const log = (name: ArtifactName) => (text: string) => {
      const previous = this.appends.get(run.id) ?? Promise.resolve();
      const next = previous
        .then(() => this.store.append(run.id, name, text))
        .then(() => this.noteArtifact(run, name))
        .catch((error: unknown) => this.host.log(`run ${run.id}: writing ${name} failed: ${(error as Error).message}`));
      this.appends.set(run.id, next);
    };
    this.status(run, 'building', run.reason);
    const tagged = await this.step(run, 'tag', () => tagPrevious(compose, log('build.log'), signal));
    if (!tagged.ok) return this.finish(run, 'failed', tagged.message);
    const built = await this.step(run, 'build', () => build(compose, log('build.log'), signal));
    if (!built.ok) return this.finish(run, 'failed', built.message);
    if (this.aborted(run)) return;

    this.status(run, 'deploying', null);
    const deployed = await this.step(run, 'deploy', () => this.deploy(run.service, log('deploy.log')));
    let failure = deployed.ok ? null : deployed.message;
    if (deployed.ok) {
      this.status(run, 'verifying', null);
      const verified = await this.step(run, 'verify', () => this.verify(spec, log('verify.log')));
      if (verified.ok) return this.finish(run, 'succeeded', verified.message);
      failure = verified.message;
    }
    if (this.aborted(run)) return;
    const failedAt = Date.now();
    if (!tagged.previous) return this.finish(run, 'failed', `${failure}; no previous image to roll back to`);
    const previous = tagged.previous;
    run.steps.push(...(['rollback', 'verify_rollback'] as const).map((name): RunStep => ({ name, status: 'pending', startedAt: null, endedAt: null, message: null })));
    this.status(run, 'rolling_back', failure);
    const rollback = log('rollback.log');
    rollback(`rolling back: ${failure}\n`);
    const restored = await this.step(run, 'rollback', async () => {
      const restore = await restorePrevious(compose, previous, rollback, signal);
      return restore.ok ? this.deploy(run.service, rollback) : restore;
    });
    if (!restored.ok) return this.finish(run, 'failed', `${failure}; rollback failed: ${restored.message}`);
    const again = await this.step(run, 'verify_rollback', () => this.verify(spec, rollback));
    if (!again.ok) return this.finish(run, 'failed', `${failure}; the previous image did not verify either: ${again.message}`);
    this.metrics.recovered(Date.now() - failedAt);
    this.finish(run, 'rolled_back', `${failure}; the previous image runs again`);
  }

  private async deploy(service: string, log: (text: string) => void): Promise<StepResult> {
    log(`restarting ${service}: docker compose stop, then up -d --no-deps\n`);
    const snapshot = await this.host.redeploy(service);
    const { label, detail } = describeState(snapshot.state);
    const message = `${label}${detail ? `: ${detail}` : ''}`;
    log(`state after: ${message}\n`);
    return { ok: snapshot.state.kind === 'running', message: snapshot.state.kind === 'running' ? 'container up' : `deploy failed: ${message}` };
  }

  private verify(spec: ServiceSpec, log: (text: string) => void): Promise<StepResult> {
    return verifyDeployment({
      compose: spec.compose!,
      health: spec.health,
      env: spec.env,
      deadlineMs: spec.compose!.verifyTimeoutMs,
      signal: this.controller.signal,
      log: (line) => log(`${new Date().toISOString()} ${line}\n`),
      firstDelayMs: this.timing.verifyFirstDelayMs,
      maxDelayMs: this.timing.verifyMaxDelayMs,
    });
  }

  private async step(run: RolloutRun, name: StepName, work: () => Promise<StepResult>): Promise<StepResult> {
    const step = run.steps.find((candidate) => candidate.name === name)!;
    Object.assign(step, { status: 'running', startedAt: Date.now() });
    this.changed(run);
    const result = await work();
    await this.appends.get(run.id);
    step.endedAt = Date.now();
    step.status = result.skipped ? 'skipped' : result.ok ? 'succeeded' : 'failed';
    step.message = result.message;
    this.metrics.step(name, step.status, step.endedAt - step.startedAt!);
    this.changed(run);
    return result;
  }

  private aborted(run: RolloutRun): boolean {
    return this.controller.signal.aborted || isFinalRunStatus(run.status);
  }

  private status(run: RolloutRun, status: RunStatus, reason: string | null): void {
    if (isFinalRunStatus(run.status)) return;
    run.status = status;
    run.reason = reason;
    this.changed(run);
  }

  private finish(run: RolloutRun, status: RunStatus, reason: string): void {
    if (isFinalRunStatus(run.status)) return;
    run.status = status;
    run.reason = reason;
    run.endedAt = Date.now();
    for (const step of run.steps) {
      if (step.status === 'pending') step.status = 'skipped';
      if (step.status === 'running') Object.assign(step, { status: 'failed', endedAt: run.endedAt, message: reason });
    }
    this.metrics.ended(status);
    this.host.log(`run ${run.id} (${run.service}): ${status}: ${reason}`);
    this.changed(run);
  }

  private noteArtifact(run: RolloutRun, name: ArtifactName): void {
    if (run.artifacts.includes(name)) return;
    run.artifacts.push(name);
    this.changed(run);
  }

  private changed(run: RolloutRun): void {
    if (!run.artifacts.includes('run.json')) run.artifacts.unshift('run.json');
    const copy = structuredClone(run);
    const previous = this.saves.get(run.id) ?? Promise.resolve();
    const saving = previous.then(() => this.store.save(copy)).catch((error: unknown) => this.host.log(`run ${run.id}: saving run.json failed: ${(error as Error).message}`));
    this.saves.set(run.id, saving);
    this.host.changed(copy);
  }
}

/** The orchestrator's side: specs from the current manifest, deploys by the supervisor's restart, changes on the hub. */
export function rolloutHost(
  manifest: () => Manifest | null,
  supervisor: { restart(name: string): Promise<ServiceSnapshot> },
  hub: { publish(event: 'run.changed', run: RolloutRun): void },
  log: (line: string) => void,
): RolloutHost {
  return {
    spec: (name) => manifest()?.services.find((spec) => spec.name === name),
    redeploy: (name) => supervisor.restart(name),
    changed: (run) => hub.publish('run.changed', run),
    log,
  };
}

/** The contract's `runs.*` methods on a runner (spread into the orchestrator's handlers). */
export function rolloutHandlers(rollouts: RolloutRunner) {
  return {
    'runs.list': ({ status }: { status?: RunStatus }) => rollouts.list(status),
    'runs.get': ({ id }: { id: string }) => rollouts.get(id),
    'runs.rollout': ({ name }: { name: string }) => rollouts.rollout(name),
    'runs.approve': ({ id }: { id: string }) => rollouts.approve(id),
    'runs.reject': ({ id }: { id: string }) => rollouts.reject(id),
    'runs.artifact': ({ id, name }: { id: string; name: ArtifactName }) => rollouts.artifact(id, name),
  };
}
