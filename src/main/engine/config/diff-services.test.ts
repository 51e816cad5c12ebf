import { describe, expect, it } from 'vitest';
import { diffManifests } from './diff-services';
import type { Manifest } from './manifest-types';
import { parseManifest } from './parse-manifest';

function load(text: string): Manifest {
  const result = parseManifest(text, '/srv/show/services.toml');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.manifest;
}

const BASE = `
[services.db]
command = "db"
env = { A = "1", B = "2" }

[services.api]
command = "api"
dependencies = ["db"]

[services.web]
command = "web"
`;

describe('diffManifests', () => {
  it('sees nothing changed after a comment and reordered env keys', () => {
    const edited = BASE.replace('env = { A = "1", B = "2" }', '# tuned\nenv = { B = "2", A = "1" }');
    expect(diffManifests(load(BASE), load(edited))).toEqual({
      added: [],
      removed: [],
      changed: [],
      unchanged: ['db', 'api', 'web'],
      syncChanged: false,
      monitorsChanged: false,
    });
  });

  it('sorts services into added, removed, changed and unchanged', () => {
    const edited = BASE.replace('command = "web"', 'command = "web --port 81"')
      .replace('[services.api]\ncommand = "api"\ndependencies = ["db"]\n', '')
      .concat('\n[services.cache]\ncommand = "cache"\n');
    expect(diffManifests(load(BASE), load(edited))).toMatchObject({
      added: ['cache'],
      removed: ['api'],
      changed: ['web'],
      unchanged: ['db'],
    });
  });

  it('counts a dependent as changed when a probe added to its dependency changes its default condition', () => {
    const edited = BASE.replace('command = "db"', 'command = "db"\nhealth = { type = "tcp", port = 5432 }');
    expect(diffManifests(load(BASE), load(edited))).toMatchObject({ changed: ['db', 'api'], unchanged: ['web'] });
  });

  it('reports changes to [sync] and [monitors] apart from services', () => {
    const withSync = load(`${BASE}\n[sync]\nport = 4444\n[monitors]\ndocuments = ["a"]\n`);
    const moved = load(`${BASE}\n[sync]\nport = 4445\n[monitors]\ndocuments = ["a"]\n`);
    expect(diffManifests(load(BASE), withSync)).toMatchObject({ syncChanged: true, monitorsChanged: true });
    expect(diffManifests(withSync, moved)).toMatchObject({ syncChanged: true, monitorsChanged: false, changed: [] });
  });

  it('treats an option spelled undefined in code the same as one left out', () => {
    const manifest = load(BASE);
    const spelled = { ...manifest, services: manifest.services.map((s) => ({ ...s, venv: undefined, health: undefined })) };
    expect(diffManifests(manifest, spelled).changed).toEqual([]);
  });
});
