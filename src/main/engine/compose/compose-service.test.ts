// kind = "compose" services under the real orchestrator, against the stand-in `docker`
// (test/helpers/fake-docker.cjs; there is no Docker engine here): start → `up -d --no-deps`,
// logs from `logs -f`, health from `ps`, a container that exits by itself ends the launch,
// stop → `stop`; no CLI or no engine blocks that service only.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSnapshot } from '../../../shared/model';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { composeCall, installFakeDocker, type FakeDocker } from '../../../../test/helpers/fake-docker';
import { waitFor } from '../../../../test/helpers/wait-for';
import { createOrchestrator, type Orchestrator } from '../orchestrator';

describe('kind = "compose" services', () => {
  let dir: string;
  let docker: FakeDocker;
  let orchestrator: Orchestrator | null = null;
  const savedEnv = { PATH: process.env.PATH, FAKE_DOCKER_DIR: process.env.FAKE_DOCKER_DIR };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-compose-'));
    await mkdir(join(dir, 'stack'));
    await writeFile(join(dir, 'stack', 'compose.yaml'), 'services:\n  web:\n    build: .\n');
    docker = await installFakeDocker(dir);
    Object.assign(process.env, docker.env);
  });

  afterEach(async () => {
    await orchestrator?.close();
    orchestrator = null;
    process.env.PATH = savedEnv.PATH;
    if (savedEnv.FAKE_DOCKER_DIR === undefined) delete process.env.FAKE_DOCKER_DIR;
    else process.env.FAKE_DOCKER_DIR = savedEnv.FAKE_DOCKER_DIR;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(text: string): Promise<Orchestrator> {
    const file = join(dir, 'services.toml');
    await writeFile(file, text);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv });
    return orchestrator;
  }
  const service = (name: string): ServiceSnapshot => orchestrator!.snapshot().services.find((one) => one.name === name)!;
  const until = (name: string, accept: (service: ServiceSnapshot) => boolean, what: string) =>
    waitFor(() => service(name), accept, { timeoutMs: 60_000, intervalMs: 50, what: `${name} ${what}` });

  it('starts with up -d --no-deps, follows logs, reads health from ps, and stops with stop', async () => {
    const o = await start('[services.web]\nkind = "compose"\nproject_dir = "stack"\n');
    await until('web', (s) => s.state.kind === 'running' && s.health === 'healthy', 'running and healthy');
    expect(service('web').probe).toEqual({ type: 'container', target: 'container web' });
    const calls = (await docker.calls()).map(composeCall);
    expect(calls).toContainEqual(['up', '-d', '--no-deps', 'web']);
    expect(calls.some((call) => call[0] === 'ps' && call.includes('--format') && call.includes('json'))).toBe(true);
    await waitFor(() => o.logs.lines('web', 50).join('\n'), (text) => text.includes('web says hello'), { timeoutMs: 30_000, what: 'the container log in the service log' });

    // The project's directory and file are passed on every compose call.
    const up = (await docker.calls()).find((call) => composeCall(call)[0] === 'up')!;
    expect(up.slice(0, 5)).toEqual(['compose', '--project-directory', join(dir, 'stack'), '-f', join(dir, 'stack', 'compose.yaml')]);

    const stopped = await o.call('services.stop', { name: 'web' });
    expect(stopped.ok && stopped.value.state.kind).toBe('exited');
    expect((await docker.calls()).map(composeCall)).toContainEqual(['stop', 'web']);
    expect((await docker.state()).containers.web.state).toBe('exited');
  }, 120_000);

  it('a container that exits by itself ends the launch with its exit code (state from ps)', async () => {
    await start('[services.web]\nkind = "compose"\nproject_dir = "stack"\nrestart = "never"\n');
    await until('web', (s) => s.state.kind === 'running', 'running');
    await docker.setState((state) => Object.assign(state.containers.web, { state: 'exited', exitCode: 3 }));
    const ended = await until('web', (s) => s.state.kind === 'exited', 'exited');
    expect(ended.state).toMatchObject({ kind: 'exited', code: 3 });
  }, 120_000);

  it('a container exit that `logs -f` misses is found by the slow ps poll', async () => {
    await docker.setState((state) => (state.logsNeverEnd = true));
    await start('[services.web]\nkind = "compose"\nproject_dir = "stack"\nrestart = "never"\n');
    await until('web', (s) => s.state.kind === 'running', 'running');
    await docker.setState((state) => Object.assign(state.containers.web, { state: 'exited', exitCode: 4 }));
    const ended = await until('web', (s) => s.state.kind === 'exited', 'exited after a poll');
    expect(ended.state).toMatchObject({ kind: 'exited', code: 4 });
  }, 120_000);

  it('no docker CLI blocks the compose service with that reason; a process service runs on', async () => {
    process.env.PATH = '/usr/bin:/bin'.split(':').filter((p) => p !== docker.binDir).join(':');
    await start('[services.web]\nkind = "compose"\nproject_dir = "stack"\n\n[services.plain]\ncommand = "sleep 300"\n');
    const blocked = await until('web', (s) => s.state.kind === 'blocked' && !!s.state.problem, 'blocked with a problem');
    expect(blocked.state).toMatchObject({ kind: 'blocked', problem: 'docker CLI not found on PATH' });
    await until('plain', (s) => s.state.kind === 'running', 'running');
    expect(await docker.calls()).toEqual([]);
  }, 120_000);

  it('an unreachable engine blocks it too, and it starts once the engine is back', async () => {
    await docker.setState((state) => (state.engineDown = true));
    await start('[services.web]\nkind = "compose"\nproject_dir = "stack"\n');
    const blocked = await until('web', (s) => s.state.kind === 'blocked' && !!s.state.problem, 'blocked with a problem');
    expect(blocked.state.kind === 'blocked' && blocked.state.problem).toMatch(/^Docker engine not reachable: Cannot connect to the Docker daemon/);
    await docker.setState((state) => (state.engineDown = false));
    await until('web', (s) => s.state.kind === 'running', 'running once the engine answers');
  }, 120_000);
});
