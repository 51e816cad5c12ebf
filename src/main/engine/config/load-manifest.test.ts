import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifest } from './load-manifest';

const GRADI = fileURLToPath(new URL('../../../../test/fixtures/manifests/gradi.toml', import.meta.url));
const FIXTURES = resolve(GRADI, '../..');

describe('loadManifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-manifest-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the Gradi manifest with root, [defaults], venvs, probes and devices, normalized', async () => {
    const result = await loadManifest(GRADI);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { manifest } = result;
    expect(manifest).toMatchObject({ file: GRADI, root: FIXTURES, logDir: join(FIXTURES, 'manifests/logs') });
    expect(manifest.sync).toBeUndefined();
    expect(manifest.monitors).toBeUndefined();
    const [vllm, kokoro, mediate, calibrate, compress] = manifest.services;
    expect(manifest.services.map((s) => s.name)).toEqual([
      'vllm',
      'kokoro',
      'gradi-mediate',
      'gradi-calibrate',
      'gradi-compress',
    ]);
    expect(vllm).toMatchObject({
      displayName: 'vLLM (Qwen 2.5 7B)',
      workingDir: join(FIXTURES, 'services/vllm'),
      venv: join(FIXTURES, 'services/vllm/.venv'),
      command:
        '/home/joey/.local/bin/uv run vllm serve Qwen/Qwen2.5-7B-Instruct --port 8001 --gpu-memory-utilization 0.55 --max-model-len 8192\n',
      restartDelayMs: 15_000,
      stopTimeoutMs: 10_000,
      health: {
        type: 'http',
        url: 'http://127.0.0.1:8001/v1/models',
        expectStatus: [200, 399],
        timing: { intervalMs: 10_000, timeoutMs: 3500, initialDelayMs: 60_000, failureThreshold: 5, successThreshold: 1 },
      },
    });
    expect(kokoro.health).toMatchObject({ type: 'tcp', host: '127.0.0.1', port: 8880 });
    expect(kokoro.restartDelayMs).toBe(5000);
    expect(mediate).toMatchObject({
      dependencies: [
        { name: 'vllm', condition: 'healthy' },
        { name: 'kokoro', condition: 'healthy' },
      ],
      requiresDevices: [{ kind: 'path', path: '/dev/gradi-esp-mediate' }],
      deviceRestartPolicy: 'immediate',
      restart: 'always',
    });
    expect(calibrate).toMatchObject({
      venv: join(FIXTURES, '.venv'),
      command: 'python calibrate.py --lang fr --lat 48.85 --lon 2.35',
    });
    expect(compress).toMatchObject({ deviceRestartPolicy: 'on_reconnect', restartDelayMs: 2000 });
    expect(compress.venv).toBeUndefined();
  });

  it('runs the Gradi testing commands with --testing and keeps the dependencies of --services', async () => {
    const result = await loadManifest(GRADI, { testing: true, services: ['gradi-mediate', 'gradi-compress'] });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.manifest.services.map((s) => [s.name, s.command])).toEqual([
      ['vllm', expect.stringContaining('vllm serve')],
      ['kokoro', 'python -m kokoro_server --host 127.0.0.1 --port 8880'],
      ['gradi-mediate', 'source ~/.nvm/nvm.sh && npm run start -- --lang fr --voice ff_siwis'],
      ['gradi-compress', 'python compress.py'],
    ]);
  });

  it('reports a missing file at 1:1', async () => {
    const file = join(dir, 'nope.toml');
    expect(await loadManifest(file)).toEqual({
      ok: false,
      problems: [{ file, line: 1, column: 1, field: 'file', message: 'no such file' }],
    });
  });

  it('reports a folder given as the manifest', async () => {
    await mkdir(join(dir, 'services.toml'));
    const result = await loadManifest(join(dir, 'services.toml'));
    expect(result).toMatchObject({ ok: false, problems: [{ line: 1, column: 1, field: 'file' }] });
  });

  it('reports bytes that are not UTF-8 at their line and column', async () => {
    const file = join(dir, 'services.toml');
    const bytes = Buffer.concat([
      Buffer.from('[services.api]\ncommand = "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"\n'),
    ]);
    await writeFile(file, bytes);
    expect(await loadManifest(file)).toEqual({
      ok: false,
      problems: [
        { file, line: 2, column: 15, field: 'encoding', message: 'invalid UTF-8 (byte 0xe9); save the file as UTF-8' },
      ],
    });
  });

  it('reads a file saved with a byte order mark and CRLF line ends', async () => {
    const file = join(dir, 'services.toml');
    await writeFile(file, '\uFEFF[services.api]\r\ncommand = "run"\r\n');
    const result = await loadManifest(file);
    expect(result.ok && result.manifest.services.map((s) => s.command)).toEqual(['run']);
  });
});
