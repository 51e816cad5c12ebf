import { describe, expect, it } from 'vitest';
import { diffServices } from './diff-services';
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

describe('diffServices', () => {
  it('sees nothing changed after a comment and reordered env keys', () => {
    const edited = BASE.replace('env = { A = "1", B = "2" }', '# tuned\nenv = { B = "2", A = "1" }');
    expect(diffServices(load(BASE).services, load(edited).services)).toEqual({
      added: [],
      removed: [],
      changed: [],
      restart: [],
      unchanged: ['db', 'api', 'web'],
    });
  });

  it('sorts services into added, removed, changed and unchanged', () => {
    const edited = BASE.replace('command = "web"', 'command = "web --port 81"')
      .replace('[services.api]\ncommand = "api"\ndependencies = ["db"]\n', '')
      .concat('\n[services.cache]\ncommand = "cache"\n');
    expect(diffServices(load(BASE).services, load(edited).services)).toMatchObject({
      added: ['cache'],
      removed: ['api'],
      changed: ['web'],
      unchanged: ['db'],
    });
  });

  it('counts a dependent as changed when a probe added to its dependency changes its default condition', () => {
    const edited = BASE.replace('command = "db"', 'command = "db"\nhealth = { type = "tcp", port = 5432 }');
    expect(diffServices(load(BASE).services, load(edited).services)).toMatchObject({ changed: ['db', 'api'], unchanged: ['web'] });
  });

  it('restarts only for what the process is made of; names, policies and dependencies apply in place', () => {
    const edited = BASE.replace('command = "web"', 'command = "web"\ndisplay_name = "Web"\nrestart = "never"').replace('env = { A = "1", B = "2" }', 'env = { A = "1", B = "3" }');
    expect(diffServices(load(BASE).services, load(edited).services)).toMatchObject({ changed: ['db', 'web'], restart: ['db'], unchanged: ['api'] });
  });

  it('treats an option spelled undefined in code the same as one left out', () => {
    const manifest = load(BASE);
    const spelled = { ...manifest, services: manifest.services.map((s) => ({ ...s, venv: undefined, health: undefined })) };
    expect(diffServices(manifest.services, spelled.services).changed).toEqual([]);
  });
});
