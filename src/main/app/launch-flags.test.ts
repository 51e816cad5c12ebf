import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../parse-cli-args';
import { serveFlags } from '../serve-flags';
import { headlessServeArgs, parseLaunchFlags } from './launch-flags';

describe('parseLaunchFlags', () => {
  it('reads --hidden and --headless among other arguments', () => {
    expect(parseLaunchFlags(['--config', 'x.toml'])).toEqual({ hidden: false, headless: false, cliArgv: null });
    expect(parseLaunchFlags(['--hidden', '--config', 'x.toml'])).toEqual({ hidden: true, headless: false, cliArgv: null });
    expect(parseLaunchFlags(['--headless', '--ozone-platform=headless', '--config', 'x.toml'])).toEqual({
      hidden: false,
      headless: true,
      cliArgv: ['serve', '--config', 'x.toml'],
    });
  });

  it('treats `serve` as the first word like --headless, so the installed binary answers `showrunner serve`', () => {
    expect(parseLaunchFlags(['--ozone-platform=headless', 'serve', '--port', '0'])).toMatchObject({ headless: true, cliArgv: ['serve', '--port', '0'] });
    expect(parseLaunchFlags(['--config', 'serve']).headless).toBe(false);
  });

  it('runs other CLI commands windowless too, as the deb links the app as /usr/bin/showrunner', () => {
    expect(parseLaunchFlags(['--ozone-platform=headless', 'status', '--json', '--no-sandbox'])).toEqual({ hidden: false, headless: true, cliArgv: ['status', '--json'] });
    expect(parseLaunchFlags(['restart', 'api']).cliArgv).toEqual(['restart', 'api']);
    expect(parseLaunchFlags(['url']).cliArgv).toEqual(['url']);
    expect(parseLaunchFlags(['check', '/srv/services.toml']).cliArgv).toEqual(['check', '/srv/services.toml']);
    expect(parseLaunchFlags(['/home/op/show.toml']).cliArgv).toBeNull();
    // The built-in parts, so a packaged app could run them with its own binary.
    expect(parseLaunchFlags(['--ozone-platform=headless', 'sync-server', '--port', '4444']).cliArgv).toEqual(['sync-server', '--port', '4444']);
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
