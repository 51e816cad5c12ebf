// Services run as `bash -lc` (Gradi), which sources the user's login profile. On a developer's
// or CI machine that profile can do slow or locking work (pyenv's rehash lock, left behind when
// a test kills a shell mid-rehash, stalls every later login shell for a minute). Tests run with
// an empty HOME of their own (made by hermetic-home-global.ts) so they exercise our code, not
// the machine's dotfiles.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.SHOWRUNNER_TEST_HOME ??= mkdtempSync(join(tmpdir(), 'showrunner-home-'));
process.env.HOME = process.env.SHOWRUNNER_TEST_HOME;
