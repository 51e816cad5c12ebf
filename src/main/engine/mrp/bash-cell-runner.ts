// Bash cells: each cell runs in a fresh `bash` process (no state carries over between cells;
// `capabilities` says so). File descriptors of a cell:
//   0  /dev/null: a program that reads stdin sees end of file instead of hanging
//   1  output; the prelude runs `exec 2>&1`, so stderr shares this one pipe. Two pipes cannot
//      keep the order of interleaved writes (the reader sees whichever is ready first), so
//      order wins over the stdout/stderr split: bash output all arrives as `stdout`
//   3  stdin requests from `mrmd_input` and `read`, each a kind letter (`P` plain, `S` secret:
//      the editor masks the reply box) then the prompt, NUL-terminated
//   4  replies to them, each NUL-terminated
// The prelude wraps bash's `read` builtin: a `read` whose stdin is the cell's own (/dev/null,
// not a pipe or a file the cell redirected) asks through fd 3 with its `-p` prompt (`-s`
// marks it secret) and then reads the reply with the builtin, so every `read` option and
// variable works as usual. Other programs reading stdin still see end of file.
//   5  the cell's code, read by the prelude and then closed (no argument length limit)
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CellRunner } from './cell-runner';
import { INTERRUPTED, InputCancelledError, type Execution } from './execution';
import { signalGroup } from './signal-group';
import { readRecords } from './read-records';

const PRELUDE = [
  'mrmd_input() {',
  '  local __mrmd_reply=',
  "  printf 'P%s\\0' \"${1-}\" >&3",
  "  IFS= builtin read -r -d '' __mrmd_reply <&4",
  '  if [ -n "${2-}" ]; then printf -v "$2" \'%s\' "$__mrmd_reply"; else printf \'%s\\n\' "$__mrmd_reply"; fi',
  '}',
  'read() {',
  '  if [ ! /dev/stdin -ef /dev/null ]; then builtin read "$@"; return; fi',
  '  local __mrmd_opt __mrmd_prompt= __mrmd_kind=P __mrmd_reply= OPTIND=1 OPTERR=0',
  '  while getopts :ersa:d:i:n:N:p:t:u: __mrmd_opt; do',
  '    case $__mrmd_opt in',
  '      p) __mrmd_prompt=$OPTARG ;;',
  '      s) __mrmd_kind=S ;;',
  '      u) if [ "$OPTARG" != 0 ]; then builtin read "$@"; return; fi ;;',
  '    esac',
  '  done',
  "  printf '%s%s\\0' \"$__mrmd_kind\" \"$__mrmd_prompt\" >&3",
  "  IFS= builtin read -r -d '' __mrmd_reply <&4 || return 1",
  '  builtin read "$@" <<< "$__mrmd_reply"',
  '}',
  'exec 2>&1',
  '__mrmd_cell=$(cat <&5)',
  'exec 5<&-',
  'eval "$__mrmd_cell"',
].join('\n');

/** After bash exits, how long a background job may keep the output pipe open. */
const DRAIN_AFTER_EXIT_MS = 200;

export interface BashCellRunnerOptions {
  bashPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  interruptGraceMs: number;
}

export class BashCellRunner implements CellRunner {
  private child: ChildProcess | undefined;
  private interrupted = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BashCellRunnerOptions) {}

  run(execution: Execution): Promise<void> {
    const { bashPath, cwd, env } = this.options;
    this.interrupted = false;
    let inputCancelled = false;
    return new Promise<void>((resolve) => {
      const child = spawn(bashPath, ['--noprofile', '--norc', '-c', PRELUDE, 'mrmd-cell'], {
        cwd,
        env: { ...env, MRMD_EXEC_ID: execution.id, MRMD_SESSION: execution.session },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
      this.child = child;
      const [, stdout, stderr, requests, replies, codeIn] = child.stdio as unknown as [null, Readable, Readable, Readable, Writable, Writable];
      for (const stream of [replies, codeIn]) stream.on('error', () => {});
      stdout.setEncoding('utf8').on('data', (text: string) => execution.write('stdout', text));
      stderr.setEncoding('utf8').on('data', (text: string) => execution.write('stderr', text));
      codeIn.end(execution.code);

      readRecords(requests, '\0', (request) => {
        execution.requestInput(request.slice(1), request.startsWith('S')).then(
          (reply) => replies.write(`${reply.replace(/\r?\n$/, '').replaceAll('\0', '')}\0`),
          (error: unknown) => {
            if (!(error instanceof InputCancelledError) || execution.state === 'finished') return;
            // A cancelled prompt ends the cell, as Python's input() raising would.
            inputCancelled = true;
            signalGroup(child.pid, 'SIGTERM');
          },
        );
      });

      let outputEnded = 0;
      let exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      const settle = (): void => {
        if (exitStatus === undefined || execution.state === 'finished') return;
        clearTimeout(drainTimer);
        this.clearKillTimer();
        this.child = undefined;
        for (const stream of [stdout, stderr, requests]) stream.destroy();
        const { code, signal } = exitStatus;
        if (this.interrupted) execution.fail(INTERRUPTED);
        else if (inputCancelled) execution.fail({ type: 'InputCancelledError', message: 'Input cancelled by user', traceback: [] });
        else if (code === 0) execution.succeed(null);
        else if (code !== null) execution.fail({ type: 'ExitStatus', message: `bash exited with status ${code}`, traceback: [] });
        else execution.fail({ type: 'Killed', message: `bash was killed by ${signal}`, traceback: [] });
        resolve();
      };
      for (const stream of [stdout, stderr]) {
        stream.once('end', () => {
          outputEnded++;
          if (outputEnded === 2) settle();
        });
      }
      child.once('error', (error) => {
        exitStatus ??= { code: 127, signal: null };
        execution.write('stderr', `cannot start ${bashPath}: ${error.message}\n`);
        settle();
      });
      child.once('exit', (code, signal) => {
        exitStatus = { code, signal };
        if (outputEnded === 2) settle();
        else drainTimer = setTimeout(settle, DRAIN_AFTER_EXIT_MS);
      });
    });
  }

  interrupt(): void {
    const child = this.child;
    if (child === undefined || this.interrupted) return;
    this.interrupted = true;
    signalGroup(child.pid, 'SIGINT');
    this.killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), this.options.interruptGraceMs);
  }

  async reset(): Promise<void> {
    // Nothing persists between bash cells.
  }

  async dispose(): Promise<void> {
    this.clearKillTimer();
    if (this.child !== undefined) {
      this.interrupted = true;
      signalGroup(this.child.pid, 'SIGKILL');
    }
  }

  private clearKillTimer(): void {
    if (this.killTimer !== undefined) clearTimeout(this.killTimer);
    this.killTimer = undefined;
  }
}
