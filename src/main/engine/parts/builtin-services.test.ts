import { describe, expect, it } from 'vitest';
import type { Manifest } from '../config/manifest-types';
import { RUNTIME_SERVICE, SYNC_SERVICE } from '../../../shared/reserved-names';
import { planBuiltins, RUNTIME_TOKEN_ENV, SYNC_TOKEN_ENV } from './builtin-services';

const manifest = (extra: Partial<Manifest>): Manifest => ({ file: '/srv/services.toml', root: '/srv', logDir: '/srv/logs', services: [], ...extra });
const monitors = { runtimes: { python: 'http://10.0.0.5:8000/mrp/v1' }, allowedRuntimeUrls: [], documents: [] };

describe('planBuiltins', () => {
  it('hands the runtime token over by environment, never argv, and to monitors for the built-in URLs only', () => {
    const token = 'runtime-secret-0123456789';
    const plan = planBuiltins(manifest({ monitors }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123, runtimeToken: token });
    const runtime = plan.specs.find((spec) => spec.name === RUNTIME_SERVICE)!;
    expect(runtime.env).toEqual({ [RUNTIME_TOKEN_ENV]: token });
    expect(runtime.command).not.toContain(token);
    expect(plan.runtimeTokens).toMatchObject({ 'http://127.0.0.1:8123/mrp/v1': token, 'http://127.0.0.1:8123/node/mrp/v1': token });
    expect(Object.keys(plan.runtimeTokens).every((url) => url.startsWith('http://127.0.0.1:8123/'))).toBe(true);
    // A configured runtime elsewhere never receives our token.
    expect(plan.runtimes.python).toBe('http://10.0.0.5:8000/mrp/v1');
    expect(Object.keys(plan.runtimeTokens)).not.toContain(plan.runtimes.python);
  });

  it('routes python to the built-in runtime with the manifest\'s interpreter, unless a runtime is configured for it', () => {
    const python = '/opt/venv/bin/python3';
    const plan = planBuiltins(manifest({ monitors: { ...monitors, runtimes: {}, python } }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123, runtimeToken: 't', logLevel: 'warn' });
    const runtime = plan.specs.find((spec) => spec.name === RUNTIME_SERVICE)!;
    expect(runtime.command).toContain(`'--python-path' '${python}'`);
    expect(runtime.command).toContain(`'--log-level' 'warn'`);
    expect(plan.runtimes.python).toBe('http://127.0.0.1:8123/python/mrp/v1');
    expect(plan.runtimeTokens['http://127.0.0.1:8123/python/mrp/v1']).toBe('t');
    // A configured python runtime wins.
    expect(planBuiltins(manifest({ monitors: { ...monitors, python } }), { cliArgv: ['node'], runtimePort: 8123 }).runtimes.python).toBe('http://10.0.0.5:8000/mrp/v1');
    // No interpreter anywhere: no python route, and the runtime is told so.
    const bare = planBuiltins(manifest({ monitors: { ...monitors, runtimes: {} } }), { cliArgv: ['node'], runtimePort: 8123, env: { PATH: '/nonexistent' } });
    expect(bare.runtimes.python).toBeUndefined();
    expect(bare.specs.find((spec) => spec.name === RUNTIME_SERVICE)!.command).toContain(`'--no-python'`);
  });

  it('lets the sync server and the runtime accept the editor page\'s origins, and only when given (mrmd)', () => {
    const sync = { enabled: true, host: '127.0.0.1', port: 4444, docsDir: '/srv/docs' };
    const origins = ['http://127.0.0.1:8080', 'http://localhost:8080'];
    const plan = planBuiltins(manifest({ sync, monitors }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123, pageOrigins: origins });
    for (const name of [SYNC_SERVICE, RUNTIME_SERVICE]) {
      const command = plan.specs.find((spec) => spec.name === name)!.command;
      expect(command).toContain(`'--allow-origin' 'http://127.0.0.1:8080' '--allow-origin' 'http://localhost:8080'`);
    }
    const plain = planBuiltins(manifest({ sync, monitors }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123 });
    expect(plain.specs.every((spec) => !spec.command.includes('--allow-origin'))).toBe(true);
  });

  it('leaves the runtime open without a token (mrmd mode)', () => {
    const plan = planBuiltins(manifest({ monitors }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123 });
    expect(plan.specs.find((spec) => spec.name === RUNTIME_SERVICE)!.env).toEqual({});
    expect(plan.runtimeTokens).toEqual({});
  });

  it('gives the sync token to the built-in server by environment and to monitors that join it', () => {
    const token = 'sync-secret-0123456789';
    const sync = { enabled: true, host: '0.0.0.0', port: 4444, docsDir: '/srv/docs', token };
    const plan = planBuiltins(manifest({ sync, monitors }), { cliArgv: ['node', 'cli.js'], runtimePort: 8123 });
    const server = plan.specs.find((spec) => spec.name === SYNC_SERVICE)!;
    expect(server.env).toEqual({ [SYNC_TOKEN_ENV]: token });
    expect(server.command).not.toContain(token);
    expect(plan).toMatchObject({ syncUrl: 'ws://127.0.0.1:4444', syncToken: token });
    // Monitors pointed at another sync server do not carry this one's token there.
    const elsewhere = planBuiltins(manifest({ sync, monitors: { ...monitors, syncUrl: 'ws://10.0.0.9:4444' } }), { cliArgv: ['node'], runtimePort: 1 });
    expect(elsewhere).toMatchObject({ syncUrl: 'ws://10.0.0.9:4444', syncToken: undefined });
  });
});
