// The Electron security checklist and the installer configuration, checked without Electron
// (issue 11): the window's webPreferences, the CSP, the IPC sender rule, and the keys of
// electron-builder.yml that security and the packaged app rely on. The handlers that need a
// running Electron (window-open, navigation, permission denial) are in security.ts and are
// exercised by the Electron e2e spec where a binary exists.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererCsp } from '../../shared/csp';
import { parseCliArgs } from '../parse-cli-args';
import { serveFlags } from '../serve-flags';
import { parseLaunchFlags } from './launch-flags';
import { mainWindowWebPreferences } from './main-window-preferences';
import { checkSender, isAppUrl } from './sender-policy';

const repo = join(__dirname, '..', '..', '..');

describe('the main window', () => {
  const prefs = mainWindowWebPreferences('/app/out/preload/index.cjs');

  it('is sandboxed and isolated, with no Node anywhere in the page', () => {
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('keeps web security on, and allows no webviews, insecure content or experimental features', () => {
    expect(prefs).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, navigateOnDragDrop: false });
  });

  it('loads the one CommonJS preload', () => {
    expect(prefs.preload).toMatch(/preload[\\/]index\.cjs$/);
  });
});

describe('the renderer CSP', () => {
  const directives = new Map(rendererCsp(null).split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const));

  it('allows scripts only from our origin, never eval or inline', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(rendererCsp('ws://127.0.0.1:7420')).not.toMatch(/unsafe-eval/);
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });

  it('forbids plugins, framing, base and form targets', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });
});

describe('IPC senders and navigation', () => {
  it('accept only the top-level frame of app://showrunner', () => {
    expect(checkSender({ frameUrl: 'app://showrunner/index.html', isMainFrame: true }).ok).toBe(true);
    expect(checkSender({ frameUrl: 'app://showrunner/index.html', isMainFrame: false }).ok).toBe(false);
    expect(checkSender({ frameUrl: 'https://example.com/', isMainFrame: true }).ok).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
  });
});

describe('electron-builder.yml', () => {
  const config = readYaml(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or inspect; asar integrity on and only from asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('builds AppImage and deb, nsis and dmg, each with an icon that exists', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const platform of ['linux', 'win', 'mac']) expect(existsSync(join(repo, config[platform].icon)), `${platform} icon`).toBe(true);
  });

  it('depends on bookworm’s package names, not libappindicator3-1', () => {
    const depends: string[] = config.deb.depends;
    expect(depends).not.toContain('libappindicator3-1');
    expect(depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libnotify4', 'libgbm1', 'libasound2', 'libayatana-appindicator3-1']));
  });

  it('unpacks the native modules from the asar', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/usb/**', 'node_modules/node-pty/**']));
  });

  it('ships the demo manifest, the icons, the tray icons and the systemd unit as extra resources', () => {
    const resources = config.extraResources as { from: string; to: string }[];
    const to = Object.fromEntries(resources.map((entry) => [entry.to, entry.from]));
    expect(to).toMatchObject({ demo: 'resources/demo', 'icon.png': 'resources/icon.png', tray: 'resources/tray', linux: 'resources/linux' });
    // The fetched editor exists only once its script ran (the next case checks every path runs it).
    for (const entry of resources.filter((resource) => resource.from !== 'vendor/mrmd-editor')) expect(existsSync(join(repo, entry.from)), entry.from).toBe(true);
    expect(existsSync(join(repo, 'resources/demo/services.toml'))).toBe(true);
    expect(existsSync(join(repo, 'resources/linux/showrunner.service'))).toBe(true);
  });

  it('has a package script that builds the installers for this platform', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(pkg.scripts.package).toMatch(/electron-vite build && electron-builder/);
  });

  it('ships the fetched mrmd editor, which every build, start and test path fetches first (issue 24)', () => {
    const resources = config.extraResources as { from: string; to: string }[];
    expect(resources).toContainEqual({ from: 'vendor/mrmd-editor', to: 'mrmd-editor' });
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    for (const script of ['package', 'test', 'build', 'serve', 'start']) expect(pkg.scripts[script], script).toMatch(/^node scripts\/fetch-mrmd-editor\.mjs( --optional)? && /);
    expect(pkg.dependencies['mrmd-electron']).toBeUndefined();
    expect(readFileSync(join(repo, '.ci', 'run'), 'utf8')).toMatch(/^node scripts\/fetch-mrmd-editor\.mjs$/m);
  });
});

describe('the systemd user unit', () => {
  const unit = readFileSync(join(repo, 'resources/linux/showrunner.service'), 'utf8');

  it('runs the app windowless, stops with SIGTERM and starts with the user manager', () => {
    expect(unit).toMatch(/^ExecStart=\S+ --headless --ozone-platform=headless .*--config /m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toMatch(/^WantedBy=default\.target$/m);
  });

  it('has an ExecStart the app reads as `serve` with arguments serve accepts', () => {
    const argv = unit.match(/^ExecStart=(.*)$/m)![1].split(/\s+/).slice(1);
    const launch = parseLaunchFlags(argv);
    expect(launch.headless).toBe(true);
    expect(launch.cliArgv?.[0]).toBe('serve');
    const parsed = parseCliArgs(launch.cliArgv!.slice(1), serveFlags);
    expect(parsed.flags.config).toBe('%h/showrunner/services.toml');
    expect(parsed.positionals).toEqual([]);
  });
});

/**
 * Enough YAML for electron-builder.yml (the `yaml` package is not a dependency): nested
 * mappings by indentation, block lists of scalars or mappings, flow lists, quoted strings,
 * booleans, numbers and comments.
 */
function readYaml(text: string): unknown {
  const lines = text
    .split('\n')
    .map((raw) => raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, ''))
    .filter((line) => line.trim() !== '')
    .map((line) => ({ indent: line.length - line.trimStart().length, text: line.trim() }));
  let index = 0;

  function scalar(value: string): unknown {
    if (value.startsWith('[') && value.endsWith(']')) return value.slice(1, -1).split(',').map((part) => scalar(part.trim())).filter((part) => part !== '');
    if (/^'.*'$|^".*"$/.test(value)) return value.slice(1, -1);
    if (value === 'true' || value === 'false') return value === 'true';
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return value;
  }

  function block(indent: number): unknown {
    if (lines[index]?.text.startsWith('- ')) {
      const list: unknown[] = [];
      while (index < lines.length && lines[index].indent === indent && lines[index].text.startsWith('- ')) {
        const item = lines[index].text.slice(2);
        if (/^[\w.-]+:(\s|$)/.test(item)) {
          // "- key: value" starts a mapping whose further keys sit two columns in.
          lines[index] = { indent: indent + 2, text: item };
          list.push(block(indent + 2));
        } else {
          list.push(scalar(item));
          index++;
        }
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    while (index < lines.length && lines[index].indent === indent && !lines[index].text.startsWith('- ')) {
      const { text: line } = lines[index++];
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim();
      const rest = line.slice(colon + 1).trim();
      if (rest !== '') map[key] = scalar(rest);
      else if (index < lines.length && lines[index].indent > indent) map[key] = block(lines[index].indent);
      else if (index < lines.length && lines[index].indent === indent && lines[index].text.startsWith('- ')) map[key] = block(indent);
      else map[key] = null;
    }
    return map;
  }

  return block(0);
}
