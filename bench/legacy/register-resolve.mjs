// `node --import ./register-resolve.mjs legacy/bin/cli.js`: see resolve-from-repo.mjs.
import { register } from 'node:module';

register('./resolve-from-repo.mjs', import.meta.url);
