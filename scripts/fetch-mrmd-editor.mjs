#!/usr/bin/env node
// Fetches the real mrmd editor (issue 24) into vendor/mrmd-editor/ (git-ignored): the bundle
// `editor/mrmd.iife.js` of the npm package mrmd-electron (MIT), its LICENSE and the three fonts
// the bundle's @font-face rules load from `./assets/fonts/`. The package cannot be an npm
// dependency (its own dependency mrmd-jupyter-bridge is not on the registry), so we take its
// tarball with `npm pack`, check it against the pinned integrity, and read only those files.
//
// Idempotent: a stamp names the version and integrity; when it matches and the files are there
// it exits at once. MRMD_EDITOR_TARBALL=/path/to/mrmd-electron-0.5.4.tgz skips the download;
// MRMD_EDITOR_DIR and MRMD_EDITOR_CACHE move the vendor folder and the tarball cache (tests).
// Offline it prints one line and exits 1; with --optional (npm start/serve/build) it exits 0,
// and `showrunner mrmd` then serves a page that says how to get the editor.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const PACKAGE = 'mrmd-electron';
export const VERSION = '0.5.4';
export const INTEGRITY = 'sha512-jFRTxW+w6ravDiZFIJCP6rCTtTxmeJAlQEkQM/7D6zHM7Hm1O9DEccZyL7Ic+EZ18pM42hBMAOOnVoWK0z1nSQ==';
/** Tarball path → path under the vendor folder. */
export const FILES = {
  'package/editor/mrmd.iife.js': 'mrmd.iife.js',
  'package/LICENSE': 'LICENSE',
  'package/assets/fonts/MonaspaceNeon-Variable.woff2': 'assets/fonts/MonaspaceNeon-Variable.woff2',
  'package/assets/fonts/Literata-Variable.ttf': 'assets/fonts/Literata-Variable.ttf',
  'package/assets/fonts/Literata-Italic-Variable.ttf': 'assets/fonts/Literata-Italic-Variable.ttf',
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = '.stamp';

/** Reads the named regular files out of a gzipped tar (ustar, as npm writes it). */
export function extractFromTarball(gzipped, wanted) {
  const tar = gunzipSync(gzipped);
  const found = new Map();
  let longName = null;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = null;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    name = name.replace(/^\.\//, '');
    if ((type === '0' || type === '') && wanted.includes(name)) found.set(name, Buffer.from(body));
  }
  return found;
}

export function integrityOf(bytes) {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function stampText() {
  return `${PACKAGE}@${VERSION} ${INTEGRITY}\n`;
}

export function isInstalled(vendorDir) {
  try {
    if (readFileSync(join(vendorDir, STAMP), 'utf8') !== stampText()) return false;
  } catch {
    return false;
  }
  return Object.values(FILES).every((file) => existsSync(join(vendorDir, file)));
}

/** The tarball's bytes: MRMD_EDITOR_TARBALL, else the cache, else `npm pack` into the cache. */
function readTarball(cacheDir, env) {
  if (env.MRMD_EDITOR_TARBALL) return readFileSync(env.MRMD_EDITOR_TARBALL);
  const cached = join(cacheDir, `${PACKAGE}-${VERSION}.tgz`);
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = spawnSync(npm, ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', cacheDir, '--loglevel', 'error'], { encoding: 'utf8', env, shell: process.platform === 'win32' });
    if (packed.status !== 0 || !existsSync(cached)) {
      const text = `${packed.error?.message ?? ''}\n${packed.stderr ?? ''}`;
      const why = /reason: ([^\n]*)/.exec(text)?.[1] ?? text.split('\n').map((line) => line.trim()).find(Boolean);
      throw new Error(`npm pack ${PACKAGE}@${VERSION} failed (${why ?? `exit ${packed.status}`})`);
    }
  }
  return readFileSync(cached);
}

export function fetchMrmdEditor({ env = process.env, vendorDir = env.MRMD_EDITOR_DIR || join(repoRoot, 'vendor', 'mrmd-editor'), cacheDir = env.MRMD_EDITOR_CACHE || join(repoRoot, 'node_modules', '.cache', 'mrmd-editor') } = {}) {
  if (isInstalled(vendorDir)) return { fetched: false, vendorDir };
  const tarball = readTarball(cacheDir, env);
  const actual = integrityOf(tarball);
  if (actual !== INTEGRITY) {
    if (!env.MRMD_EDITOR_TARBALL) rmSync(join(cacheDir, `${PACKAGE}-${VERSION}.tgz`), { force: true });
    throw new Error(`${PACKAGE}@${VERSION} tarball has integrity ${actual}, expected the pinned ${INTEGRITY}`);
  }
  const files = extractFromTarball(tarball, Object.keys(FILES));
  const missing = Object.keys(FILES).filter((name) => !files.has(name));
  if (missing.length) throw new Error(`${PACKAGE}@${VERSION} tarball lacks ${missing.join(', ')}`);
  // Written beside and renamed in, so an interrupted run never leaves a half folder that passes.
  const staging = `${vendorDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [from, to] of Object.entries(FILES)) {
    mkdirSync(dirname(join(staging, to)), { recursive: true });
    writeFileSync(join(staging, to), files.get(from));
  }
  writeFileSync(join(staging, STAMP), stampText());
  rmSync(vendorDir, { recursive: true, force: true });
  mkdirSync(dirname(vendorDir), { recursive: true });
  renameSync(staging, vendorDir);
  return { fetched: true, vendorDir };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const optional = process.argv.includes('--optional');
  try {
    const { fetched, vendorDir } = fetchMrmdEditor();
    if (fetched) process.stderr.write(`showrunner: mrmd editor ${PACKAGE}@${VERSION} (MIT) fetched into ${vendorDir}\n`);
  } catch (error) {
    process.stderr.write(`showrunner: cannot get the mrmd editor: ${error.message}; connect once or set MRMD_EDITOR_TARBALL=/path/to/${PACKAGE}-${VERSION}.tgz${optional ? ' (continuing without it; `showrunner mrmd` will say so)' : ''}\n`);
    process.exit(optional ? 0 : 1);
  }
}
