// What producers of output (the supervisor, monitors, the orchestrator itself) write to.
// The log store implements it; producers never know about rings, files or subscribers.
import type { LogStream } from '../../../shared/model';

export interface LogSink {
  /**
   * A new launch of the process: its file rotates to `<name>-YYYYmmdd-HHMMSS.log`. `restart`:
   * the supervisor relaunches within one run (retention keeps the run's first file).
   */
  beginLaunch(process: string, launch?: { restart?: boolean }): void;
  /**
   * Raw output, ANSI kept; chunks may split lines and multi-byte characters anywhere.
   * Returns false when the process's log is behind; a producer that can pause waits for
   * `whenWritable` (one that cannot is never blocked, and the sink counts what it drops).
   */
  write(process: string, stream: LogStream, data: Buffer | string): boolean | void;
  whenWritable?(process: string): Promise<void>;
}
