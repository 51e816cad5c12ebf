// What a monitor needs from an MRP runtime, in the monitor's own terms. `mrp-runner.ts` adapts
// the MRP client to it; keeping the seam this small lets the protocol be tested on its own.
import type { DisplayData, ExecutionError } from './execution-entry';

export interface RunRequest {
  runtimeUrl: string;
  execId: string;
  code: string;
  language: string;
  session: string;
}

/** MRP's SSE events (`ping` is dropped by the adapter; it only proves the stream is alive). */
export type RunEvent =
  | { kind: 'start' }
  | { kind: 'stdout'; text: string }
  | { kind: 'stderr'; text: string }
  | { kind: 'stdin_request'; prompt: string; password: boolean }
  | { kind: 'display'; display: DisplayData }
  | { kind: 'result'; result: unknown }
  | { kind: 'error'; error: ExecutionError }
  | { kind: 'done' }
  | { kind: 'alive' };

export interface ExecutionRunner {
  /** Throws an error with `status: 409` when the runtime is busy with someone else's run. */
  run(request: RunRequest, signal: AbortSignal): AsyncIterable<RunEvent>;
  input(runtimeUrl: string, execId: string, text: string): Promise<void>;
  interrupt(runtimeUrl: string, execId: string): Promise<void>;
}

export function isBusyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 409;
}
