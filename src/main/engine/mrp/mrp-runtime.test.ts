import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { MrpClient, MrpHttpError } from './mrp-client';
import type { MrpEvent } from './mrp-events';
import { startMrpRuntime, type MrpRuntime, type MrpRuntimeOptions } from './mrp-runtime';
import { readSse } from './read-sse';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRuntime(options: MrpRuntimeOptions = {}): Promise<MrpRuntime> {
  const runtime = await startMrpRuntime({ port: 0, interruptGraceMs: 1500, ...options });
  cleanups.push(() => runtime.close());
  return runtime;
}

interface Run {
  events: MrpEvent[];
  done: Promise<MrpEvent[]>;
}

/** Streams a cell in the background; `events` fills as they arrive. */
function stream(client: MrpClient, code: string, execId: string, session?: string): Run {
  const events: MrpEvent[] = [];
  const done = (async () => {
    for await (const event of client.executeStream({ code, execId, session })) events.push(event);
    return events;
  })();
  return { events, done };
}

function outputs(events: MrpEvent[]): Array<[string, string]> {
  return events.flatMap((event) => (event.type === 'stdout' || event.type === 'stderr' ? [[event.type, event.data.content] as [string, string]] : []));
}

function kinds(events: MrpEvent[]): string[] {
  return events.map((event) => event.type);
}

function last<T extends MrpEvent['type']>(events: MrpEvent[], type: T): Extract<MrpEvent, { type: T }> {
  const found = events.filter((event) => event.type === type).at(-1);
  if (found === undefined) throw new Error(`no ${type} event in ${JSON.stringify(events)}`);
  return found as Extract<MrpEvent, { type: T }>;
}

