// Issue 15, point 5: monitor document names follow the sync server's rules, checked in one
// place (shared/doc-name.ts): `POST /api/monitors` answers 400 with the reason, the contract
// answers `invalid-args`, and `[monitors] documents` reports a manifest problem. A real daemon
// server over a real orchestrator with a real sync server.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceCliArgv } from '../../../test/helpers/cli-argv';
import { waitFor } from '../../../test/helpers/wait-for';
import { checkManifestFile } from '../engine/config/check-manifest-file';
import { findFreePort } from '../engine/net/find-free-port';
import { createOrchestrator, type Orchestrator } from '../engine/orchestrator';
import { startDaemonServer, type DaemonServer } from './daemon-server';

const TOKEN = 'doc-names-token';
const BAD: [string, RegExp][] = [
  ['../x', /document name "\.\.\/x" has an empty, \. or \.\. segment/],
  ['/etc/passwd', /absolute document name "\/etc\/passwd"/],
  ['a\u0000b', /document name contains NUL/],
  ['', /empty document name/],
  ['notes/.git', /hidden segment/],
];

describe('monitor document names', () => {
  let dir: string;
  let orchestrator: Orchestrator | null = null;
  let server: DaemonServer | null = null;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-doc-names-'));
  });
  afterEach(async () => {
    await server?.close();
    await orchestrator?.close();
    server = null;
    orchestrator = null;
    await rm(dir, { recursive: true, force: true });
  });

  it('are refused on POST /api/monitors with 400 and the reason, and on the contract as invalid-args', async () => {
    const file = join(dir, 'services.toml');
    await writeFile(file, `[sync]\nport = ${await findFreePort()}\ndocs_dir = "docs"\n\n[monitors]\n`);
    orchestrator = await createOrchestrator({ manifestPath: file, stateDir: join(dir, 'state'), usbSource: null, deviceRoot: join(dir, 'dev'), statsIntervalMs: 0, cliArgv: sourceCliArgv });
    const engine = orchestrator;
    server = await startDaemonServer({ hub: engine.hub, call: (method, args) => engine.call(method as never, args as never), urls: () => ({}), metrics: () => '', token: TOKEN, port: 0, rendererDir: null });
    const post = (doc: string) =>
      fetch(`${server!.url}/api/monitors`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ doc }) });

    for (const [doc, reason] of BAD) {
      const answer = await post(doc);
      expect(answer.status).toBe(400);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid-args');
      expect(body.error.message).toMatch(reason);
      expect(await engine.call('monitors.start', { doc })).toMatchObject({ ok: false, error: { code: 'invalid-args', message: expect.stringMatching(reason) } });
    }
    expect(engine.snapshot().monitors).toEqual([]);
    // A good name still starts a monitor, under the same rules the sync server applies.
    const good = await post('notes/daily');
    expect(good.status).toBe(200);
    await waitFor(() => engine.snapshot().monitors.find((monitor) => monitor.doc === 'notes/daily')?.connection, (connection) => connection === 'connected', {
      what: 'monitor for notes/daily connected',
      timeoutMs: 20_000,
    });
  });

  it('are manifest problems in [monitors] documents, at the entry', async () => {
    const file = join(dir, 'services.toml');
    await writeFile(file, `[monitors]\ndocuments = ["notes", "../x", "/abs"]\n`);
    expect(await checkManifestFile(file)).toEqual({
      exitCode: 1,
      lines: [
        `${file}:2:23: monitors.documents[1]: document name "../x" has an empty, . or .. segment`,
        `${file}:2:31: monitors.documents[2]: absolute document name "/abs"`,
      ],
    });
  });
});
