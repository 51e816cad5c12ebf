// Exec readiness: `bash -lc <command>` exits 0 within the timeout. It runs in the service's
// working dir and env, in its own process group so a hung check is killed with its children.
import { spawn } from 'node:child_process';
import { killTree } from '../stop-tree';
import type { ProbeOutcome } from './probe-outcome';

export interface ExecProbeContext {
  workingDir: string;
  env: Record<string, string>;
}

const KEEP_OUTPUT = 300;

export function execProbe(command: string, timeoutMs: number, context: ExecProbeContext): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-lc', command], {
      cwd: context.workingDir,
      env: { ...(process.env as Record<string, string>), ...context.env },
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let output = '';
    const keep = (data: Buffer): void => {
      output = (output + data.toString('utf8')).slice(-KEEP_OUTPUT);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killTree(child.pid);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `could not run the check: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ ok: false, message: `timed out after ${timeoutMs} ms` });
      const last = output.trim().split('\n').pop() ?? '';
      const status = signal ? `killed by ${signal}` : `exit ${code}`;
      resolve({ ok: code === 0, message: last ? `${status}: ${last}` : status });
    });
  });
}