describe('startMrpRuntime: bash', () => {
  it('keeps interleaved stdout and stderr in order, ending with result then done', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const events = await stream(client, 'echo out1; echo err1 >&2; echo out2; echo err2 >&2', 'b-order').done;
    expect(kinds(events)[0]).toBe('start');
    expect(kinds(events).slice(-2)).toEqual(['result', 'done']);
    expect(last(events, 'result').data.stdout).toBe('out1\nerr1\nout2\nerr2\n');
    expect(outputs(events).map(([, text]) => text).join('')).toBe('out1\nerr1\nout2\nerr2\n');
  });

  it('is also served at /bash/mrp/v1, and says in capabilities that state does not persist', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(`${runtime.url}/bash/mrp/v1`);
    const capabilities = await client.capabilities();
    expect(capabilities).toMatchObject({ runtime: 'showrunner-bash', statePersists: false });
    expect(await client.health()).toMatchObject({ status: 'healthy', language: 'bash' });
    const events = await stream(client, 'echo via alias', 'b-alias').done;
    expect(last(events, 'result').data.stdout).toBe('via alias\n');
  });

  it('answers mrmd_input with /input, both into a variable and through command substitution', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const run = stream(client, 'mrmd_input "Name: " name; city=$(mrmd_input "City: "); echo "$name from $city"', 'b-input');
    await waitFor(() => run.events.filter((event) => event.type === 'stdin_request').length, (n) => n === 1, { what: 'first prompt' });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Name: ', password: false, execId: 'b-input' });
    expect(await client.input('b-input', 'Ada\n')).toEqual({ accepted: true });
    await waitFor(() => run.events.filter((event) => event.type === 'stdin_request').length, (n) => n === 2, { what: 'second prompt' });
    expect(await client.input('b-input', 'London')).toEqual({ accepted: true });
    const events = await run.done;
    expect(last(events, 'result').data.stdout).toBe('Ada from London\n');
    expect(await client.input('b-input', 'late')).toMatchObject({ accepted: false });
  });

  it('sends a plain `read` to the reply box, masked with -s, and leaves redirected reads alone', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const code = [
      'read -p "Name: " name',
      'read -rs -p "Password: " secret',
      'read',
      'echo piped | { read line; echo "line=$line"; }',
      'while read word; do echo "word=$word"; done <<< "from-file"',
      'echo "$name ${#secret} $REPLY"',
    ].join('\n');
    const run = stream(client, code, 'b-read');
    const prompts = () => run.events.filter((event) => event.type === 'stdin_request').length;
    await waitFor(prompts, (n) => n === 1, { what: 'name prompt' });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Name: ', password: false });
    await client.input('b-read', 'Ada Lovelace\n');
    await waitFor(prompts, (n) => n === 2, { what: 'password prompt' });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Password: ', password: true });
    await client.input('b-read', 'hunter2');
    await waitFor(prompts, (n) => n === 3, { what: 'bare read' });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: '', password: false });
    await client.input('b-read', 'third');
    const events = await run.done;
    expect(last(events, 'result').data.stdout).toBe('line=piped\nword=from-file\nAda Lovelace 7 third\n');
    expect(events.filter((event) => event.type === 'stdin_request')).toHaveLength(3);
  });

  it('ends a cell whose prompt is cancelled with InputCancelledError', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const run = stream(client, 'x=$(mrmd_input "Value: "); echo never', 'b-cancel');
    await waitFor(() => run.events.some((event) => event.type === 'stdin_request'), Boolean, { what: 'prompt' });
    expect(await client.cancelInput('b-cancel')).toEqual({ cancelled: true });
    const events = await run.done;
    expect(last(events, 'error').data.type).toBe('InputCancelledError');
    expect(kinds(events).at(-1)).toBe('done');
  });

  it('interrupts a long cell with error then done, and runs the next cell', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const run = stream(client, 'echo started; sleep 30; echo not reached', 'b-long');
    await waitFor(() => outputs(run.events).map(([, text]) => text).join(''), (text) => text.includes('started'), { what: 'cell started' });
    expect(await client.interrupt()).toMatchObject({ interrupted: true });
    const events = await run.done;
    expect(kinds(events).slice(-2)).toEqual(['error', 'done']);
    expect(last(events, 'error').data.type).toBe('KeyboardInterrupt');
    const next = await stream(client, 'echo after', 'b-next').done;
    expect(last(next, 'result').data.stdout).toBe('after\n');
  });

  it('queues a second execution behind a running one instead of refusing it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mrp-gate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const gate = path.join(dir, 'open');
    const logs: string[] = [];
    const runtime = await startRuntime({ log: (line) => logs.push(line) });
    const client = new MrpClient(runtime.urls.bash);
    const first = stream(client, `echo first-running; while [ ! -e '${gate}' ]; do sleep 0.02; done; echo first-done`, 'b-first');
    await waitFor(() => outputs(first.events).length, (n) => n > 0, { what: 'first running' });
    const second = stream(client, 'echo second', 'b-second');
    const third = stream(client, 'echo third', 'b-third');
    // The second request is accepted and waits: the runtime has it, but it has not started.
    await waitFor(() => logs, (lines) => lines.some((line) => line.includes('exec=b-second')), { what: 'second request received' });
    await waitFor(() => logs, (lines) => lines.some((line) => line.includes('exec=b-third')), { what: 'third request received' });
    expect(second.events).toEqual([]);
    // A queued cell can be dropped before it starts.
    expect(await client.interrupt('b-third')).toMatchObject({ interrupted: true, execIds: ['b-third'] });
    const thirdEvents = await third.done;
    expect(kinds(thirdEvents)).toEqual(['error', 'done']);
    expect(last(thirdEvents, 'error').data.type).toBe('KeyboardInterrupt');
    writeFileSync(gate, '');
    const [firstEvents, secondEvents] = await Promise.all([first.done, second.done]);
    expect(last(firstEvents, 'result').data.stdout).toBe('first-running\nfirst-done\n');
    expect(last(secondEvents, 'result').data.stdout).toBe('second\n');
    const firstEnd = Date.parse(last(firstEvents, 'start').data.timestamp!) + (last(firstEvents, 'result').data.duration ?? 0);
    expect(Date.parse(last(secondEvents, 'start').data.timestamp!)).toBeGreaterThanOrEqual(firstEnd - 1);
    expect(last(secondEvents, 'result').data.executionCount).toBe(2);
  });

  it('reports a failing command as an error event with its exit status', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.bash);
    const events = await stream(client, 'echo before; false', 'b-fail').done;
    expect(last(events, 'error').data).toMatchObject({ type: 'ExitStatus', message: 'bash exited with status 1' });
    expect(kinds(events)).not.toContain('result');
  });
});

