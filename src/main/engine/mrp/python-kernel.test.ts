// The built-in runtime's python route with a real `python3` (issue 20).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { MrpClient } from './mrp-client';
import type { MrpEvent } from './mrp-events';
import { startMrpRuntime, type MrpRuntime, type MrpRuntimeOptions } from './mrp-runtime';
import { findOnPath } from './python-interpreter';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PYTHON = findOnPath('python3');
if (PYTHON === null) throw new Error('these tests need python3 on PATH');

/** A python that can import matplotlib: python3 on PATH, else Debian's (apt python3-matplotlib). */
function pythonWithMatplotlib(): string | null {
  for (const candidate of [PYTHON, '/usr/bin/python3']) {
    if (candidate === null) continue;
    try {
      execFileSync(candidate, ['-c', 'import matplotlib'], { stdio: 'ignore', timeout: 60_000 });
      return candidate;
    } catch {
      // Not in this one.
    }
  }
  return null;
}

async function startRuntime(options: MrpRuntimeOptions = {}): Promise<MrpRuntime> {
  const runtime = await startMrpRuntime({ port: 0, interruptGraceMs: 3000, ...options });
  cleanups.push(() => runtime.close());
  return runtime;
}

async function pythonClient(options: MrpRuntimeOptions = {}): Promise<MrpClient> {
  const runtime = await startRuntime(options);
  expect(runtime.urls.python).toBe(`${runtime.url}/python/mrp/v1`);
  return new MrpClient(runtime.urls.python!, { requestTimeoutMs: 60_000 });
}

interface Run {
  events: MrpEvent[];
  done: Promise<MrpEvent[]>;
}

function stream(client: MrpClient, code: string, execId: string): Run {
  const events: MrpEvent[] = [];
  const done = (async () => {
    for await (const event of client.executeStream({ code, execId })) events.push(event);
    return events;
  })();
  return { events, done };
}

function stdout(events: MrpEvent[]): string {
  return events.map((event) => (event.type === 'stdout' ? event.data.content : '')).join('');
}

function last<T extends MrpEvent['type']>(events: MrpEvent[], type: T): Extract<MrpEvent, { type: T }> {
  const found = events.filter((event) => event.type === type).at(-1);
  if (found === undefined) throw new Error(`no ${type} event in ${JSON.stringify(events).slice(0, 2000)}`);
  return found as Extract<MrpEvent, { type: T }>;
}

const patient = { timeoutMs: 60_000 };

