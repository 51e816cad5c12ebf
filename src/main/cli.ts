// `showrunner`: the plain-Node entry (no Electron). ARCHITECTURE.md §8 lists its commands.
import { runCli } from './run-cli';

void runCli(process.argv.slice(2)).then((code) => {
  if (code !== 'running') process.exit(code);
});
