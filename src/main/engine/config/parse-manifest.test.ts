import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './format-problem';
import type { Manifest } from './manifest-types';
import { parseManifest, type ManifestLoadOptions } from './parse-manifest';

const FILE = '/srv/show/services.toml';

function lines(text: string, options: ManifestLoadOptions = {}): string[] {
  const result = parseManifest(text, FILE, options);
  if (result.ok) return [];
  return result.problems.map((problem) => formatProblem(problem).slice(FILE.length + 1));
}

function load(text: string, options: ManifestLoadOptions = {}): Manifest {
  const result = parseManifest(text, FILE, options);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.manifest;
}

describe('parseManifest problems', () => {
  it('reports a TOML syntax error at its line and column', () => {
    expect(lines('[services.api]\ncommand = "run\n')).toEqual(['2:15: syntax: Unterminated string constant']);
  });

  it('reports an unknown key at the key, suggesting the close one', () => {
    const text = '[services.api]\ncomand = "run"\n';
    expect(lines(text)).toEqual([
      '1:1: services.api.command: missing required key "command"',
      '2:1: services.api.comand: unknown key "comand"; did you mean "command"?',
    ]);
  });

  it('reports an unknown top-level key and an unknown key in an inline table', () => {
    const text = 'rooot = "."\n[services.api]\ncommand = "run"\nhealth = { type = "tcp", prot = 80 }\n';
    expect(lines(text)).toEqual([
      '1:1: rooot: unknown key "rooot"; did you mean "root"?',
      '4:10: services.api.health.port: missing required key "port"',
      '4:26: services.api.health.prot: unknown key "prot"; did you mean "port"?',
    ]);
  });

  it('reports a wrong type at the value', () => {
    const text = '[services.api]\ncommand = "run"\nautostart = "yes"\nrestart_delay_seconds = "5"\n';
    expect(lines(text)).toEqual([
      '3:13: services.api.autostart: expected true or false, got a string',
      '4:25: services.api.restart_delay_seconds: expected a number of seconds, got a string',
    ]);
  });

  it('reports numbers out of range, infinite and too large', () => {
    const text = [
      '[services.api]',
      'command = "run"',
      'restart_delay_seconds = -1',
      'max_restarts = 99999999999999999999',
      'stop_timeout_seconds = inf',
      'health = { type = "tcp", port = 70000, failure_threshold = 0 }',
    ].join('\n');
    expect(lines(text)).toEqual([
      '3:25: services.api.restart_delay_seconds: must be at least 0',
      '4:16: services.api.max_restarts: must be at most 1000000',
      '5:24: services.api.stop_timeout_seconds: must be a finite number',
      '6:33: services.api.health.port: must be at most 65535',
      '6:60: services.api.health.failure_threshold: must be at least 1',
    ]);
  });

  it('quotes an unknown enum word with the choices', () => {
    const text = '[services.api]\ncommand = "run"\nrestart = "sometimes"\ndevice_restart_policy = "on-reconnect"\n';
    expect(lines(text)).toEqual([
      '3:11: services.api.restart: "sometimes" is not one of "always", "on-failure", "never"',
      '4:25: services.api.device_restart_policy: "on-reconnect" is not one of "immediate", "on_reconnect"; did you mean "on_reconnect"?',
    ]);
  });

  it('reads on_dependency_down per service and from [defaults], and names the choices for a wrong word', () => {
    const text = '[defaults]\non_dependency_down = "stop"\n[services.a]\ncommand = "a"\n[services.b]\ncommand = "b"\non_dependency_down = "restart"\n';
    expect(load(text).services.map((spec) => spec.onDependencyDown)).toEqual(['stop', 'restart']);
    expect(load('[services.a]\ncommand = "a"\n').services[0].onDependencyDown).toBe('keep');
    expect(lines('[services.api]\ncommand = "run"\non_dependency_down = "halt"\n[defaults]\non_dependency_down = "Keep"\n')).toEqual([
      '3:22: services.api.on_dependency_down: "halt" is not one of "keep", "stop", "restart"',
      '5:22: defaults.on_dependency_down: "Keep" is not one of "keep", "stop", "restart"; did you mean "keep"?',
    ]);
  });

  it('reports a missing command at the service table header', () => {
    const text = '# gallery\n\n[services.api]\ndisplay_name = "API"\n';
    expect(lines(text)).toEqual(['3:1: services.api.command: missing required key "command"']);
  });

  it('reports a missing command of an inline service at its key', () => {
    expect(lines('[services]\napi = { display_name = "API" }\n')).toEqual([
      '2:1: services.api.command: missing required key "command"',
    ]);
  });

  it('reports a dependency on an unknown service at the entry', () => {
    const text = '[services.db]\ncommand = "db"\n[services.api]\ncommand = "api"\ndependencies = ["dv", { name = "cache" }]\n';
    expect(lines(text)).toEqual([
      '5:17: services.api.dependencies[0]: no service named "dv"; did you mean "db"?',
      '5:32: services.api.dependencies[1].name: no service named "cache"',
    ]);
  });

  it('names a dependency cycle once, at the entry that closes it', () => {
    const text = [
      '[services.a]',
      'command = "a"',
      'dependencies = ["b"]',
      '[services.b]',
      'command = "b"',
      'dependencies = ["c"]',
      '[services.c]',
      'command = "c"',
      'dependencies = ["a"]',
      '[services.d]',
      'command = "d"',
      'dependencies = ["d"]',
    ].join('\n');
    expect(lines(text)).toEqual([
      '9:17: services.c.dependencies[0]: dependency cycle: a → b → c → a',
      '12:17: services.d.dependencies[0]: dependency cycle: d → d',
    ]);
  });

  it('reports a dependency listed twice', () => {
    const text = '[services.db]\ncommand = "db"\n[services.api]\ncommand = "api"\ndependencies = ["db", "db"]\n';
    expect(lines(text)).toEqual(['5:23: services.api.dependencies[1]: "db" is listed twice']);
  });

  it('reports a duplicate service name with the line it was first defined on', () => {
    const text = '[services.api]\ncommand = "a"\n\n[services.api]\ncommand = "b"\n';
    expect(lines(text)).toEqual(['4:11: services.api: duplicate service "api" (first defined on line 1)']);
  });

  it('reports service names that differ only in case', () => {
    const text = '[services.api]\ncommand = "a"\n[services.API]\ncommand = "b"\n';
    expect(lines(text)).toEqual([
      '3:1: services.API: duplicate service "API": "api" on line 1 differs only in case',
    ]);
  });

  it('rejects names that cannot be a log folder and names Showrunner uses itself', () => {
    const text = '[services."my api"]\ncommand = "a"\n[services.orchestrator]\ncommand = "b"\n';
    expect(lines(text)).toEqual([
      '1:11: services."my api": service names use letters, digits, ".", "_" and "-" (at most 128)',
      '3:1: services.orchestrator: the name "orchestrator" is taken by Showrunner itself',
    ]);
    // logs/runs/ holds the roll-outs' artifacts; on a case-insensitive disk "Runs" is that folder too.
    expect(lines('[services.runs]\ncommand = "a"\n[services.Orchestrator]\ncommand = "b"\n')).toEqual([
      '1:1: services.runs: the name "runs" is taken by Showrunner itself',
      '3:1: services.Orchestrator: the name "Orchestrator" is taken by Showrunner itself',
    ]);
  });

  it('reserves the built-in parts\' names only when the manifest turns them on', () => {
    const text = '[services.mrmd-sync]\ncommand = "a"\n[services.mrmd-runtime]\ncommand = "b"\n[sync]\n[monitors]\n';
    expect(lines(text)).toEqual([
      '1:1: services.mrmd-sync: the name "mrmd-sync" is taken by the built-in sync server of [sync]',
      '3:1: services.mrmd-runtime: the name "mrmd-runtime" is taken by the built-in runtime of [monitors]',
    ]);
    expect(lines('[services.mrmd-sync]\ncommand = "a"\n[services.mrmd-runtime]\ncommand = "b"\n')).toEqual([]);
  });

  it('lets services wait for the built-in parts the manifest turns on, healthy by default', () => {
    const manifest = load('[services.kiosk]\ncommand = "k"\ndependencies = ["mrmd-sync", { name = "mrmd-runtime", condition = "started" }]\n[sync]\n[monitors]\n');
    expect(manifest.services[0].dependencies).toEqual([
      { name: 'mrmd-sync', condition: 'healthy' },
      { name: 'mrmd-runtime', condition: 'started' },
    ]);
    expect(lines('[services.kiosk]\ncommand = "k"\ndependencies = ["mrmd-sync"]\n')).toEqual(['3:17: services.kiosk.dependencies[0]: no service named "mrmd-sync"']);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = [
      '[defaults]',
      'restart_delay = 5',
      '[services.api]',
      'command = ""',
      'env = { PORT = 8080, MODE = "prod" }',
      'stop_signal = "SIGTREM"',
      'requires_devices = ["/dev/gradi-cam", { usb = { vendor = 2341, product = "00G3" } }, 7]',
      'dependencies = [{ name = "db", condition = "ready" }]',
      '[services.db]',
      'command = "db"',
      'pty = 1',
    ].join('\n');
    expect(lines(text)).toEqual([
      '2:1: defaults.restart_delay: unknown key "restart_delay"; did you mean "restart_delay_seconds"?',
      '4:11: services.api.command: must not be empty',
      '5:16: services.api.env.PORT: expected a string (quote numbers and booleans), got an integer',
      '6:15: services.api.stop_signal: "SIGTREM" is not a signal name; did you mean "SIGTERM"?',
      '7:58: services.api.requires_devices[1].usb.vendor: expected a quoted string of 4 hex digits, such as "2341", got an integer',
      '7:74: services.api.requires_devices[1].usb.product: "00G3" is not 4 hex digits, such as "2341"',
      '7:86: services.api.requires_devices[2]: expected a device path or { usb = { vendor = "...", product = "..." } }, got an integer',
      '8:44: services.api.dependencies[0].condition: "ready" is not one of "started", "healthy", "completed"',
      '11:7: services.db.pty: expected true or false, got an integer',
    ]);
  });

  it('reports probe problems: no type, two type keys, keys the type does not use, bad urls and statuses', () => {
    const text = [
      '[services.a]',
      'command = "a"',
      'health = { interval_seconds = 0 }',
      '[services.b]',
      'command = "b"',
      'health = { type = "tcp", probe_type = "tcp", port = 1 }',
      '[services.c]',
      'command = "c"',
      'health = { type = "exec", command = "true", url = "http://x/" }',
      '[services.d]',
      'command = "d"',
      'health = { type = "http", url = "ftp://host/", expect_status = [399, 200] }',
      '[services.e]',
      'command = "e"',
      'health = { type = "grpc" }',
    ].join('\n');
    expect(lines(text)).toEqual([
      '3:10: services.a.health.type: missing required key "type" (one of "http", "tcp", "exec", "process")',
      '3:31: services.a.health.interval_seconds: must be greater than 0',
      '6:26: services.b.health.probe_type: give either "type" or "probe_type", not both',
      '9:45: services.c.health.url: "url" is not used by a "exec" probe',
      '12:33: services.d.health.url: "ftp://host/" must start with http:// or https://',
      '12:64: services.d.health.expect_status: the range [399, 200] is empty: low must not exceed high',
      '15:19: services.e.health.type: "grpc" is not one of "http", "tcp", "exec", "process"',
    ]);
  });

  it('reports what a process cannot be given: NUL characters, bad env names, relative device paths', () => {
    const text = [
      '[services.api]',
      'command = "run\\u0000"',
      'env = { "A=B" = "1", OK = "x\\u0000" }',
      'requires_devices = ["gradi-cam"]',
    ].join('\n');
    expect(lines(text)).toEqual([
      '2:11: services.api.command: must not contain a NUL character (\\u0000)',
      '3:9: services.api.env."A=B": an environment variable name must be non-empty, without "=" or NUL',
      '3:27: services.api.env.OK: must not contain a NUL character (\\u0000)',
      '4:21: services.api.requires_devices[0]: "gradi-cam" must be an absolute path, such as "/dev/gradi-cam"',
    ]);
  });

  it('says only that a service is not a table when it is something else', () => {
    expect(lines('[services]\napi = "run"\n')).toEqual(['2:7: services.api: expected a table, got a string']);
  });

  it('reports a [[services]] array and a date where a string belongs', () => {
    expect(lines('[[services]]\ncommand = "a"\n')).toEqual(['1:1: services: expected a table, got an array']);
    expect(lines('root = 2024-01-01\n')).toEqual(['1:8: root: expected a string, got a date-time']);
  });

  it('reports problems in [sync] and [monitors]', () => {
    const text = [
      '[sync]',
      'port = 0',
      'docs = "d"',
      '[monitors]',
      'sync_url = "http://127.0.0.1:4444"',
      'runtimes = { bash = "not a url" }',
      'documents = ["notes.md", 3]',
    ].join('\n');
    expect(lines(text)).toEqual([
      '2:8: sync.port: must be at least 1',
      '3:1: sync.docs: unknown key "docs"; did you mean "docs_dir"?',
      '5:12: monitors.sync_url: "http://127.0.0.1:4444" must start with ws:// or wss://',
      '6:21: monitors.runtimes.bash: "not a url" is not a valid URL',
      '7:26: monitors.documents[1]: expected a string, got an integer',
    ]);
  });

  it('counts columns on line 1 from after a byte order mark', () => {
    expect(lines('\uFEFFroot = 1\n')).toEqual(['1:8: root: expected a string, got an integer']);
  });
});

