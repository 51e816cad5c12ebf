// Issue 15 in company: two `showrunner serve` processes under one HOME, each with its own
// built-in sync server, runtime and monitor. Each runtime refuses callers without its token,
// each token is its own instance's (one instance's token opens nothing on the other), and
// each monitor still runs cells through its own authenticated runtime.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliProcess, type RunningCli } from '../../../../test/helpers/run-cli-process';
import { waitFor } from '../../../../test/helpers/wait-for';
import { findFreePort } from '../net/find-free-port';
import { EditorPeer } from '../monitors/editor-peer.test-kit';

interface Instance {
  api: string;
  token: string;
  sync: string;
  runtime: string;
  python: string;
  runtimeToken: string;
}

/** Stopped with SIGTERM so each daemon stops its services; SIGKILL would orphan them. */
const daemons: RunningCli[] = [];

async function startServe(dir: string): Promise<Instance> {
  await mkdir(dir, { recursive: true });
  const syncPort = await findFreePort();
  const file = join(dir, 'services.toml');
  await writeFile(file, `[sync]\nport = ${syncPort}\ndocs_dir = "docs"\n\n[monitors]\ndocuments = ["notes"]\n`);
  const cli = runCliProcess(['serve', '--config', file, '--port', '0', '--state-dir', join(dir, 'state')]);
  daemons.push(cli);
  const line = await waitFor(cli.output, (text) => /Showrunner listening on (\S+)\/\?token=(\S+)/.test(text), { what: 'listening line', timeoutMs: 30_000 });
  const [, api, encoded] = /Showrunner listening on (\S+)\/\?token=(\S+)/.exec(line)!;
  const token = decodeURIComponent(encoded);
  const get = async (path: string) => (await fetch(`${api}${path}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const urls = (await get('/api/urls')) as { sync: string; runtimes: Record<string, string> };
  const service = await waitFor(
    () => get('/api/services/mrmd-runtime') as Promise<{ health: string; state: { kind: string; pid?: number } }>,
    (s) => s.health === 'healthy',
    { what: 'mrmd-runtime healthy', timeoutMs: 30_000 },
  );
  // The test reads the token the way only the same user (or root) can: from the process's
  // initial environment. The runtime itself dropped it from process.env.
  const environ = readFileSync(`/proc/${service.state.pid}/environ`, 'utf8').split('\0');
  const runtimeToken = environ.find((entry) => entry.startsWith('SHOWRUNNER_MRP_TOKEN='))!.slice('SHOWRUNNER_MRP_TOKEN='.length);
  return { api, token, sync: urls.sync, runtime: urls.runtimes.bash, python: urls.runtimes.python, runtimeToken };
}

const execute = (runtime: string, token?: string) =>
  fetch(`${runtime}/execute`, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {}, body: JSON.stringify({ code: 'echo ran' }) });

describe.skipIf(process.platform !== 'linux')('the runtime token of two serve instances under one HOME', () => {
  let dir: string | null = null;
  afterEach(async () => {
    for (const cli of daemons.splice(0)) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is required, differs per instance, and lets each monitor run cells', { timeout: 120_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-company-'));
    const [a, b] = await Promise.all([startServe(join(dir, 'a')), startServe(join(dir, 'b'))]);
    expect(a.runtime).not.toBe(b.runtime);
    expect(a.runtimeToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(a.runtimeToken).not.toBe(b.runtimeToken);
    expect(a.runtimeToken).not.toBe(a.token);
    for (const [mine, other] of [
      [a, b],
      [b, a],
    ]) {
      expect((await execute(mine.runtime)).status).toBe(401);
      expect((await execute(mine.runtime, other.runtimeToken)).status).toBe(401);
      expect((await execute(mine.runtime, mine.token)).status).toBe(401);
      // The python route (issue 20) sits behind the same token.
      expect(mine.python).toBe(mine.runtime.replace(/\/mrp\/v1$/, '/python/mrp/v1'));
      expect((await execute(mine.python)).status).toBe(401);
      expect((await execute(mine.python, other.runtimeToken)).status).toBe(401);
      const ran = await execute(mine.runtime, mine.runtimeToken);
      expect(ran.status).toBe(200);
      expect(await ran.json()).toMatchObject({ success: true, stdout: 'ran\n' });
    }
    for (const instance of [a, b]) {
      const editor = await EditorPeer.connect(instance.sync, 'notes');
      try {
        editor.addCell('bash', 'echo via monitor');
        const id = editor.request('echo via monitor', 'bash');
        await waitFor(() => editor.entry(id)?.status, (status) => status === 'completed' || status === 'error', { what: 'cell finished', timeoutMs: 30_000 });
        expect(editor.entry(id)?.status).toBe('completed');
        expect(editor.output(id)).toContain('via monitor');
        const python = "print('python via', 'monitor')";
        editor.addCell('python', python);
        const pyId = editor.request(python, 'python');
        await waitFor(() => editor.entry(pyId)?.status, (status) => status === 'completed' || status === 'error', { what: 'python cell finished', timeoutMs: 60_000 });
        expect(editor.entry(pyId)?.status).toBe('completed');
        expect(editor.output(pyId)).toContain('python via monitor');
      } finally {
        editor.close();
      }
    }
  });
});