describe('startMrpRuntime: node', () => {
  it('keeps state across cells of a session, apart from other sessions, until reset', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    await stream(client, 'let total = 40; const add = (n) => total += n', 'n-1', 'doc-a').done;
    const second = await stream(client, 'add(2)', 'n-2', 'doc-a').done;
    expect(last(second, 'result').data.result).toBe('42');
    const other = await stream(client, 'typeof total', 'n-3', 'doc-b').done;
    expect(last(other, 'result').data.result).toBe("'undefined'");
    expect(await client.capabilities()).toMatchObject({ runtime: 'showrunner-node', statePersists: true });
    expect(await client.reset('doc-a')).toEqual({ success: true });
    const afterReset = await stream(client, 'typeof total', 'n-4', 'doc-a').done;
    expect(last(afterReset, 'result').data.result).toBe("'undefined'");
  });

  it('streams console output in order across stdout and stderr, with top-level await and the last value', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    const code = 'console.log("a"); console.error("b"); await new Promise((r) => setTimeout(r, 5)); console.log("c"); console.error("d"); ({ answer: 42 })';
    const events = await stream(client, code, 'n-order').done;
    expect(outputs(events)).toEqual([
      ['stdout', 'a\n'],
      ['stderr', 'b\n'],
      ['stdout', 'c\n'],
      ['stderr', 'd\n'],
    ]);
    expect(last(events, 'result').data).toMatchObject({ success: true, result: '{ answer: 42 }', stdout: 'a\nc\n', stderr: 'b\nd\n' });
  });

  it('sends display() as a display event and batches many small writes into few events', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    const events = await stream(client, 'display({ "text/html": "<b>hi</b>" }); for (let i = 0; i < 2000; i++) console.log(i)', 'n-many').done;
    expect(last(events, 'display').data).toEqual({ data: { 'text/html': '<b>hi</b>' }, metadata: {} });
    const expected = Array.from({ length: 2000 }, (_, i) => `${i}\n`).join('');
    expect(last(events, 'result').data.stdout).toBe(expected);
    const chunks = events.filter((event) => event.type === 'stdout');
    expect(chunks.map((event) => (event.type === 'stdout' ? event.data.content : '')).join('')).toBe(expected);
    expect(chunks.length).toBeLessThan(1000);
    const lastChunk = chunks.at(-1);
    expect(lastChunk?.type === 'stdout' && lastChunk.data.accumulated).toBe(expected);
  });

  it('answers await input() with /input', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    const run = stream(client, 'const who = await input("Who? "); `hello ${who}`', 'n-input');
    await waitFor(() => run.events.some((event) => event.type === 'stdin_request'), Boolean, { what: 'prompt', timeoutMs: 8000 });
    expect(last(run.events, 'stdin_request').data).toMatchObject({ prompt: 'Who? ', password: false });
    expect(await client.input('n-input', 'Grace\n')).toEqual({ accepted: true });
    expect(last(await run.done, 'result').data.result).toBe("'hello Grace'");
  });

  it('reports an exception as an error event with type, message and traceback', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    const events = await stream(client, 'function explode() {\n  throw new TypeError("bad input");\n}\nexplode()', 'n-error').done;
    const error = last(events, 'error').data;
    expect(error).toMatchObject({ type: 'TypeError', message: 'bad input' });
    expect(error.traceback.some((line) => /at explode \(cell\d+:2:/.test(line))).toBe(true);
    expect(error.traceback.some((line) => /\[eval\]|node:internal/.test(line))).toBe(false);
    expect(kinds(events).slice(-2)).toEqual(['error', 'done']);
  });

  it('interrupts a cell awaiting forever and a busy loop, keeping the session state', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    await stream(client, 'var kept = "still here"', 'n-setup').done;

    const waiting = stream(client, 'console.log("waiting"); await new Promise(() => {})', 'n-await');
    await waitFor(() => outputs(waiting.events).length, (n) => n > 0, { what: 'await cell running' });
    expect(await client.interrupt('n-await')).toMatchObject({ interrupted: true });
    expect(last(await waiting.done, 'error').data.type).toBe('KeyboardInterrupt');

    const busy = stream(client, 'console.log("spinning"); while (true) {}', 'n-busy');
    await waitFor(() => outputs(busy.events).length, (n) => n > 0, { what: 'busy cell running' });
    expect(await client.interrupt()).toMatchObject({ interrupted: true });
    const busyEvents = await busy.done;
    expect(kinds(busyEvents).slice(-2)).toEqual(['error', 'done']);
    expect(last(busyEvents, 'error').data.type).toBe('KeyboardInterrupt');

    const after = await stream(client, 'kept', 'n-after').done;
    expect(last(after, 'result').data.result).toBe("'still here'");
  });

  it('interrupts a cell whose client went away, so the session serves the next cell', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(runtime.urls.node);
    const controller = new AbortController();
    const events: MrpEvent[] = [];
    const abandoned = (async () => {
      for await (const event of client.executeStream({ code: 'console.log("go"); await new Promise(() => {})', execId: 'n-gone', signal: controller.signal })) {
        events.push(event);
      }
    })();
    await waitFor(() => events.length, (n) => n >= 2, { what: 'cell output' });
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    const next = await stream(client, '1 + 1', 'n-next').done;
    expect(last(next, 'result').data.result).toBe('2');
  });
});

