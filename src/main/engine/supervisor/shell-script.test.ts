import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellScript } from './shell-script';

describe('shellQuote', () => {
  it('gives bash back the very word, quotes, spaces and dollars included', () => {
    for (const word of ["it's", 'a b', '$HOME `x` "y"', "''", '']) {
      const echoed = spawnSync('bash', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(echoed.stdout).toBe(word);
    }
  });

  it('activates a venv with a quoted path before the command', () => {
    expect(shellScript('python app.py', "/srv/my venv")).toBe("source '/srv/my venv/bin/activate' && python app.py");
    expect(shellScript('python app.py')).toBe('python app.py');
  });
});
