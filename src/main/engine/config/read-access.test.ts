// `[access]` (issue 18) through the real entries: `showrunner check` names every problem with
// file, line, column and field (a token written in the manifest, a token file others may read,
// one that is missing or too short); a daemon started on a manifest with a good one gives that
// token the viewer role.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliProcess, stopCliProcesses } from '../../../../test/helpers/run-cli-process';
import { waitFor } from '../../../../test/helpers/wait-for';

async function check(file: string): Promise<{ code: number | null; output: string }> {
  const cli = runCliProcess(['check', file]);
  return { code: await cli.exited, output: cli.output() };
}

describe('[access] in the manifest', { timeout: 120_000 }, () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-access-'));
    file = join(dir, 'services.toml');
  });
  afterEach(async () => {
    await stopCliProcesses(); // before the folder goes: a daemon may still write into it
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a private token file and refuses every unsafe or unusable form, at its position', async () => {
    const tokenFile = join(dir, 'viewer.token');
    await writeFile(tokenFile, 'a-viewer-token-of-some-length\n', { mode: 0o600 });
    await writeFile(file, `[access]\nviewer_token_file = "viewer.token"\n`);
    expect(await check(file)).toEqual({ code: 0, output: `${file}: ok (0 services)\n` });

    await writeFile(file, `[access]\nviewer_token = "a-viewer-token-of-some-length"\n`);
    const literal = await check(file);
    expect(literal.code).toBe(1);
    expect(literal.output).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:16: access\\.viewer_token: a token in the manifest is readable by whoever reads the manifest`));

    if (process.platform !== 'win32') {
      await chmod(tokenFile, 0o644);
      await writeFile(file, `[access]\nviewer_token_file = "viewer.token"\n`);
      expect(await check(file)).toEqual({ code: 1, output: `${file}:2:21: access.viewer_token_file: ${tokenFile} may be read by other users (mode 644): chmod 600 it\n` });
      await chmod(tokenFile, 0o600);
    }
    await writeFile(join(dir, 'short.token'), 'short', { mode: 0o600 });
    await writeFile(file, `[access]\nviewer_token_file = "short.token"\n`);
    expect((await check(file)).output).toBe(`${file}:2:21: access.viewer_token_file: ${join(dir, 'short.token')} must hold one token of at least 16 characters, without spaces\n`);
    await writeFile(file, `[access]\nviewer_token_file = "missing.token"\n`);
    expect((await check(file)).output).toBe(`${file}:2:21: access.viewer_token_file: cannot read ${join(dir, 'missing.token')}: ENOENT\n`);
    await writeFile(file, `[access]\nviewer_tokn_file = "viewer.token"\n`);
    expect((await check(file)).output).toBe(`${file}:2:1: access.viewer_tokn_file: unknown key "viewer_tokn_file"; did you mean "viewer_token_file"?\n`);
  });

  it('gives the manifest\'s token the viewer role on a real daemon', async () => {
    await writeFile(join(dir, 'viewer.token'), 'a-viewer-token-of-some-length\n', { mode: 0o600 });
    await writeFile(file, `[access]\nviewer_token_file = "viewer.token"\n\n[services.web]\ncommand = "node -e \\"setInterval(() => {}, 1000)\\""\n`);
    const cli = runCliProcess(['serve', '--config', file, '--port', '0', '--state-dir', join(dir, 'state'), '--quiet']);
    const [, url] = (await waitFor(() => /listening on (http:\/\/[^/\s]+)\//.exec(cli.output()), Boolean, { what: 'daemon listening', timeoutMs: 60_000 }))!;
    const as = (token: string, method: string, path: string) => fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
    const role = await as('a-viewer-token-of-some-length', 'POST', '/api/call/access.role');
    expect(await role.json()).toEqual({ role: 'viewer' });
    expect((await as('a-viewer-token-of-some-length', 'POST', '/api/services/web/stop')).status).toBe(403);
    expect((await as('a-viewer-token-of-some-length', 'GET', '/api/services')).status).toBe(200);
  });
});