describe('startMrpRuntime: requests', () => {
  it('accepts exec_id and execId, and returns the collected result from the non-streaming execute', async () => {
    const runtime = await startRuntime();
    const post = (body: unknown): Promise<Response> =>
      fetch(`${runtime.urls.node}/execute`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const snake = await (await post({ code: 'console.log("hi"); 6 * 7', exec_id: 'snake-1' })).json();
    expect(snake).toMatchObject({ success: true, stdout: 'hi\n', result: '42' });

    const response = await fetch(`${runtime.urls.node}/execute/stream`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'await input("? ")', execId: 'camel-1', storeHistory: true }),
    });
    const seen: string[] = [];
    for await (const message of readSse(response.body!)) {
      seen.push(message.event);
      if (message.event === 'start') expect(JSON.parse(message.data).execId).toBe('camel-1');
      if (message.event === 'stdin_request') {
        const answer = await fetch(`${runtime.urls.node}/input`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ execId: 'camel-1', text: 'typed' }),
        });
        expect(await answer.json()).toEqual({ accepted: true });
      }
      if (message.event === 'result') expect(JSON.parse(message.data).result).toBe("'typed'");
    }
    expect(seen).toEqual(['start', 'stdin_request', 'result', 'done']);
  });

  it('refuses a foreign Origin, allows listed ones with CORS, and allows tools that send none', async () => {
    const runtime = await startRuntime({ allowedOrigins: ['http://127.0.0.1:8080'] });
    const execute = (origin?: string): Promise<Response> =>
      fetch(`${runtime.urls.bash}/execute`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) },
        body: JSON.stringify({ code: 'echo ok' }),
      });
    const foreign = await execute('http://evil.example');
    expect(foreign.status).toBe(403);
    await foreign.body?.cancel();
    const listed = await execute('http://127.0.0.1:8080');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(await listed.json()).toMatchObject({ stdout: 'ok\n' });
    const tool = await execute();
    expect(tool.status).toBe(200);
    await tool.body?.cancel();
  });

  it('requires a token when bound beyond loopback', async () => {
    await expect(startMrpRuntime({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/token/);
    const runtime = await startRuntime({ host: '0.0.0.0', token: 'rt-token' });
    expect(runtime.url).toBe(`http://127.0.0.1:${runtime.port}`);
    const anonymous = new MrpClient(runtime.urls.bash);
    const refused = await anonymous.capabilities().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MrpHttpError);
    expect((refused as MrpHttpError).status).toBe(401);
    expect(await anonymous.health()).toMatchObject({ status: 'healthy' });
    const withToken = new MrpClient(runtime.urls.bash, { token: 'rt-token' });
    const events = await stream(withToken, 'echo secured', 'b-token').done;
    expect(last(events, 'result').data.stdout).toBe('secured\n');
    const query = await fetch(`${runtime.urls.bash}/capabilities?token=rt-token`);
    expect(query.status).toBe(200);
    await query.body?.cancel();
  });

  it('tells an allow-listed page its capabilities without the token, and runs nothing for it', async () => {
    const runtime = await startRuntime({ token: 'rt-token', allowedOrigins: ['app://showrunner'] });
    const capabilities = (origin?: string) => fetch(`${runtime.urls.bash}/capabilities`, { headers: origin ? { Origin: origin } : {} });
    const page = await capabilities('app://showrunner');
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ runtime: 'showrunner-bash' });
    expect((await capabilities()).status).toBe(401);
    expect((await capabilities('http://127.0.0.1:1')).status).toBe(403);
    const run = await fetch(`${runtime.urls.bash}/execute`, { method: 'POST', headers: { Origin: 'app://showrunner' }, body: JSON.stringify({ code: 'echo no' }) });
    expect(run.status).toBe(401);
    await run.body?.cancel();
  });

  it('answers unknown routes with 404 and bad bodies with 400', async () => {
    const runtime = await startRuntime();
    const client = new MrpClient(`${runtime.url}/ruby/mrp/v1`);
    const missing = await client.capabilities().catch((error: unknown) => error);
    expect((missing as MrpHttpError).status).toBe(404);
    const bad = await fetch(`${runtime.urls.bash}/execute`, { method: 'POST', body: '{"code": 5}' });
    expect(bad.status).toBe(400);
    await bad.body?.cancel();
  });
});
