import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../cli/parse-cli-args';
import { serveFlags } from '../cli/serve-command';
import { headlessServeArgs, parseLaunchFlags } from './launch-flags';

describe('parseLaunchFlags', () => {
  it('reads --hidden and --headless among other arguments', () => {
    expect(parseLaunchFlags(['--config', 'x.toml'])).toEqual({ hidden: false, headless: false });
    expect(parseLaunchFlags(['--hidden', '--config', 'x.toml'])).toEqual({ hidden: true, headless: false });
    expect(parseLaunchFlags(['--headless', '--ozone-platform=headless'])).toEqual({ hidden: false, headless: true });
  });

  it('treats `serve` as the first word like --headless, so the installed binary answers `showrunner serve`', () => {
    expect(parseLaunchFlags(['--ozone-platform=headless', 'serve', '--port', '0']).headless).toBe(true);
    expect(parseLaunchFlags(['--config', 'serve']).headless).toBe(false);
    expect(headlessServeArgs(['serve', '--port', '0'])).toEqual(['--port', '0']);
  });
});

describe('headlessServeArgs', () => {
  it('keeps serve’s own flags with their values and drops Chromium’s switches and ours', () => {
    const argv = ['--headless', '--ozone-platform=headless', '--no-sandbox', '--config', '/srv/services.toml', '--services', 'api', 'display', '--testing', '--port=7421', '--token', 'T', '--disable-gpu'];
    const args = headlessServeArgs(argv);
    expect(args).toEqual(['--config', '/srv/services.toml', '--services', 'api', 'display', '--testing', '--port=7421', '--token', 'T']);
    expect(() => parseCliArgs(args, serveFlags)).not.toThrow();
  });

  it('drops the app folder Electron passes in development', () => {
    expect(headlessServeArgs(['.', '--headless', '--log-dir', '/var/log/showrunner'])).toEqual(['--log-dir', '/var/log/showrunner']);
  });
});
