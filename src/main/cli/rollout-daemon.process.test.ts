// Roll-outs on real daemons (issue 19), as separate OS processes under one HOME, against the
// stand-in `docker` (there is no Docker engine here): the CLI queues a run, lists it and
// approves it; a daemon killed during a run leaves it `failed` with the reason at its next
// start (never stuck), while a second daemon of another manifest keeps its own runs.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutRun } from '../../shared/rollout-run';
import { installFakeDocker, type FakeDocker } from '../../../test/helpers/fake-docker';
import { runCliProcess, type RunningCli } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';

interface Daemon {
  cli: RunningCli;
  request: (method: string, path: string) => Promise<{ status: number; body: any }>;
}

describe('roll-out runs on real daemons', () => {
  let dir: string;
  let docker: FakeDocker;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-rollout-daemon-'));
    docker = await installFakeDocker(dir);
  });
  const daemons: Daemon[] = [];
  afterEach(async () => {
    // Before the folder goes: a daemon still running writes its runs and logs there.
    for (const daemon of daemons.splice(0)) {
      if (daemon.cli.child.exitCode === null && daemon.cli.child.signalCode === null) daemon.cli.child.kill('SIGTERM');
      await daemon.cli.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function project(name: string, extra = ''): Promise<string> {
    const root = join(dir, name);
    await mkdir(join(root, 'stack'), { recursive: true });
    await writeFile(join(root, 'stack', 'compose.yaml'), 'services:\n  web:\n    build: .\n');
    const manifest = join(root, 'services.toml');
    await writeFile(manifest, `[services.web]\nkind = "compose"\nproject_dir = "stack"\nverify_timeout_seconds = 5\n${extra}`);
    return manifest;
  }

  async function startDaemon(manifest: string): Promise<Daemon> {
    const cli = runCliProcess(['serve', '--config', manifest, '--port', '0', '--state-dir', join(dirOf(manifest), 'state'), '--quiet'], { env: docker.env });
    const [, url, token] = (await waitFor(() => /listening on (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(cli.output()), Boolean, { what: 'daemon listening', timeoutMs: 60_000 }))!;
    const request = async (method: string, path: string) => {
      const reply = await fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
      const text = await reply.text();
      return { status: reply.status, body: reply.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
    };
    const daemon = { cli, request };
    daemons.push(daemon);
    return daemon;
  }
  const dirOf = (manifest: string) => join(manifest, '..');
  const cli = async (manifest: string, ...args: string[]) => {
    const run = runCliProcess([...args, '--config', manifest], { env: docker.env });
    const code = await run.exited;
    return { code, output: run.output() };
  };
  const runOf = async (daemon: Daemon, id: string) => (await daemon.request('GET', `/api/runs/${id}`)).body as RolloutRun;
  const until = (daemon: Daemon, id: string, statuses: string[]) =>
    waitFor(() => runOf(daemon, id), (run) => statuses.includes(run?.status), { timeoutMs: 90_000, intervalMs: 100, what: `run ${id} ${statuses.join('|')}` });

  it('CLI: rollout, runs, approve; REST: runs list, filter, artifact', async () => {
    const manifest = await project('a', 'protected = true\n');
    const daemon = await startDaemon(manifest);
    const queued = await cli(manifest, 'rollout', 'web');
    expect(queued.code).toBe(0);
    const id = /^(\S+)\s+web\s+queued/m.exec(queued.output)?.[1];
    expect(id, queued.output).toBeTruthy();
    await until(daemon, id!, ['awaiting_approval']);
    const listed = await cli(manifest, 'runs', '--status', 'awaiting_approval');
    expect(listed.output).toMatch(new RegExp(`${id}\\s+web\\s+awaiting_approval`));
    expect((await daemon.request('GET', '/api/runs?status=succeeded')).body).toEqual({ runs: [] });
    expect((await cli(manifest, 'approve', id!)).code).toBe(0);
    const done = await until(daemon, id!, ['succeeded', 'failed', 'rolled_back']);
    expect(done.status).toBe('succeeded');
    expect(done.steps.map((step) => [step.name, step.status])).toEqual([['tag', 'succeeded'], ['build', 'succeeded'], ['deploy', 'succeeded'], ['verify', 'succeeded']]);
    const artifact = await daemon.request('GET', `/api/runs/${id}/artifact?name=build.log`);
    expect(artifact.status).toBe(200);
    expect(artifact.body).toContain('naming to docker.io/library/stack-web');
    expect((await daemon.request('POST', '/api/services/web/rollout')).status).toBe(202);
    expect((await daemon.request('GET', '/api/runs/nope')).status).toBe(404);
    expect((await daemon.request('POST', `/api/runs/${id}/approve`)).status).toBe(409);
  }, 240_000);

  it('a daemon killed during a run: the run is failed with the reason at the next start; another daemon is untouched', async () => {
    const first = await project('a');
    const second = await project('b', 'protected = true\n');
    let daemon = await startDaemon(first);
    const other = await startDaemon(second);
    const waiting = (await other.request('POST', '/api/services/web/rollout')).body as { id: string };
    await until(other, waiting.id, ['awaiting_approval']);

    await docker.setState((state) => (state.buildDelayMs = 60_000));
    const { id } = (await daemon.request('POST', '/api/services/web/rollout')).body as { id: string };
    await until(daemon, id, ['building']);
    // run.json on disk follows the API a moment later; the kill comes once it says so too.
    const runJson = join(dirOf(first), 'logs', 'runs', id, 'run.json');
    const onDisk = async () => (JSON.parse(await readFile(runJson, 'utf8')) as RolloutRun).steps.find((step) => step.name === 'build')?.status;
    await waitFor(onDisk, (status) => status === 'running', { timeoutMs: 60_000, what: 'build running in run.json' });
    daemon.cli.child.kill('SIGKILL');
    await daemon.cli.exited;
    await docker.setState((state) => (state.buildDelayMs = 0));

    daemon = await startDaemon(first);
    const after = await runOf(daemon, id);
    expect(after.status).toBe('failed');
    expect(after.reason).toBe('the daemon stopped during the run (it was building); nothing was resumed');
    expect(after.steps.find((step) => step.name === 'build')).toMatchObject({ status: 'failed', message: 'interrupted by a daemon restart' });
    expect(after.steps.find((step) => step.name === 'deploy')?.status).toBe('skipped');
    // The other daemon's run is its own: still waiting, and not in this daemon's list.
    expect((await runOf(other, waiting.id)).status).toBe('awaiting_approval');
    expect(((await daemon.request('GET', '/api/runs')).body.runs as RolloutRun[]).map((run) => run.id)).toEqual([id]);

    // A graceful stop during a run also ends it failed, saying so.
    const again = (await other.request('POST', '/api/services/web/rollout')).body as { id: string };
    other.cli.child.kill('SIGTERM');
    expect(await other.cli.exited).toBe(0);
    const restarted = await startDaemon(second);
    expect((await runOf(restarted, waiting.id)).reason).toBe('the daemon stopped during the run (it was awaiting approval)');
    expect((await runOf(restarted, again.id)).status).toBe('failed');
  }, 240_000);
});
