import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { makeSpec, QUIET_HOME, supervisorHarness } from '../../../../test/fixtures/supervisor-test-kit';
import { defaultLauncher } from './process-launcher';

const harness = supervisorHarness();

describe('launching', () => {
  it('runs the command through bash -lc in its working dir with the env merged and colour hints on pipes', async () => {
    const { supervisor, logs } = harness.supervisor();
    const dir = harness.tempDir();
    await supervisor.apply([
      makeSpec('env', 'echo "dir=$PWD word=$WORD force=$FORCE_COLOR clicolor=$CLICOLOR_FORCE path=${PATH:+set}"', { workingDir: dir, env: { HOME: QUIET_HOME, WORD: 'hi' }, restart: 'never' }),
      makeSpec('no-colour', 'echo "force=$FORCE_COLOR"', { env: { HOME: QUIET_HOME, FORCE_COLOR: '0' }, restart: 'never' }),
    ]);
    await waitFor(() => supervisor.snapshot().map((s) => s.state.kind), (kinds) => kinds.every((k) => k === 'completed'), { what: 'both completed' });
    expect(logs.text('env', 'stdout')).toBe(`dir=${dir} word=hi force=1 clicolor=1 path=set\n`);
    expect(logs.text('no-colour', 'stdout')).toBe('force=0\n');
  });

  it('gives every launch its own SHOWRUNNER_LAUNCH marker, on pipes and on a pty, which the manifest cannot override', async () => {
    const { supervisor, logs } = harness.supervisor();
    const env = { HOME: QUIET_HOME, SHOWRUNNER_LAUNCH: 'forged' };
    await supervisor.apply([
      makeSpec('piped', 'echo "marker=$SHOWRUNNER_LAUNCH"', { env, restart: 'never' }),
      makeSpec('tty', 'echo "marker=$SHOWRUNNER_LAUNCH"', { env, restart: 'never', pty: true }),
    ]);
    await waitFor(() => supervisor.snapshot().map((s) => s.state.kind), (kinds) => kinds.every((k) => k === 'completed'), { what: 'both completed' });
    const piped = /marker=(\S+)/.exec(logs.text('piped', 'stdout'))?.[1];
    const tty = /marker=(\S+)/.exec(logs.text('tty', 'stdout'))?.[1];
    expect(piped).toMatch(/^test\/piped\/[0-9a-f]+-\d+$/);
    expect(tty).toMatch(/^test\/tty\/[0-9a-f]+-\d+$/);
    // One session per supervisor run, a new number per launch.
    expect(piped!.split('/')[2].split('-')[0]).toBe(tty!.split('/')[2].split('-')[0]);
    expect(piped!.split('-').at(-1)).not.toBe(tty!.split('-').at(-1));
  });

  it('sources the venv activate script before the command', async () => {
    const { supervisor, logs } = harness.supervisor();
    const venv = harness.tempDir();
    mkdirSync(join(venv, 'bin'));
    writeFileSync(join(venv, 'bin', 'activate'), `export VIRTUAL_ENV='${venv}'\n`);
    await supervisor.apply([makeSpec('py', 'echo "venv=$VIRTUAL_ENV"', { venv, restart: 'never' })]);
    await waitFor(() => logs.text('py', 'stdout'), (text) => text.length > 0, { what: 'output' });
    expect(logs.text('py', 'stdout')).toBe(`venv=${venv}\n`);
  });

  it('runs a pty = true service on a terminal and stops it like any other', async () => {
    const { supervisor, logs } = harness.supervisor();
    await supervisor.apply([makeSpec('tty', 'test -t 1 && echo "on a tty: $TERM"; exec sleep 30', { pty: true })]);
    await waitFor(() => logs.text('tty', 'stdout'), (text) => text.includes('on a tty: xterm-256color'), { what: 'tty output' });
    const stopped = await supervisor.stop('tty');
    expect(stopped.state).toMatchObject({ kind: 'exited', signal: 'SIGTERM' });
  });
});

describe('backpressure from the log', () => {
  it('pauses a chatty child while the log is behind and lets it finish once the log catches up', async () => {
    let received = 0;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const launched = await defaultLauncher.launch(
      { ...makeSpec('chatty', 'head -c 2000000 /dev/zero', { env: { HOME: QUIET_HOME } }), pty: false },
      (_stream, data) => {
        received += data.length;
        // Behind from the first chunk until the test opens the gate.
        return gate;
      },
    );
    let exited = false;
    void launched.exited.then(() => (exited = true));
    // The child fills the pipe and blocks; far less than 2 MB arrives while paused.
    await waitFor(() => received, (bytes) => bytes > 0, { what: 'first output' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(exited).toBe(false);
    expect(received).toBeLessThan(1_000_000);
    openGate();
    await launched.exited;
    expect(received).toBe(2_000_000);
  });
});

describe('output readers', () => {
  it('closes its output sockets when the spawn itself throws', async () => {
    const pipes = () => process.getActiveResourcesInfo().filter((name) => name === 'PipeWrap').length;
    const before = pipes();
    // A NUL in the environment makes spawn throw before any process exists.
    await expect(defaultLauncher.launch({ ...makeSpec('bad', 'true', { env: { BAD: 'a\0b' } }), pty: false }, () => {})).rejects.toThrow(/null bytes/);
    await waitFor(() => pipes(), (count) => count <= before, { what: 'no pipe handles left behind' });
  });
});
