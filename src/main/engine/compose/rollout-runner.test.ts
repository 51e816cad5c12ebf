// Roll-outs as runs under the real orchestrator, against the stand-in `docker`
// (test/helpers/fake-docker.cjs): success; a deployment that does not verify rolls back to the
// previous image; a failed build deploys nothing; protected services wait for approval or
// rejection; a second run on a service queues behind the first. Artifacts land in
// runs/<id>/ in the log dir, and the metrics count the outcomes.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutRun } from '../../../shared/rollout-run';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { composeCall, installFakeDocker, type FakeDocker } from '../../../../test/helpers/fake-docker';
import { waitFor } from '../../../../test/helpers/wait-for';
import { renderPrometheusMetrics } from '../api/prometheus-metrics';
import { createOrchestrator, type Orchestrator } from '../orchestrator';

const WEB = '[services.web]\nkind = "compose"\nproject_dir = "stack"\nverify_timeout_seconds = 2\n';

describe('roll-out runs', () => {
  let dir: string;
  let docker: FakeDocker;
  let o: Orchestrator;
  const savedEnv = { PATH: process.env.PATH, FAKE_DOCKER_DIR: process.env.FAKE_DOCKER_DIR };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-rollout-'));
    await mkdir(join(dir, 'stack'));
    await writeFile(join(dir, 'stack', 'compose.yaml'), 'services:\n  web:\n    build: .\n');
    docker = await installFakeDocker(dir);
    Object.assign(process.env, docker.env);
  });

  afterEach(async () => {
    await o?.close();
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.FAKE_DOCKER_DIR === undefined) delete process.env.FAKE_DOCKER_DIR;
    else process.env.FAKE_DOCKER_DIR = savedEnv.FAKE_DOCKER_DIR;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(text: string): Promise<void> {
    const file = join(dir, 'services.toml');
    await writeFile(file, text);
    o = await createOrchestrator({
      manifestPath: file,
      stateDir: join(dir, 'state'),
      logDir: join(dir, 'logs'),
      usbSource: null,
      deviceRoot: join(dir, 'dev'),
      statsIntervalMs: 0,
      cliArgv: sourceCliArgv,
      rolloutTiming: { verifyFirstDelayMs: 50, verifyMaxDelayMs: 200 },
    });
    await waitFor(() => o.snapshot().services.find((s) => s.name === 'web')?.state.kind, (kind) => kind === 'running', { timeoutMs: 60_000, what: 'web running' });
    expect(o.snapshot().problems).toEqual([]);
  }
  async function call<T>(method: string, args: unknown): Promise<T> {
    const reply = await o.call(method as never, args as never);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
    return reply.value as T;
  }
  const rollout = (name = 'web') => call<RolloutRun>('runs.rollout', { name });
  const until = (id: string, statuses: string[]) =>
    waitFor(() => call<RolloutRun>('runs.get', { id }), (run) => statuses.includes(run.status), { timeoutMs: 60_000, intervalMs: 50, what: `run ${id} ${statuses.join('|')}` });
  const stepStatuses = (run: RolloutRun) => Object.fromEntries(run.steps.map((step) => [step.name, step.status]));
  const runDir = (id: string) => join(dir, 'logs', 'runs', id);

  it('succeeds: tag previous, build, up -d --no-deps, verify; artifacts and metrics', async () => {
    await start(WEB);
    const queued = await rollout();
    expect(queued).toMatchObject({ service: 'web', status: 'queued', protected: false });
    const run = await until(queued.id, ['succeeded', 'failed', 'rolled_back']);
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run)).toEqual({ tag: 'succeeded', build: 'succeeded', deploy: 'succeeded', verify: 'succeeded' });
    for (const step of run.steps) expect(step.endedAt! >= step.startedAt!).toBe(true);

    const calls = (await docker.calls()).map(composeCall);
    const at = (call: string[]) => calls.findIndex((one) => JSON.stringify(one) === JSON.stringify(call));
    expect(at(['image', 'tag', 'stack-web', 'stack-web:showrunner-previous'])).toBeGreaterThan(-1);
    expect(at(['build', 'web'])).toBeGreaterThan(at(['image', 'tag', 'stack-web', 'stack-web:showrunner-previous']));
    expect(calls.slice(at(['build', 'web']))).toContainEqual(['up', '-d', '--no-deps', 'web']);
    expect((await docker.state()).containers.web.imageId).toBe('img-1');

    // run.json on disk becomes the run the API shows (a moment later: it is written after the
    // change is announced); the logs hold what docker printed.
    const onDisk = await waitFor(async () => JSON.parse(await readFile(join(runDir(run.id), 'run.json'), 'utf8')) as RolloutRun, (saved) => saved.status === 'succeeded', { timeoutMs: 30_000, what: 'run.json saying succeeded' });
    expect(onDisk).toEqual(run);
    expect(run.artifacts).toEqual(expect.arrayContaining(['run.json', 'build.log', 'deploy.log', 'verify.log']));
    expect(await readFile(join(runDir(run.id), 'build.log'), 'utf8')).toContain('naming to docker.io/library/stack-web done (img-1)');
    const verify = await call<{ text: string }>('runs.artifact', { id: run.id, name: 'verify.log' });
    expect(verify.text).toMatch(/attempt 1 .*ok: container healthy/);

    const metrics = renderPrometheusMetrics(o.snapshot(), o.rolloutFigures());
    expect(metrics).toContain('showrunner_rollout_runs_total{outcome="succeeded"} 1');
    expect(metrics).toMatch(/showrunner_rollout_step_seconds_count\{step="build",outcome="succeeded"\} 1/);
  }, 120_000);

  it('a deployment that does not verify is rolled back to the previous image', async () => {
    await start(WEB);
    await docker.setState((state) => (state.badBuilds = true));
    const run = await until((await rollout()).id, ['succeeded', 'failed', 'rolled_back']);
    expect(run.status).toBe('rolled_back');
    expect(run.reason).toMatch(/not healthy after 2 s: container unhealthy; the previous image runs again/);
    expect(stepStatuses(run)).toEqual({ tag: 'succeeded', build: 'succeeded', deploy: 'succeeded', verify: 'failed', rollback: 'succeeded', verify_rollback: 'succeeded' });
    expect((await docker.calls()).map(composeCall)).toContainEqual(['image', 'tag', 'stack-web:showrunner-previous', 'stack-web']);
    expect((await docker.state()).containers.web).toMatchObject({ state: 'running', imageId: 'img-0', health: 'healthy' });
    expect(await readFile(join(runDir(run.id), 'rollback.log'), 'utf8')).toContain('rolling back: not healthy after 2 s');
    const metrics = renderPrometheusMetrics(o.snapshot(), o.rolloutFigures());
    expect(metrics).toContain('showrunner_rollout_runs_total{outcome="rolled_back"} 1');
    expect(metrics).toContain('showrunner_rollout_recover_seconds_count 1');
  }, 120_000);

  it('a failed build fails the run and deploys nothing', async () => {
    await start(WEB);
    await docker.setState((state) => (state.fail = { build: true }));
    const before = (await docker.calls()).length;
    const run = await until((await rollout()).id, ['succeeded', 'failed', 'rolled_back']);
    expect(run.status).toBe('failed');
    expect(run.reason).toMatch(/^build failed: docker exited with 1: failed to solve/);
    expect(stepStatuses(run)).toEqual({ tag: 'succeeded', build: 'failed', deploy: 'skipped', verify: 'skipped' });
    const after = (await docker.calls()).slice(before).map(composeCall);
    expect(after.some((call) => call[0] === 'up' || call[0] === 'stop')).toBe(false);
    expect((await docker.state()).containers.web).toMatchObject({ state: 'running', imageId: 'img-0' });
  }, 120_000);

  it('protected: waits for approval; approve goes on, reject ends it; a second run queues behind', async () => {
    await start(WEB + 'protected = true\n');
    const first = await rollout();
    await until(first.id, ['awaiting_approval']);
    const second = await rollout();
    // One run per service: the second waits queued while the first awaits its decision.
    expect((await call<RolloutRun>('runs.get', { id: second.id })).status).toBe('queued');
    expect((await call<RolloutRun[]>('runs.list', { status: 'awaiting_approval' })).map((run) => run.id)).toEqual([first.id]);
    expect((await docker.calls()).map(composeCall)).not.toContainEqual(['build', 'web']);
    await expect(call('runs.approve', { id: second.id })).rejects.toThrow(/conflict: .* is queued, not awaiting approval/);

    expect((await call<RolloutRun>('runs.approve', { id: first.id })).decidedBy).toBe('operator');
    expect((await until(first.id, ['succeeded', 'failed', 'rolled_back'])).status).toBe('succeeded');
    // Its turn now: the second run reaches the gate and is rejected there.
    await until(second.id, ['awaiting_approval']);
    const builds = (await docker.calls()).map(composeCall).filter((c) => c[0] === 'build').length;
    await call('runs.reject', { id: second.id });
    const rejected = await until(second.id, ['rejected']);
    expect(rejected.reason).toBe('rejected by operator');
    expect(stepStatuses(rejected)).toEqual({ tag: 'skipped', build: 'skipped', deploy: 'skipped', verify: 'skipped' });
    expect((await docker.calls()).map(composeCall).filter((c) => c[0] === 'build').length).toBe(builds);
    await expect(call('runs.approve', { id: second.id })).rejects.toThrow(/conflict/);
  }, 120_000);

  it('refuses services that are not compose services, and unknown ones', async () => {
    await start(WEB + '\n[services.plain]\ncommand = "sleep 300"\n');
    await expect(rollout('plain')).rejects.toThrow(/invalid-args: plain is not a kind = "compose" service/);
    await expect(rollout('nope')).rejects.toThrow(/not-found: no service nope/);
    await expect(call('runs.get', { id: 'zzz' })).rejects.toThrow(/not-found/);
  }, 120_000);
});
