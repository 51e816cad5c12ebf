// A log file that takes many small appends (LogFileWriter writes through it). Two homes:
// BatchedAppendFile formats and writes on the calling thread; the log-write thread's files
// (LogWriteThread.open) hand the bytes to one worker thread per daemon, which formats and writes.
import type { NewlineScan } from './newline-scan';

export interface AppendFile {
  readonly path: string;
  /** Bytes accepted but not yet written by the OS. */
  readonly queuedBytes: number;
  /** Whether `bytes` more may be queued now (false once failed or closing). */
  hasRoom(bytes: number): boolean;
  /** One byte per character (`latin1`): text built from raw bytes goes back out unchanged. */
  writeLatin1(text: string): void;
  writeBytes(bytes: Uint8Array): void;
  /**
   * `src[from, to)`, whole lines each ending in a newline, each preceded by `prefix`;
   * `newlines` holds the newline positions in `src` from index `firstNewline`. Returns the lines.
   */
  writeLines(prefix: Uint8Array, src: Uint8Array, from: number, to: number, newlines?: NewlineScan, firstNewline?: number): number;
  /** Writes what is queued, then closes; resolves when closed (also after a failure). */
  close(): Promise<void>;
}

export interface AppendFileOptions {
  /** Most bytes queued; callers ask `hasRoom` first. */
  maxQueuedBytes: number;
  /** Writing failed; the file takes nothing more. */
  onError: (error: Error) => void;
  /** Some queued bytes reached the OS (waiters may check `queuedBytes`). */
  onWritten?: () => void;
}

export type OpenAppendFile = (path: string, options: AppendFileOptions) => AppendFile;
