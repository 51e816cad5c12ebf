import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditArgs } from './audit-args';
import { AuditLog, auditFilePath } from './audit-log';

const caller = { role: 'operator' as const, transport: 'rest' as const, address: '127.0.0.1' };

describe('auditArgs', () => {
  it('names what was acted on and keeps no value that may be a secret', () => {
    expect(auditArgs({ name: 'web' })).toEqual({ name: 'web' });
    expect(auditArgs({ doc: 'notes', id: 'x1', text: 'hunter2' })).toEqual({ doc: 'notes', id: 'x1', text: '…' });
    const added = auditArgs({ name: 'api', command: 'run --password=s3cret', env: { API_KEY: 's3cret' } });
    expect(added).toEqual({ name: 'api', command: '…', env: '{API_KEY}' });
    expect(JSON.stringify(auditArgs({ name: 'web', changes: { env: { TOKEN: 's3cret' } } }))).not.toContain('s3cret');
    expect(auditArgs({})).toBeUndefined();
    expect(auditArgs('text')).toBeUndefined();
  });
});

describe('AuditLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says each entry in the log, keeps it in memory and appends it to the file (0600)', async () => {
    const said: string[] = [];
    let now = 1_000;
    const file = auditFilePath(dir);
    const audit = new AuditLog({ file, say: (line) => said.push(line), now: () => now });
    audit.record({ ...caller, action: 'services.restart', args: { name: 'web' }, result: 'ok' });
    now = 2_000;
    audit.record({ ...caller, role: 'viewer', address: '10.0.0.7', action: 'services.stop', args: { name: 'web' }, result: 'denied', message: 'read-only' });
    await audit.flushed();
    expect(said).toEqual(['audit: operator services.restart name=web from 127.0.0.1 (rest): ok', 'audit: viewer services.stop name=web from 10.0.0.7 (rest): denied (read-only)']);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((entry) => [entry.role, entry.action, entry.result, entry.time])).toEqual([
      ['operator', 'services.restart', 'ok', new Date(1_000).toISOString()],
      ['viewer', 'services.stop', 'denied', new Date(2_000).toISOString()],
    ]);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(audit.list({ since: 1_500 }).map((entry) => entry.action)).toEqual(['services.stop']);
    expect(audit.list({ limit: 1 }).map((entry) => entry.action)).toEqual(['services.stop']);
  });

  it('reads the previous runs back, skipping a line cut short, and stays bounded', async () => {
    const file = auditFilePath(dir);
    const first = new AuditLog({ file, say: () => {} });
    for (let i = 0; i < 5; i++) first.record({ ...caller, action: `call.${i}`, result: 'ok' });
    await first.flushed();
    await writeFile(file, (await readFile(file, 'utf8')) + '{"at": 12, "acti');
    const second = new AuditLog({ file, say: () => {}, maxEntries: 3 });
    await second.load();
    expect(second.list().map((entry) => entry.action)).toEqual(['call.2', 'call.3', 'call.4']);
    second.record({ ...caller, action: 'call.5', result: 'error', message: 'no service x' });
    expect(second.list().map((entry) => entry.action)).toEqual(['call.3', 'call.4', 'call.5']);
  });

  it('moves a full file aside instead of growing without end', async () => {
    const file = auditFilePath(dir);
    const audit = new AuditLog({ file, say: () => {}, maxFileBytes: 600 });
    for (let i = 0; i < 10; i++) audit.record({ ...caller, action: `call.${i}`, result: 'ok' });
    await audit.flushed();
    expect((await stat(file)).size).toBeLessThanOrEqual(600);
    // One older generation is kept: the newest entries are in the file, those before in audit.1.jsonl.
    const actions = (text: string) => text.trim().split('\n').map((line) => (JSON.parse(line) as { action: string }).action);
    const current = actions(await readFile(file, 'utf8'));
    const older = actions(await readFile(join(dir, 'audit.1.jsonl'), 'utf8'));
    expect(current.at(-1)).toBe('call.9');
    expect(Number(older.at(-1)!.slice(5)) + 1).toBe(Number(current[0].slice(5)));
  });
});
