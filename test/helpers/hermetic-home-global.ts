// One empty HOME for the whole test run (see hermetic-home.ts), made before the workers start
// so they inherit it, and removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const home = mkdtempSync(join(tmpdir(), 'showrunner-home-'));
  process.env.SHOWRUNNER_TEST_HOME = home;
  return () => rmSync(home, { recursive: true, force: true });
}
