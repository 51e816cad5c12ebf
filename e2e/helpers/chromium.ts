// Debian's Chromium driven by playwright-core (no browser download). The flags keep it off the
// network, which this machine does not have anyway.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

/** `extraArgs`: e.g. `--ignore-certificate-errors-spki-list=HASH`, which trusts one key (a pin), not any. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Git-ignored; SHOWRUNNER_SCREENSHOT_DIR puts them elsewhere (/tmp/shots) to look at. */
export const screenshotDir = process.env.SHOWRUNNER_SCREENSHOT_DIR ?? join(import.meta.dirname, '..', 'screenshots');
