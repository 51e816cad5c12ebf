// `kind = "compose"` in services.toml (issue 19): defaults, and the mixes of keys that make no
// sense refused at their own line and field.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffServices } from './diff-services';
import type { ServiceSpec } from './manifest-types';
import { parseManifest } from './parse-manifest';

const FILE = '/project/services.toml';
const parse = (text: string) => parseManifest(text, FILE);

describe('kind = "compose" services', () => {
  it('reads the keys with their defaults; no command needed; container health by default', () => {
    const result = parse('[services.web]\nkind = "compose"\nproject_dir = "stack"\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [web] = result.manifest.services;
    expect(web.compose).toEqual({ projectDir: '/project/stack', file: join('/project/stack', 'compose.yaml'), service: 'web', protected: false, verifyTimeoutMs: 60_000 });
    expect(web.command).toBe('docker compose -f compose.yaml up web');
    expect(web.workingDir).toBe('/project/stack');
    expect(web.health).toMatchObject({ type: 'container', timing: { intervalMs: 5000 } });
    expect(web.stopTimeoutMs).toBe(30_000);
  });

  it('takes compose_file, compose_service, protected, an http probe', () => {
    const result = parse(
      '[services.web]\nkind = "compose"\nproject_dir = "/srv/stack"\ncompose_file = "prod.yaml"\ncompose_service = "frontend"\nprotected = true\nverify_timeout_seconds = 90\nhealth = { type = "http", url = "http://127.0.0.1:8080/health" }\n',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [web] = result.manifest.services;
    expect(web.compose).toEqual({ projectDir: '/srv/stack', file: '/srv/stack/prod.yaml', service: 'frontend', protected: true, verifyTimeoutMs: 90_000 });
    expect(web.health?.type).toBe('http');
  });

  it('refuses keys that do not fit the kind, each at its line', () => {
    const result = parse(
      [
        '[services.web]',
        'kind = "compose"',
        'project_dir = "stack"',
        'command = "npm start"',
        'pty = true',
        'health = { type = "process" }',
        '',
        '[services.api]',
        'command = "node api.js"',
        'protected = true',
        'compose_service = "api"',
        '',
        '[services.odd]',
        'kind = "docker"',
        'command = "x"',
        '',
        '[services.bad]',
        'kind = "compose"',
        'compose_service = "no spaces"',
      ].join('\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problems = result.problems.map((p) => `${p.line}:${p.field}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '4:services.web.command: "command" is not used by a kind = "compose" service (docker compose runs it)',
        '5:services.web.pty: "pty" is not used by a kind = "compose" service (docker compose runs it)',
        expect.stringMatching(/^6:services\.web\.health: a "process" probe says nothing about a container/),
        '10:services.api.protected: "protected" only applies to kind = "compose" services',
        '11:services.api.compose_service: "compose_service" only applies to kind = "compose" services',
        expect.stringMatching(/^14:services\.odd\.kind: "docker" is not one of "process", "compose"/),
        '17:services.bad.project_dir: missing required key "project_dir"',
        '19:services.bad.compose_service: "no spaces" is not a compose service name (letters, digits, ".", "_", "-")',
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('a changed `protected` or verify timeout applies in place; another compose service restarts it', () => {
    const specs = (text: string): ServiceSpec[] => {
      const result = parse(text);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.manifest.services;
    };
    const base = '[services.web]\nkind = "compose"\nproject_dir = "stack"\n';
    expect(diffServices(specs(base), specs(base + 'protected = true\nverify_timeout_seconds = 5\n'))).toMatchObject({ changed: ['web'], restart: [] });
    expect(diffServices(specs(base), specs(base + 'compose_service = "web2"\n'))).toMatchObject({ changed: ['web'], restart: ['web'] });
  });
});
