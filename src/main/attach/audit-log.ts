// Who changed what, when and from where (issue 18): every call that changes something, from
// any role, and every viewer refusal. Each entry goes to the orchestrator log as a line, to a
// bounded list in memory for `GET /api/audit`, and as one JSON line to `<logDir>/audit.jsonl`
// (per instance, as its logs), so the record survives restarts; the file is cut over to
// `audit.1.jsonl` past maxFileBytes. The last entries are read back on start.
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Role } from '../../shared/method-access';
import { ORCHESTRATOR_LOG } from '../../shared/reserved-names';
import type { LogStore } from '../engine/logs/log-store';

export interface AuditEntry {
  /** Milliseconds since the epoch, and the same as ISO text for people. */
  at: number;
  time: string;
  role: Role;
  /** `ipc`: the desktop app's own window, on an engine the app supervises itself. */
  transport: 'rest' | 'websocket' | 'ipc';
  /** The peer's address as the socket saw it (`desktop app` for `ipc`). */
  address: string;
  /** A contract method (`services.restart`) or, for a refused REST route, `POST /api/…`. */
  action: string;
  args?: Record<string, string>;
  result: 'ok' | 'denied' | 'error';
  /** The refusal's or the error's message. */
  message?: string;
}

export interface AuditLogOptions {
  /** The JSON-lines file; null keeps the audit in memory only. */
  file: string | null;
  /** The orchestrator log (and the daemon's stderr). */
  say: (line: string) => void;
  maxEntries?: number;
  maxFileBytes?: number;
  now?: () => number;
  onProblem?: (message: string) => void;
}

export const AUDIT_FILE_NAME = 'audit.jsonl';

export function auditFilePath(logDir: string): string {
  return join(logDir, AUDIT_FILE_NAME);
}

/**
 * A supervisor's audit, whichever shell runs it: beside its logs (per instance, as they are),
 * each entry also said in its orchestrator log and to `log`, the previous runs read back.
 */
export async function openEngineAudit(logs: Pick<LogStore, 'logDir' | 'write'>, log: (line: string) => void): Promise<AuditLog> {
  const say = (line: string) => {
    logs.write(ORCHESTRATOR_LOG, 'system', line + '\n');
    log(line);
  };
  const audit = new AuditLog({ file: logs.logDir ? auditFilePath(logs.logDir) : null, say, onProblem: say });
  await audit.load();
  return audit;
}

export class AuditLog {
  private readonly entries: AuditEntry[] = [];
  private readonly maxEntries: number;
  private readonly maxFileBytes: number;
  private readonly now: () => number;
  /** Appends run one after another, so lines never interleave and rotation sees a whole file. */
  private writing: Promise<void> = Promise.resolve();
  private fileBytes = 0;

  constructor(private readonly options: AuditLogOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxFileBytes = options.maxFileBytes ?? 5 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  /** Reads the previous runs' last entries back (a bad line is skipped, never fatal). */
  async load(): Promise<void> {
    const { file } = this.options;
    if (!file) return;
    const text = await readFile(file, 'utf8').catch(() => '');
    this.fileBytes = Buffer.byteLength(text);
    const loaded: AuditEntry[] = [];
    for (const line of text.split('\n').slice(-this.maxEntries - 1)) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as AuditEntry;
        if (typeof entry.at === 'number' && typeof entry.action === 'string') loaded.push(entry);
      } catch {
        // A line cut short by a crash: the rest of the record still counts.
      }
    }
    this.entries.unshift(...loaded.slice(-this.maxEntries));
    this.entries.splice(0, Math.max(0, this.entries.length - this.maxEntries));
  }

  record(fields: Omit<AuditEntry, 'at' | 'time'>): AuditEntry {
    const at = this.now();
    const entry: AuditEntry = { at, time: new Date(at).toISOString(), ...fields };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.shift();
    const args = entry.args ? ' ' + Object.entries(entry.args).map(([key, value]) => `${key}=${value}`).join(' ') : '';
    this.options.say(`audit: ${entry.role} ${entry.action}${args} from ${entry.address} (${entry.transport}): ${entry.result}${entry.message ? ` (${entry.message})` : ''}`);
    this.append(JSON.stringify(entry) + '\n');
    return entry;
  }

  /** Oldest first; `since` (ms) excludes older entries, `limit` keeps the newest. */
  list({ since, limit = 100 }: { since?: number; limit?: number } = {}): AuditEntry[] {
    const after = since === undefined ? this.entries : this.entries.filter((entry) => entry.at >= since);
    return after.slice(-Math.max(0, limit));
  }

  /** Resolves once every entry recorded so far is in the file. */
  flushed(): Promise<void> {
    return this.writing;
  }

  private append(line: string): void {
    const { file } = this.options;
    if (!file) return;
    this.writing = this.writing.then(async () => {
      try {
        if (this.fileBytes === 0) await mkdir(dirname(file), { recursive: true });
        if (this.fileBytes + line.length > this.maxFileBytes && this.fileBytes > 0) {
          await rename(file, file.replace(/\.jsonl$/, '.1.jsonl'));
          this.fileBytes = 0;
        }
        await appendFile(file, line, { mode: 0o600 });
        this.fileBytes = (await stat(file)).size;
      } catch (error) {
        this.options.onProblem?.(`audit: cannot write ${file}: ${(error as Error).message}`);
      }
    });
  }
}
