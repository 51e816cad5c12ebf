// Renders the tray PNGs from tray.svg with headless Chromium (run from anywhere:
// `node resources/tray/render-tray-icons.mjs`; needs `chromium` on PATH or CHROMIUM_PATH).
// The outputs are committed; src/main/app/tray-icon.ts says which file is used where.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const chromium = process.env.CHROMIUM_PATH || 'chromium';
const master = readFileSync(join(here, 'tray.svg'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
const work = mkdtempSync(join(tmpdir(), 'tray-icons-'));

// The alert badge replaces the bottom-right node: a bigger disc with an exclamation mark cut
// out, so it reads in one colour too (macOS template images are alpha only).
const BADGE_NODE = '<circle cx="12.6" cy="12.2" r="2.4" stroke="none"/>';
function variant(glyph, { alert, badge }) {
  let svg = master.replaceAll('#e5e9f0', glyph);
  if (!alert) return svg;
  const mask =
    '<mask id="bang"><rect width="16" height="16" fill="white"/>' +
    '<rect x="11.85" y="8.6" width="1.5" height="3.9" rx="0.6" fill="black"/><circle cx="12.6" cy="14.1" r="0.85" fill="black"/></mask>';
  svg = svg.replace(BADGE_NODE, '');
  return svg.replace('</svg>', `<defs>${mask}</defs><circle cx="12.4" cy="11.6" r="4.2" fill="${badge}" mask="url(#bang)"/></svg>`);
}

function render(svg, size, out) {
  const sized = svg.replace('width="16" height="16"', `width="${size}" height="${size}" style="display:block"`);
  const page = join(work, 'icon.html');
  writeFileSync(page, `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
  execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--default-background-color=00000000', `--window-size=${size},${size}`, `--screenshot=${out}`, `file://${page}`], { stdio: 'ignore' });
}

const themes = { dark: '#e5e9f0', light: '#1b2029' };
try {
  for (const [panel, glyph] of Object.entries(themes)) {
    for (const alert of [false, true]) {
      const svg = variant(glyph, { alert, badge: '#e5484d' });
      for (const size of [16, 22, 32]) {
        const base = `tray-${panel}${alert ? '-alert' : ''}-${size}`;
        render(svg, size, join(here, `${base}.png`));
        render(svg, size * 2, join(here, `${base}@2x.png`));
      }
    }
  }
  for (const alert of [false, true]) {
    const svg = variant('#000000', { alert, badge: '#000000' });
    const base = alert ? 'trayAlertTemplate' : 'trayTemplate';
    render(svg, 16, join(here, `${base}.png`));
    render(svg, 32, join(here, `${base}@2x.png`));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
