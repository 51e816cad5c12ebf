// The alerts not yet delivered, on disk per instance (`<state dir>/alerts/<instance key>.json`,
// keyed like the status file and the lock), so neither a receiver that is down nor a daemon
// that is killed loses one. Every change is a durable rewrite (temp file, fsync, rename):
// an alert is on disk before its first attempt. Bounded: beyond `maxQueued` the oldest go,
// counted in `dropped` (kept in the file, so the count survives restarts too).
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from '../fs/write-file-durable';
import type { AlertBody } from './alert-body';

export interface QueuedAlert {
  seq: number;
  body: AlertBody;
}

interface QueueFile {
  version: 1;
  nextSeq: number;
  dropped: number;
  items: QueuedAlert[];
}

export function alertQueuePath(stateDir: string, instanceKey: string): string {
  return join(stateDir, 'alerts', `${instanceKey}.json`);
}

export class AlertQueue {
  readonly path: string;
  private state: QueueFile;
  private writing: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(stateDir: string, instanceKey: string, private maxQueued: number, log: (line: string) => void = () => {}) {
    this.path = alertQueuePath(stateDir, instanceKey);
    this.state = readQueue(this.path, log);
  }

  get depth(): number {
    return this.state.items.length;
  }

  get dropped(): number {
    return this.state.dropped;
  }

  /** The next number for an alert id; taken with the push, so ids never repeat across restarts. */
  get nextSeq(): number {
    return this.state.nextSeq;
  }

  setMax(maxQueued: number): void {
    this.maxQueued = maxQueued;
  }

  peek(): QueuedAlert | undefined {
    return this.state.items[0];
  }

  /** Resolves once the alert is on disk (with the oldest dropped beyond the bound). */
  push(makeBody: (seq: number) => AlertBody): Promise<QueuedAlert> {
    const seq = this.state.nextSeq++;
    const item = { seq, body: makeBody(seq) };
    this.state.items.push(item);
    const over = this.state.items.length - this.maxQueued;
    if (over > 0) {
      this.state.items.splice(0, over);
      this.state.dropped += over;
    }
    return this.persist().then(() => item);
  }

  remove(seq: number): Promise<void> {
    this.state.items = this.state.items.filter((item) => item.seq !== seq);
    return this.persist();
  }

  /** Settles once everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  // Writes coalesce: one write in flight, the next one takes whatever changed meanwhile.
  private persist(): Promise<void> {
    if (this.pending) return this.writing;
    this.pending = true;
    this.writing = this.writing.catch(() => undefined).then(async () => {
      this.pending = false;
      await writeFileDurable(this.path, JSON.stringify(this.state) + '\n');
    });
    return this.writing;
  }
}

function readQueue(path: string, log: (line: string) => void): QueueFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { version: 1, nextSeq: 1, dropped: 0, items: [] };
  }
  try {
    const parsed = JSON.parse(text) as QueueFile;
    if (parsed?.version === 1 && Array.isArray(parsed.items) && Number.isSafeInteger(parsed.nextSeq)) {
      return { version: 1, nextSeq: parsed.nextSeq, dropped: Number(parsed.dropped) || 0, items: parsed.items.filter((item) => item && typeof item.body === 'object') };
    }
  } catch {
    // below: kept aside for a person to read, never silently overwritten
  }
  const aside = `${path}.unreadable-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    // then it is overwritten at the next alert
  }
  log(`alerts: the queue file ${path} could not be read; kept as ${aside}, starting an empty queue`);
  return { version: 1, nextSeq: 1, dropped: 0, items: [] };
}
