import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../../test/helpers/run-cli-process';
import { waitFor } from '../../../test/helpers/wait-for';
import { MrpClient } from '../engine/mrp/mrp-client';
import type { MrpEvent } from '../engine/mrp/mrp-events';
import { isSignalable } from '../engine/supervisor/proc-table';

/** The entry point as the supervisor runs it: `showrunner mrp-runtime ARGS` in its own process. */
const runMain = (args: string[], env?: Record<string, string>) => runCliProcess(['mrp-runtime', ...args], { env });


describe('runMrpRuntimeMain', () => {
  it('prints a ready line, runs cells, and leaves no cell or session behind after SIGTERM', async () => {
    const main = runMain(['--port', '0']);
    const output = await waitFor(main.output, (text) => /^ready http:\/\/127\.0\.0\.1:\d+$/m.test(text), { what: 'ready line', timeoutMs: 15_000 });
    const url = /^ready (\S+)$/m.exec(output)![1];

    const node = new MrpClient(`${url}/node/mrp/v1`);
    const kernel = await node.execute({ code: 'process.pid', execId: 'pid-1' });
    const kernelPid = Number(kernel.result);
    expect(isSignalable(kernelPid)).toBe(true);

    const bash = new MrpClient(`${url}/mrp/v1`);
    const events: MrpEvent[] = [];
    const sleeping = (async () => {
      for await (const event of bash.executeStream({ code: 'echo $$; sleep 30', execId: 'sleeper' })) events.push(event);
    })();
    const pidLine = await waitFor(
      () => events.flatMap((event) => (event.type === 'stdout' ? [event.data.content] : [])).join(''),
      (text) => /^\d+\n/.test(text),
      { what: 'bash pid' },
    );
    const bashPid = Number(pidLine.trim());
    expect(main.output()).toMatch(/bash execute\/stream exec=sleeper/);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    await sleeping.catch(() => {});
    await waitFor(() => [isSignalable(kernelPid), isSignalable(bashPid)], (alive) => !alive[0] && !alive[1], { what: 'no cell processes left' });
  });

  // Issue 15: any local process could run code as the supervisor's user through this runtime.
  it('with a token in its environment, answers 401 without it, runs cells with it, and hides it from cells', async () => {
    const token = 'runtime-token-0123456789abcdef';
    const main = runMain(['--port', '0'], { SHOWRUNNER_MRP_TOKEN: token });
    const output = await waitFor(main.output, (text) => /^ready http:\/\/127\.0\.0\.1:\d+$/m.test(text), { what: 'ready line', timeoutMs: 15_000 });
    const url = /^ready (\S+)$/m.exec(output)![1];

    for (const path of ['/mrp/v1/execute', '/node/mrp/v1/execute', '/mrp/v1/execute/stream', '/mrp/v1/interrupt', '/mrp/v1/reset']) {
      const refused = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ code: 'id' }) });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/application\/json/);
      expect(await refused.json()).toEqual({ error: 'missing or wrong token' });
    }
    const wrong = await fetch(`${url}/mrp/v1/execute`, { method: 'POST', headers: { Authorization: 'Bearer nope' }, body: JSON.stringify({ code: 'id' }) });
    expect(wrong.status).toBe(401);
    // Health stays open for probes.
    expect((await fetch(`${url}/health`)).status).toBe(200);

    const bash = new MrpClient(`${url}/mrp/v1`, { token });
    const ran = await bash.execute({ code: 'echo "token:${SHOWRUNNER_MRP_TOKEN:-unset}"', execId: 'env-1' });
    expect(ran.success).toBe(true);
    expect(ran.stdout).toBe('token:unset\n');
    expect(main.output()).not.toContain(token);
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
  });

  it('serves python from --python-path, none with --no-python, and keeps only warnings at --log-level warn', async () => {
    const main = runMain(['--port', '0', '--log-level', 'warn', '--python-path', 'python3']);
    const output = await waitFor(main.output, (text) => /^ready http:\/\/127\.0\.0\.1:\d+$/m.test(text), { what: 'ready line', timeoutMs: 15_000 });
    const url = /^ready (\S+)$/m.exec(output)![1];
    const python = new MrpClient(`${url}/python/mrp/v1`, { requestTimeoutMs: 60_000 });
    expect(await python.execute({ code: 'import sys\nsys.version_info[0]', execId: 'py-1' })).toMatchObject({ success: true, result: '3' });
    expect((await fetch(`${url}/nowhere/mrp/v1/health`)).status).toBe(404);
    await waitFor(main.output, (text) => text.includes('/nowhere/mrp/v1/health -> 404'), { what: 'the 404 logged as a warning' });
    expect(main.output()).not.toContain('execute exec=py-1');
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);

    const without = runMain(['--port', '0', '--no-python']);
    const line = await waitFor(without.output, (text) => /^ready http:\/\/127\.0\.0\.1:\d+$/m.test(text), { what: 'ready line', timeoutMs: 15_000 });
    const bare = /^ready (\S+)$/m.exec(line)![1];
    expect((await fetch(`${bare}/python/mrp/v1/capabilities`)).status).toBe(404);
    without.child.kill('SIGTERM');
    expect(await without.exited).toBe(0);
    await expect(runMain(['--log-level', 'loud']).exited).resolves.toBe(2);
  });

  it('exits with 2 when asked to bind beyond loopback without a token', async () => {
    const main = runMain(['--host', '0.0.0.0', '--port', '0']);
    expect(await main.exited).toBe(2);
    expect(main.output()).toMatch(/token is required/);
  });
});
