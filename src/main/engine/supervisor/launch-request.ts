// What the supervisor asks a launcher for and what it gets back, shared by the piped launcher
// (process-launcher.ts) and the pty one (pty-launcher.ts).
import type { LogStream } from '../../../shared/model';
import type { ComposeSpec } from '../config/manifest-types';
import { LAUNCH_ENV } from './launch-marker';

export interface LaunchRequest {
  name: string;
  command: string;
  /** Absolute. */
  workingDir: string;
  venv?: string;
  /** The service's own variables; merged over process.env by the launcher. */
  env: Record<string, string>;
  pty: boolean;
  /** SHOWRUNNER_LAUNCH for this launch (launch-marker.ts): how a stop finds double-forked descendants. */
  marker?: string;
  /** A `kind = "compose"` service: docker compose runs it (compose/compose-launcher.ts). */
  compose?: ComposeSpec;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedProcess {
  readonly pid: number;
  /** Resolves once the main process has exited; output of its children may still follow. */
  readonly exited: Promise<ExitInfo>;
}

/**
 * May return a promise: the log is behind, so reading pauses until it resolves (backpressure).
 * A Buffer is valid only during the call (the launcher reads into one reused buffer): copy what you keep.
 */
export type OutputListener = (stream: Exclude<LogStream, 'system'>, data: Buffer | string) => void | Promise<void>;

export interface ProcessLauncher {
  /** Rejects when the process could not be started at all (no bash, missing working dir). */
  launch(request: LaunchRequest, output: OutputListener): Promise<LaunchedProcess>;
  /** Why the service cannot start at all right now (no docker CLI or engine), or null: it waits blocked. */
  blocker?(request: LaunchRequest): Promise<string | null>;
}

/** A launch failure; `permanent` when retrying cannot help, so the service fails at once. */
export class LaunchError extends Error {
  readonly permanent: boolean;

  constructor(message: string, { permanent = false } = {}) {
    super(message);
    this.name = 'LaunchError';
    this.permanent = permanent;
  }
}

export function launchEnv(request: LaunchRequest, extra: Record<string, string> = {}): Record<string, string> {
  const env = { ...(process.env as Record<string, string>), ...extra, ...request.env };
  // Last, so no manifest can set it: a wrong marker would hide the tree from its stop.
  if (request.marker) env[LAUNCH_ENV] = request.marker;
  return env;
}
