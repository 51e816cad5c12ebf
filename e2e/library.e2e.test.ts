// `import { createOrchestrator } from 'showrunner'` (issue 17): the README's example, taken from
// the README itself, run as its own Node process against the built package (the import goes
// through package.json `exports`, as a consumer's would), with the types the exports name.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/daemon-process';

function readmeExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /<!-- library-example[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(readme);
  if (!match) throw new Error('README has no library example block');
  return match[1];
}

describe('the engine as a library', () => {
  it('runs the README example: start, add a service, read the status, stop', { timeout: 120_000 }, async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './out/types/main/library.d.ts', default: './out/main/library.js' });
    expect(readFileSync(join(repoRoot, pkg.exports['.'].types), 'utf8')).toMatch(/export declare function createOrchestrator/);

    // Inside the package folder, so `showrunner` resolves to this package by its own exports.
    const file = join(repoRoot, 'out', `library-example-${process.pid}.mjs`);
    await writeFile(file, readmeExample());
    try {
      const child = spawn(process.execPath, [file], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, stderr).toBe(0);
      expect(stdout.trim().split('\n').sort()).toEqual(['clock: running', 'web: running']);
    } finally {
      if (existsSync(file)) await rm(file);
    }
  });
});
