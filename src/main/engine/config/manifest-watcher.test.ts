import { mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/helpers/wait-for';
import { loadManifest } from './load-manifest';
import type { Manifest } from './manifest-types';
import { ManifestWatcher, type ManifestChange, type ManifestWatcherOptions } from './manifest-watcher';

const VALID = '[services.db]\ncommand = "db"\n\n[services.api]\ncommand = "api"\ndependencies = ["db"]\n';

describe('ManifestWatcher', () => {
  let dir: string;
  let file: string;
  let manifest: Manifest;
  const watchers: ManifestWatcher[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-watch-'));
    file = join(dir, 'services.toml');
    await writeFile(file, VALID);
    const result = await loadManifest(file);
    if (!result.ok) throw new Error('fixture must load');
    manifest = result.manifest;
  });

  afterEach(async () => {
    for (const watcher of watchers.splice(0)) watcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  function watch(options: Partial<ManifestWatcherOptions> = {}): ManifestChange[] {
    const changes: ManifestChange[] = [];
    watchers.push(new ManifestWatcher({ file, manifest, onChange: (change) => changes.push(change), ...options }));
    return changes;
  }

  async function nextChange(changes: ManifestChange[], count: number): Promise<ManifestChange> {
    await waitFor(() => changes.length, (n) => n >= count, { what: `${count} manifest changes` });
    return changes[count - 1];
  }

  it('reports a valid edit with its diff against the manifest in force', async () => {
    const changes = watch();
    await writeFile(file, VALID.replace('command = "api"', 'command = "api --v2"'));
    const change = await nextChange(changes, 1);
    expect(change.ok).toBe(true);
    expect(change.ok && change.diff).toEqual({
      added: [],
      removed: [],
      changed: ['api'],
      restart: ['api'],
      unchanged: ['db'],
    });
    expect(change.ok && change.manifest.services[1].command).toBe('api --v2');
  });

  it('reports an invalid edit with its problems and no diff, then diffs the fix against the old manifest', async () => {
    const changes = watch();
    await writeFile(file, VALID.replace('command = "api"', 'command = "api"\nrestart = "sometimes"'));
    expect(await nextChange(changes, 1)).toEqual({
      ok: false,
      problems: [
        {
          file,
          line: 6,
          column: 11,
          field: 'services.api.restart',
          message: '"sometimes" is not one of "always", "on-failure", "never"',
        },
      ],
    });
    await writeFile(file, `${VALID}\n[services.web]\ncommand = "web"\n`);
    const fixed = await nextChange(changes, 2);
    expect(fixed.ok && fixed.diff).toMatchObject({ added: ['web'], changed: [], unchanged: ['db', 'api'] });
  });

  it('sees an editor-style save: a temp file renamed over the manifest', async () => {
    const changes = watch();
    const temp = join(dir, '.services.toml.swp');
    await writeFile(temp, VALID.replace('[services.db]\ncommand = "db"\n', '[services.db]\ncommand = "db --fast"\n'));
    await rename(temp, file);
    const change = await nextChange(changes, 1);
    expect(change.ok && change.diff.changed).toEqual(['db']);
    // The new inode is watched too: a second save is seen.
    await writeFile(temp, VALID);
    await rename(temp, file);
    const second = await nextChange(changes, 2);
    expect(second.ok && second.diff.changed).toEqual(['db']);
  });

  it('reports a deleted manifest as a problem, leaving the caller its manifest', async () => {
    const changes = watch();
    await unlink(file);
    expect(await nextChange(changes, 1)).toEqual({
      ok: false,
      problems: [{ file, line: 1, column: 1, field: 'file', message: 'no such file' }],
    });
    expect(watchers[0].manifest).toBe(manifest);
  });

  it('reloads with the options the manifest was loaded with', async () => {
    const changes = watch({ load: { services: ['db'], testing: true } });
    await writeFile(file, VALID.replace('command = "db"', 'command = "db"\ntesting_command = "db --test"'));
    const change = await nextChange(changes, 1);
    expect(change.ok && change.manifest.services.map((s) => [s.name, s.command])).toEqual([['db', 'db --test']]);
  });

  it('falls back to polling and still sees edits', async () => {
    const changes = watch({ poll: true, pollIntervalMs: 20, debounceMs: 20 });
    await writeFile(file, VALID.replace('[services.api]', '[services.web]\ncommand = "web"\n\n[services.api]'));
    const change = await nextChange(changes, 1);
    expect(change.ok && change.diff.added).toEqual(['web']);
  });

  it('reloads on request through the same path, so the next diff starts from it', async () => {
    const changes = watch({ debounceMs: 60_000 });
    await writeFile(file, `${VALID}\n[services.web]\ncommand = "web"\n`);
    const forced = await watchers[0].reload();
    expect(forced).toEqual(changes[0]);
    expect(forced?.ok && forced.diff.added).toEqual(['web']);
    expect(watchers[0].manifest?.services.map((s) => s.name)).toEqual(['db', 'api', 'web']);
    const again = await watchers[0].reload();
    expect(again?.ok && again.diff).toMatchObject({ added: [], changed: [], unchanged: ['db', 'api', 'web'] });
  });

  it('follows edits to the target of a symlinked manifest', async () => {
    const target = join(dir, 'real.toml');
    await writeFile(target, VALID);
    await unlink(file);
    await symlink(target, file);
    const changes = watch({ pollIntervalMs: 20, debounceMs: 20 });
    await writeFile(target, VALID.replace('command = "db"', 'command = "db --linked"'));
    const change = await nextChange(changes, 1);
    expect(change.ok && change.diff.changed).toEqual(['db']);
  });

  it('calls back no more after close', async () => {
    const closedChanges = watch();
    watchers[0].close();
    const openChanges = watch();
    await writeFile(file, VALID.replace('command = "db"', 'command = "db2"'));
    await nextChange(openChanges, 1);
    expect(closedChanges).toEqual([]);
  });
});