describe('startMrpRuntime: python', () => {
  it('runs 20 cells once each in one kernel that keeps its state', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mrp-py-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const client = await pythonClient({ cwd: dir });
    expect(await client.capabilities()).toMatchObject({ runtime: 'showrunner-python', statePersists: true });
    const first = await stream(client, 'import os\ncount = 0\nos.getpid()', 'p-0').done;
    const pid = last(first, 'result').data.result;
    for (let cell = 1; cell < 20; cell++) {
      const code = `count += 1\nwith open('runs.txt', 'a') as f:\n    f.write('cell ${cell}\\n')\nprint('count', count)\ncount * 10`;
      const events = await stream(client, code, `p-${cell}`).done;
      const result = last(events, 'result').data;
      expect(result.stdout).toBe(`count ${cell}\n`);
      expect(result.result).toBe(String(cell * 10));
    }
    expect(readFileSync(path.join(dir, 'runs.txt'), 'utf8')).toBe(Array.from({ length: 19 }, (_, index) => `cell ${index + 1}\n`).join(''));
    // One kernel all along.
    expect(last(await stream(client, 'os.getpid()', 'p-pid').done, 'result').data.result).toBe(pid);
  });

  it('keeps each session\'s state apart and sends a flood of prints in few messages, in order', async () => {
    const client = await pythonClient();
    const inSession = async (session: string, code: string, execId: string) => {
      const events: MrpEvent[] = [];
      for await (const event of client.executeStream({ code, execId, session })) events.push(event);
      return events;
    };
    await inSession('a', 'who = "a"', 's-a');
    await inSession('b', 'who = "b"', 's-b');
    expect(last(await inSession('a', 'who', 's-a2'), 'result').data.result).toBe("'a'");
    const flood = await inSession('b', 'import sys\nfor i in range(20000):\n    print(i)\n    if i % 5000 == 0: print("err", i, file=sys.stderr)\nwho', 's-flood');
    const result = last(flood, 'result').data;
    expect(result.result).toBe("'b'");
    expect(result.stdout).toBe(Array.from({ length: 20000 }, (_, i) => `${i}\n`).join(''));
    expect(result.stderr).toBe('err 0\nerr 5000\nerr 10000\nerr 15000\n');
    const outputs = flood.filter((event) => event.type === 'stdout' || event.type === 'stderr');
    expect(outputs.length).toBeLessThan(2000);
  });

  it('answers input() and getpass() through stdin requests', async () => {
    const client = await pythonClient();
    const run = stream(client, 'import getpass\nname = input("Who? ")\nsecret = getpass.getpass("Password: ")\nprint("hello", name, len(secret))', 'p-input');
    await waitFor(() => run.events.filter((event) => event.type === 'stdin_request').length, (n) => n === 1, { what: 'first prompt', ...patient });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Who? ', password: false, execId: 'p-input' });
    expect(await client.input('p-input', 'Ada\n')).toEqual({ accepted: true });
    await waitFor(() => run.events.filter((event) => event.type === 'stdin_request').length, (n) => n === 2, { what: 'password prompt', ...patient });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Password: ', password: true });
    expect(await client.input('p-input', 'hunter2')).toEqual({ accepted: true });
    const events = await run.done;
    expect(last(events, 'result').data.stdout).toBe('hello Ada 7\n');
    // A cancelled prompt raises in the cell.
    const cancelled = stream(client, 'input("again? ")', 'p-cancel');
    await waitFor(() => cancelled.events.some((event) => event.type === 'stdin_request'), Boolean, { what: 'prompt', ...patient });
    expect(await client.cancelInput('p-cancel')).toEqual({ cancelled: true });
    expect(last(await cancelled.done, 'error').data.type).toBe('InputCancelledError');
  });

  it('interrupts a busy cell with KeyboardInterrupt and keeps the state; kills one that ignores SIGINT', async () => {
    const client = await pythonClient();
    await stream(client, 'kept = 41', 'p-set').done;
    // No flush=True: output reaches the client while the cell still runs.
    const busy = stream(client, 'import time\nprint("started")\nwhile True:\n    time.sleep(0.01)', 'p-busy');
    await waitFor(() => stdout(busy.events), (text) => text.includes('started'), { what: 'busy cell started', ...patient });
    expect(await client.interrupt()).toMatchObject({ interrupted: true, execIds: ['p-busy'] });
    const error = last(await busy.done, 'error').data;
    expect(error.type).toBe('KeyboardInterrupt');
    expect(last(await stream(client, 'kept + 1', 'p-after').done, 'result').data.result).toBe('42');

    const stubborn = stream(client, 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("deaf", flush=True)\nwhile True:\n    pass', 'p-deaf');
    await waitFor(() => stdout(stubborn.events), (text) => text.includes('deaf'), { what: 'stubborn cell started', ...patient });
    await client.interrupt('p-deaf');
    const killed = last(await stubborn.done, 'error').data;
    expect(killed.type).toBe('KeyboardInterrupt');
    expect(killed.message).toContain('restarted');
    expect(last(await stream(client, "'kept' in globals()", 'p-fresh').done, 'result').data.result).toBe('False');
  });

  it('reports a traceback as an MRP error, and a kernel that died restarts for the next cell', async () => {
    const client = await pythonClient();
    const failed = last(await stream(client, 'x = 1\ndef f():\n    return 1 / 0\nf()', 'p-zero').done, 'error').data;
    expect(failed).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero', line: 3 });
    expect(failed.traceback.join('\n')).toContain('<cell-1>');
    expect(failed.traceback.at(-1)).toBe('ZeroDivisionError: division by zero');
    expect(failed.traceback.join('\n')).not.toContain('_run');
    const syntax = last(await stream(client, 'def (:', 'p-syntax').done, 'error').data;
    expect(syntax.type).toBe('SyntaxError');

    const crash = last(await stream(client, 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)', 'p-crash').done, 'error').data;
    expect(crash.type).toBe('KernelDied');
    expect(crash.message).toContain('SIGKILL');
    const next = last(await stream(client, "print('back')\n'x' in globals()", 'p-next').done, 'result').data;
    expect(next).toMatchObject({ stdout: 'back\n', result: 'False' });
  });

  it('sends display() and rich results as display data', async () => {
    const client = await pythonClient();
    const code = [
      'class Card:',
      '    def _repr_html_(self):',
      "        return '<b>card</b>'",
      '    def __repr__(self):',
      "        return 'Card()'",
      "display({'a': 1})",
      "display('<i>raw</i>', mime_type='text/html')",
      'Card()',
    ].join('\n');
    const events = await stream(client, code, 'p-display').done;
    const displays = events.flatMap((event) => (event.type === 'display' ? [event.data] : []));
    expect(displays.map((display) => display.data)).toEqual([{ 'text/plain': "{'a': 1}" }, { 'text/html': '<i>raw</i>' }, { 'text/plain': 'Card()', 'text/html': '<b>card</b>' }]);
    const result = last(events, 'result').data;
    expect(result.result).toBe('Card()');
    expect(result.displayData).toHaveLength(3);
  });

  it('shows a matplotlib figure as image/png (needs matplotlib)', async (context) => {
    const python = pythonWithMatplotlib();
    if (python === null) {
      context.skip('matplotlib is not installed for python3 or /usr/bin/python3 (apt-get install python3-matplotlib)');
      return;
    }
    const client = await pythonClient({ pythonPath: python });
    const events = await stream(client, 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()', 'p-plot').done;
    const displays = events.flatMap((event) => (event.type === 'display' ? [event.data] : []));
    expect(last(events, 'result').data.success).toBe(true);
    expect(displays).toHaveLength(1);
    const png = Buffer.from(String(displays[0].data['image/png']), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('sits behind the runtime token like the other routes', async () => {
    const runtime = await startRuntime({ token: 'py-token' });
    const refused = await fetch(`${runtime.urls.python}/execute`, { method: 'POST', body: JSON.stringify({ code: 'print(1)' }) });
    expect(refused.status).toBe(401);
    await refused.body?.cancel();
    const client = new MrpClient(runtime.urls.python!, { token: 'py-token', requestTimeoutMs: 60_000 });
    expect(await client.execute({ code: '6 * 7', execId: 'p-token' })).toMatchObject({ success: true, result: '42' });
  });

  it('serves no python route when told there is no interpreter', async () => {
    const runtime = await startRuntime({ pythonPath: null });
    expect(runtime.urls.python).toBeUndefined();
    const response = await fetch(`${runtime.url}/python/mrp/v1/capabilities`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('no python interpreter');
  });

  it('takes a virtual environment folder as the interpreter to use', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mrp-venv-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const venv = path.join(dir, 'venv');
    execFileSync(PYTHON!, ['-m', 'venv', '--without-pip', venv], { timeout: 120_000 });
    const client = await pythonClient({ pythonPath: venv });
    expect(await client.capabilities()).toMatchObject({ environment: { virtualenv: venv } });
    expect(last(await stream(client, 'import sys\nsys.prefix', 'p-venv').done, 'result').data.result).toBe(JSON.stringify(venv).replaceAll('"', "'"));
  });
});
