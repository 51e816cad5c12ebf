// Whatever an operator types, saves half-way or pipes in by mistake, the loader answers with a
// LoadResult: a manifest, or problems at real positions. Never an exception.
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from './manifest-types';
import { loadManifest } from './load-manifest';
import { parseManifest } from './parse-manifest';
import { SERVICE_KEYS } from './read-service';
import { SCHEDULE_KEYS } from './read-schedules';
import { HEALTH_KEYS } from './read-health';

const GRADI_PATH = fileURLToPath(new URL('../../../../test/fixtures/manifests/gradi.toml', import.meta.url));
const FILE = '/srv/show/services.toml';
const RUNS = 200;

function expectWellFormed(result: LoadResult, text: string): void {
  if (result.ok) {
    expect(Array.isArray(result.manifest.services)).toBe(true);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  const lineCount = text.split(/\r\n|\n|\r/).length;
  for (const problem of result.problems) {
    // The loader's last-resort catch names the field `manifest`: reaching it is a bug of ours.
    expect(problem.field, problem.message).not.toBe('manifest');
    expect(problem.file).toBe(FILE);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lineCount + 1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(typeof problem.field).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

const TOKENS = [
  '[', ']', '[[', ']]', '{', '}', '=', ',', '.', '"', "'", '"""', "'''", '\n', ' ', '#', '\\',
  'services', 'api', 'db', 'health', 'sync', 'monitors', 'defaults', 'root', 'command', 'dependencies',
  'requires_devices', 'usb', 'vendor', 'type', 'port', 'url', 'name', 'condition', 'env',
  '1', '-1', '1e999', '0x10', '3.5', 'inf', 'nan', 'true', 'false', '1979-05-27', '99999999999999999999',
  '"x"', '"http://127.0.0.1:1/"', '"tcp"', '"healthy"', '\u00e9', '\uFEFF', '\r\n', '\t',
];

describe('parseManifest under random input', () => {
  let gradi: string;
  beforeAll(async () => {
    gradi = await readFile(GRADI_PATH, 'utf8');
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expectWellFormed(parseManifest(text, FILE), text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on random sequences of TOML tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }), (tokens) => {
        const text = tokens.join('');
        expectWellFormed(parseManifest(text, FILE, { services: ['api'], testing: true }), text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on random edits of the Gradi manifest', () => {
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = gradi;
        for (const { at, cut, insert } of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + insert + text.slice(position + cut);
        }
        expectWellFormed(parseManifest(text, FILE), text);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on valid TOML with random values under every known key', () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 8 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constantFrom('http', 'tcp', 'exec', 'process', 'always', 'SIGTERM', 'api', '/dev/x', 'http://h/'),
        fc.constantFrom('gallery', 'tue-sun 10:00-18:00', 'sat-mon 22:00-02:00', '04:00', '24:00', 'Europe/Paris', 'Mars/Olympus', '2026-12-25', '2026-02-30'),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('name', 'condition', 'usb', 'vendor', 'product', 'x'), tie('value'), {
          maxKeys: 3,
        }),
      ),
    })).value;
    const service = fc.dictionary(fc.constantFrom(...SERVICE_KEYS, 'unknown'), value, { maxKeys: 8 });
    const health = fc.dictionary(fc.constantFrom(...HEALTH_KEYS), value, { maxKeys: 6 });
    const document = fc.record({
      services: fc.dictionary(
        fc.constantFrom('api', 'db', 'web', 'API', 'orchestrator', 'a b'),
        fc.tuple(service, health).map(([s, h]) => ({ ...s, health: h })),
        { maxKeys: 4 },
      ),
      sync: fc.dictionary(fc.constantFrom('enabled', 'host', 'port', 'docs_dir'), value, { maxKeys: 4 }),
      monitors: fc.dictionary(fc.constantFrom('sync_url', 'runtimes', 'documents'), value, { maxKeys: 3 }),
      schedules: fc.dictionary(fc.constantFrom('gallery', 'night'), fc.dictionary(fc.constantFrom(...SCHEDULE_KEYS, 'unknown'), value, { maxKeys: 3 }), { maxKeys: 2 }),
    });
    fc.assert(
      fc.property(document, (doc) => {
        let text: string;
        try {
          text = stringify(doc);
        } catch {
          return; // smol-toml cannot write every shape (NaN keys, mixed arrays); not our concern
        }
        expectWellFormed(parseManifest(text, FILE), text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('loadManifest under random bytes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'showrunner-bytes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports bytes that are not UTF-8 exactly when a strict decoder rejects them', async () => {
    const file = join(dir, 'services.toml');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        await writeFile(file, bytes);
        const result = await loadManifest(file);
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        const encoding = !result.ok && result.problems.some((problem) => problem.field === 'encoding');
        expect(encoding).toBe(!valid);
      }),
      { numRuns: 100 },
    );
  });
});
