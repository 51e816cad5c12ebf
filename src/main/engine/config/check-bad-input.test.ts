// Issue 15, point 5: bad input found by a review, fed through the real entry (`showrunner
// check FILE` in its own process) and answered with a clear FILE:LINE:COL: FIELD: message, in
// bounded time and memory. Before: a 10,000-deep chain overflowed the stack, a 1 MB string was
// "nested too deeply", a FIFO hung `check`, and /dev/zero grew the read to gigabytes.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceCliArgv } from '../../../../test/helpers/cli-argv';
import { runCliProcess } from '../../../../test/helpers/run-cli-process';
import { createOrchestrator } from '../orchestrator';

/** `check` as an operator runs it; a hang or a crash fails the test (generous deadline). */
async function check(file: string): Promise<{ code: number | null; output: string }> {
  const cli = runCliProcess(['check', file]);
  const code = await Promise.race([cli.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
  if (code === 'hung') throw new Error(`check ${file} did not finish; output so far: ${cli.output().slice(0, 500)}`);
  return { code, output: cli.output() };
}

const chain = (length: number, closeCycle: boolean): string =>
  Array.from({ length }, (_, i) => {
    const next = i + 1 < length ? `s${i + 1}` : closeCycle ? 's0' : null;
    return `[services.s${i}]\ncommand = "true"\n${next ? `dependencies = ["${next}"]\n` : ''}`;
  }).join('\n');

describe('showrunner check on bad input', { timeout: 120_000 }, () => {
  let dir: string;
  let servers: Server[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-bad-input-'));
  });
  afterEach(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    servers = [];
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a valid 10,000-deep dependency chain', async () => {
    const file = join(dir, 'chain.toml');
    await writeFile(file, chain(10_000, false));
    expect(await check(file)).toEqual({ code: 0, output: `${file}: ok (10000 services)\n` });
  });

  it('reports a 10,000-long cycle once, named by its ends and length', async () => {
    const file = join(dir, 'cycle.toml');
    await writeFile(file, chain(10_000, true));
    const { code, output } = await check(file);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: services\\.s\\d+\\.dependencies\\[0\\]: dependency cycle: s\\d+ → .* \\(10000 services\\)$`));
    expect(lines[0].length).toBeLessThan(400);
  });

  it('reads a 1 MB string value as a value, and still says where a wrong type is', async () => {
    const file = join(dir, 'long.toml');
    const long = 'x'.repeat(1024 * 1024);
    await writeFile(file, `[services.api]\ncommand = "echo ${long}"\nenv = { NOTE = '${long}' }\nrestart = 5\n`);
    const { code, output } = await check(file);
    expect(output).toBe(`${file}:4:11: services.api.restart: expected one of "always", "on-failure", "never", got an integer\n`);
    expect(code).toBe(1);
    await writeFile(file, `[services.api]\ncommand = """\necho ${long}\n"""\nworking_dir = "."\n`);
    expect(await check(file)).toEqual({ code: 0, output: `${file}: ok (1 service)\n` });
  });

  it('says where nesting is too deep', async () => {
    const file = join(dir, 'deep.toml');
    await writeFile(file, `[services.api]\ncommand = "true"\nenv = ${'['.repeat(100_000)}\n`);
    const { code, output } = await check(file);
    expect(code).toBe(1);
    expect(output).toBe(`${file}:3:71: syntax: nested more than 64 levels deep\n`);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, 'services.toml');
    execFileSync('mkfifo', [fifo]);
    expect(await check(fifo)).toEqual({ code: 1, output: `${fifo}:1:1: file: is a FIFO (named pipe), not a regular file; a manifest must be a regular file\n` });
  });

  it('starts the supervisor on a FIFO manifest with the problem shown, instead of hanging', async () => {
    const fifo = join(dir, 'services.toml');
    execFileSync('mkfifo', [fifo]);
    const orchestrator = await createOrchestrator({ manifestPath: fifo, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv });
    try {
      expect(orchestrator.snapshot().problems).toEqual([
        { file: fifo, line: 1, column: 1, field: 'file', message: 'is a FIFO (named pipe), not a regular file; a manifest must be a regular file' },
      ]);
      const reload = await orchestrator.call('manifest.reload', {});
      expect(reload).toMatchObject({ ok: true, value: { applied: false, problems: [{ field: 'file' }] } });
    } finally {
      await orchestrator.close();
    }
  });

  it('refuses a socket', async () => {
    const socketPath = join(dir, 'services.sock');
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const { code, output } = await check(socketPath);
    expect(code).toBe(1);
    expect(output).toMatch(/: file: (is a socket, not a regular file|cannot read: .*ENXIO)/);
  });

  it.skipIf(!existsSync('/dev/zero'))('refuses /dev/zero without reading it', async () => {
    expect(await check('/dev/zero')).toEqual({ code: 1, output: '/dev/zero:1:1: file: is a character device, not a regular file; a manifest must be a regular file\n' });
  });

  it('rejects a [sync] host beyond loopback without a token, at the host field', async () => {
    const file = join(dir, 'sync.toml');
    await writeFile(file, `[sync]\nhost = "0.0.0.0"\nport = 4444\n`);
    const { code, output } = await check(file);
    expect(code).toBe(1);
    expect(output).toBe(
      `${file}:2:8: sync.host: "0.0.0.0" reaches beyond this machine: set [sync] token = "..." or token_env = "VARIABLE" (clients then pass ?token=)\n`,
    );
    await writeFile(file, `[sync]\nhost = "0.0.0.0"\ntoken = "0123456789abcdef-long-enough"\n`);
    expect(await check(file)).toEqual({ code: 0, output: `${file}: ok (0 services)\n` });
    await writeFile(file, `[sync]\nhost = "0.0.0.0"\ntoken_env = "SHOWRUNNER_TEST_UNSET_TOKEN"\n`);
    expect((await check(file)).output).toBe(`${file}:3:13: sync.token_env: the environment variable SHOWRUNNER_TEST_UNSET_TOKEN is not set (or empty)\n`);
  });
});
