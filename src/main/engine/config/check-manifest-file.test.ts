import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkManifestFile } from './check-manifest-file';

const GRADI = fileURLToPath(new URL('../../../../test/fixtures/manifests/gradi.toml', import.meta.url));

describe('checkManifestFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-check-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 saying the file is ok and how many services it defines', async () => {
    expect(await checkManifestFile(GRADI)).toEqual({ exitCode: 0, lines: [`${GRADI}: ok (5 services)`] });
  });

  it('exits 1 with one FILE:LINE:COL: FIELD: message line per problem, as the file was named', async () => {
    const file = join(dir, 'services.toml');
    await writeFile(file, '[services.api]\ncommand = "run"\nrestart = "sometimes"\nstop_timeout_seconds = -2\n');
    expect(await checkManifestFile(file)).toEqual({
      exitCode: 1,
      lines: [
        `${file}:3:11: services.api.restart: "sometimes" is not one of "always", "on-failure", "never"`,
        `${file}:4:24: services.api.stop_timeout_seconds: must be at least 0`,
      ],
    });
  });

  it('exits 1 for a file that does not exist', async () => {
    const file = join(dir, 'missing.toml');
    expect(await checkManifestFile(file)).toEqual({ exitCode: 1, lines: [`${file}:1:1: file: no such file`] });
  });
});