describe('parseManifest values', () => {
  it('fills in defaults, with [defaults] in between the built-in ones and the service', () => {
    const text = [
      '[defaults]',
      'restart_delay_seconds = 2',
      'stop_timeout_seconds = 4.25',
      'max_restarts = 3',
      '[services.api]',
      'command = "run"',
      '[services.web]',
      'command = "web"',
      'restart_delay_seconds = 0.5',
    ].join('\n');
    const [api, web] = load(text).services;
    expect(api).toEqual({
      name: 'api',
      displayName: 'api',
      command: 'run',
      workingDir: '/srv/show',
      env: {},
      dependencies: [],
      requiresDevices: [],
      deviceRestartPolicy: 'immediate',
      restart: 'always',
      restartDelayMs: 2000,
      maxRestartDelayMs: 60_000,
      maxRestarts: 3,
      restartWindowMs: 60_000,
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 4250,
      autostart: true,
      pty: false,
      onDependencyDown: 'keep',
    });
    expect(web.restartDelayMs).toBe(500);
  });

  it('reads every addition of §8', () => {
    const text = [
      '[services.db]',
      'command = "db"',
      'health = { type = "exec", command = "pg_isready", success_threshold = 2 }',
      '[services.api]',
      'command = "api"',
      'env = { PORT = "8080" }',
      'restart = "on-failure"',
      'max_restarts = 0',
      'restart_window_seconds = 30',
      'max_restart_delay_seconds = 120',
      'stop_signal = "int"',
      'autostart = false',
      'pty = true',
      'dependencies = ["db", { name = "db2", condition = "completed" }]',
      'requires_devices = ["/dev/gradi-cam*", { usb = { vendor = "0x2341", product = "ABCD", serial = "A1" } }]',
      'health = { type = "http", port = 8080, expect_status = 204 }',
      '[services.db2]',
      'command = "migrate"',
      'restart = "never"',
    ].join('\n');
    const [db, api] = load(text).services;
    expect(db.health).toEqual({
      type: 'exec',
      command: 'pg_isready',
      timing: { intervalMs: 5000, timeoutMs: 2000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 2 },
    });
    expect(api).toMatchObject({
      env: { PORT: '8080' },
      restart: 'on-failure',
      maxRestarts: 0,
      restartWindowMs: 30_000,
      maxRestartDelayMs: 120_000,
      stopSignal: 'SIGINT',
      autostart: false,
      pty: true,
      dependencies: [
        { name: 'db', condition: 'healthy' },
        { name: 'db2', condition: 'completed' },
      ],
      requiresDevices: [
        { kind: 'path', path: '/dev/gradi-cam*' },
        { kind: 'usb', vendor: '2341', product: 'abcd', serial: 'A1' },
      ],
      health: { type: 'http', url: 'http://127.0.0.1:8080/', expectStatus: [204, 204] },
    });
  });

  it('defaults a dependency to healthy when it has a probe and to started when not', () => {
    const text = [
      '[services.db]',
      'command = "db"',
      'health = { type = "process" }',
      '[services.cache]',
      'command = "cache"',
      '[services.api]',
      'command = "api"',
      'dependencies = ["db", "cache"]',
    ].join('\n');
    expect(load(text).services[2].dependencies).toEqual([
      { name: 'db', condition: 'healthy' },
      { name: 'cache', condition: 'started' },
    ]);
  });

  it('resolves root, working_dir, venv, docs_dir and the log folder', () => {
    const text = 'root = ".."\n[services.api]\ncommand = "a"\nworking_dir = "api"\nvenv = ".venv"\n[sync]\n';
    const manifest = load(text);
    expect(manifest).toMatchObject({ file: FILE, root: '/srv', logDir: '/srv/show/logs' });
    expect(manifest.services[0]).toMatchObject({ workingDir: '/srv/api', venv: '/srv/.venv' });
    expect(manifest.sync).toEqual({ enabled: true, host: '127.0.0.1', port: 4444, docsDir: '/srv/docs' });
  });

  it('lets --root and --log-dir override the file', () => {
    const text = 'root = ".."\n[services.api]\ncommand = "a"\nworking_dir = "/opt/api"\n';
    const manifest = load(text, { root: '/data/gradi', logDir: '/var/log/show' });
    expect(manifest).toMatchObject({ root: '/data/gradi', logDir: '/var/log/show' });
    expect(manifest.services[0].workingDir).toBe('/opt/api');
  });

  it('reads [monitors] python as an interpreter, a virtual environment or a command, and says when there is none', () => {
    const root = mkdtempSync(join(tmpdir(), 'manifest-python-'));
    try {
      mkdirSync(join(root, 'venv', 'bin'), { recursive: true });
      writeFileSync(join(root, 'venv', 'bin', 'python3'), '#!/bin/sh\n', { mode: 0o755 });
      const at = (value: string) => `root = ${JSON.stringify(root)}\n[monitors]\npython = ${JSON.stringify(value)}\n`;
      expect(load(at('venv')).monitors?.python).toBe(join(root, 'venv', 'bin', 'python3'));
      expect(load(at('./venv/bin/python3')).monitors?.python).toBe(join(root, 'venv', 'bin', 'python3'));
      expect(load(at('sh')).monitors?.python).toMatch(/\/sh$/);
      expect(lines(at('missing/venv'))).toEqual([
        '3:10: monitors.python: no python interpreter at "missing/venv" (give an executable, a virtual environment\'s folder, or a command on PATH)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads [monitors] and leaves [sync] and [monitors] out when absent', () => {
    const text = [
      '[monitors]',
      'sync_url = "ws://127.0.0.1:4444"',
      'runtimes = { bash = "http://127.0.0.1:8000/mrp/v1", python = "http://127.0.0.1:8001/mrp/v1" }',
      'allowed_runtime_urls = ["http://127.0.0.1:8000/"]',
      'documents = ["notes", "show/run"]',
    ].join('\n');
    expect(load(text).monitors).toEqual({
      syncUrl: 'ws://127.0.0.1:4444',
      runtimes: { bash: 'http://127.0.0.1:8000/mrp/v1', python: 'http://127.0.0.1:8001/mrp/v1' },
      allowedRuntimeUrls: ['http://127.0.0.1:8000/'],
      documents: ['notes', 'show/run'],
    });
    expect(load('')).toEqual({ file: FILE, root: '/srv/show', logDir: '/srv/show/logs', logs: { maxBytes: 50 * 1024 * 1024, maxAgeMs: 14 * 86_400_000 }, services: [] });
  });

  it('reads [logs] retention and names a bad value by file, line and field', () => {
    expect(load('[logs]\nmax_size_mib = 200\nmax_age_days = 2.5').logs).toEqual({ maxBytes: 200 * 1024 * 1024, maxAgeMs: 2.5 * 86_400_000 });
    const result = parseManifest('[logs]\nmax_size_mib = "lots"\nmax_days = 3', FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.line, problem.field])).toEqual([
      [2, 'logs.max_size_mib'],
      [3, 'logs.max_days'],
    ]);
  });

  it('takes testing_command with --testing and command without', () => {
    const text = '[services.a]\ncommand = "run --kiosk"\ntesting_command = "run"\n[services.b]\ncommand = "b"\n';
    expect(load(text).services.map((s) => s.command)).toEqual(['run --kiosk', 'b']);
    expect(load(text, { testing: true }).services.map((s) => s.command)).toEqual(['run', 'b']);
  });
});

describe('parseManifest --services', () => {
  const text = [
    '[services.kokoro]',
    'command = "k"',
    '[services.vllm]',
    'command = "v"',
    'dependencies = ["tokenizer"]',
    '[services.tokenizer]',
    'command = "t"',
    '[services.mediate]',
    'command = "m"',
    'dependencies = ["vllm", "kokoro"]',
    '[services.compress]',
    'command = "c"',
  ].join('\n');

  it('selects the named services and their dependencies, transitively, in file order', () => {
    expect(load(text, { services: ['mediate'] }).services.map((s) => s.name)).toEqual([
      'kokoro',
      'vllm',
      'tokenizer',
      'mediate',
    ]);
    expect(load(text, { services: ['compress', 'vllm'] }).services.map((s) => s.name)).toEqual([
      'vllm',
      'tokenizer',
      'compress',
    ]);
  });

  it('reports an unknown name given to --services', () => {
    expect(lines(text, { services: ['mediat', 'nothing'] })).toEqual([
      '1:1: --services: no service named "mediat"; did you mean "mediate"?',
      '1:1: --services: no service named "nothing"',
    ]);
  });
});
