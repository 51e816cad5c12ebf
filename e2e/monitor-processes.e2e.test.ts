// Issue 14.1: monitors in company. Two `showrunner mrmd --no-sync --no-runtime --monitor doc`
// daemons and two standalone `showrunner monitor` processes (the built CLI, separate OS
// processes under one HOME) share one sync server process and one runtime process, and race
// on one document's requests. Every cell runs exactly once, counted by the cells themselves
// (each appends its number to a file), none errors, with and without a sync-server restart in
// the middle. Before, every monitor on a host claimed as `showrunner@<host>`: each took the
// others' claims for its own (87 of 100 cells ran more than once, 64 ended MonitorRestarted).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EditorPeer } from '../src/main/engine/monitors/editor-peer.test-kit';
import { findFreePort } from '../src/main/engine/net/find-free-port';
import { waitFor } from '../test/helpers/wait-for';
import { cliPath, startDaemon, type DaemonProcess } from './helpers/daemon-process';

const CELLS = 40;
const DOC = 'shared';
const TERMINAL = ['completed', 'error', 'cancelled'];

let dir: string;
const parts: ChildProcess[] = [];
/** Each standalone part's output, to explain a failure. */
const outputs = new Map<ChildProcess, () => string>();
const daemons: DaemonProcess[] = [];
const editors: EditorPeer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'showrunner-monitor-processes-'));
});

afterEach(async () => {
  for (const editor of editors.splice(0)) editor.close();
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
  await Promise.all(parts.splice(0).map((child) => stopChild(child)));
  outputs.clear();
  await rm(dir, { recursive: true, force: true });
});

/** `node bin/showrunner.js <args>`; resolves with the first stdout line matching `ready`. */
async function startPart(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  parts.push(child);
  let output = '';
  outputs.set(child, () => output);
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`showrunner ${args[0]} printed no ready line in 30 s:\n${output}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      const found = ready.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`showrunner ${args[0]} exited with ${code}:\n${output}`));
    });
  });
  return { child, match };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function startSync(port: number): Promise<ChildProcess> {
  return (await startPart(['sync-server', '--port', String(port), '--docs', join(dir, 'docs')], /^ready ws:/)).child;
}

/** The shared parts and four monitor processes on DOC, all seen in awareness by the editor. */
async function company(): Promise<{ editor: EditorPeer; bashUrl: string; syncPort: number; restartSync: () => Promise<void> }> {
  const syncPort = await findFreePort();
  let sync = await startSync(syncPort);
  const syncUrl = `ws://127.0.0.1:${syncPort}`;
  const runtime = await startPart(['mrp-runtime', '--port', '0', '--cwd', dir], /^ready (\S+)/);
  const bashUrl = `${runtime.match[1]}/mrp/v1`;
  const daemonArgs = ['--no-sync', '--no-runtime', '--no-editor', '--sync-url', syncUrl, '--runtime-url', bashUrl, '--monitor', DOC];
  const started = await Promise.all([
    startDaemon(daemonArgs, { command: 'mrmd' }),
    startDaemon(daemonArgs, { command: 'mrmd' }),
    startPart(['monitor', '--doc', DOC, '--runtime', `bash=${bashUrl}`, '--no-builtin-runtime', syncUrl], /Monitor ready/),
    startPart(['monitor', '--doc', DOC, '--runtime', `bash=${bashUrl}`, '--no-builtin-runtime', syncUrl], /Monitor ready/),
  ]);
  daemons.push(started[0], started[1]);
  const editor = await EditorPeer.connect(syncUrl, DOC);
  editors.push(editor);
  await waitFor(
    () => [...editor.provider.awareness.getStates().values()].filter((state) => state.user?.type === 'monitor').length,
    (count) => count === 4,
    { timeoutMs: 60_000, what: 'four monitor processes in awareness' },
  );
  const restartSync = async (): Promise<void> => {
    await stopChild(sync);
    sync = await startSync(syncPort);
  };
  return { editor, bashUrl, syncPort, restartSync };
}

function requestCells(editor: EditorPeer, bashUrl: string, runsFile: string): string[] {
  const code = (cell: number): string => `echo cell-${cell}; echo ${cell} >> ${runsFile}`;
  editor.ydoc.transact(() => {
    for (let cell = 0; cell < CELLS; cell++) editor.addCell('bash', code(cell));
  });
  return Array.from({ length: CELLS }, (_, cell) => editor.request(code(cell), 'bash', { runtimeUrl: bashUrl }));
}

function finished(editor: EditorPeer, ids: string[]): number {
  return ids.filter((id) => TERMINAL.includes(String(editor.entry(id)?.status))).length;
}

function expectEachRanOnce(editor: EditorPeer, ids: string[], runsFile: string): void {
  const problems = ids.flatMap((id) => (editor.entry(id)?.status === 'completed' ? [] : [{ id, entry: editor.entry(id) }]));
  expect(problems).toEqual([]);
  const counts = new Array<number>(CELLS).fill(0);
  for (const line of (existsSync(runsFile) ? readFileSync(runsFile, 'utf8') : '').split('\n').filter(Boolean)) counts[Number(line)]++;
  const wrong = counts.flatMap((count, cell) => (count === 1 ? [] : [`cell ${cell} ran ${count} times`]));
  if (wrong.length > 0) {
    const lost = counts.flatMap((count, cell) => (count === 1 ? [] : [ids[cell]]));
    expect(wrong, `monitor log lines about them:\n${monitorLines(lost).join('\n')}`).toEqual([]);
  }
  const owners = new Set(ids.map((id) => editor.entry(id)?.claimedBy));
  // Every claim names one peer, and the peers are distinct processes' ids.
  for (const owner of owners) expect(owner).toMatch(/@.+\/\d+\/[0-9a-f]{8}$/);
  expect(new Set([...owners].map((owner) => String(owner).split('/')[1])).size).toBe(owners.size);
}

/** Every monitor's log lines (daemons' log files, standalone monitors' output) naming one of `ids`. */
function monitorLines(ids: string[]): string[] {
  const texts = [...outputs.values()].map((output) => output());
  for (const daemon of daemons) {
    const logs = join(daemon.tempDir, 'logs');
    if (!existsSync(logs)) continue;
    for (const file of readdirSync(logs, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) texts.push(`${daemon.child.pid}: ${readFileSync(join(file.parentPath, file.name), 'utf8')}`);
    }
  }
  return texts.flatMap((text) => text.split('\n').filter((line) => ids.some((id) => line.includes(id))));
}

describe('monitor processes in company', () => {
  it(`run each of ${CELLS} cells exactly once: two mrmd daemons and two standalone monitors on one document`, { timeout: 240_000 }, async () => {
    const { editor, bashUrl } = await company();
    const runsFile = join(dir, 'runs.txt');
    const ids = requestCells(editor, bashUrl, runsFile);
    await waitFor(() => finished(editor, ids), (count) => count === CELLS, { timeoutMs: 180_000, intervalMs: 100, what: 'every cell over' });
    expectEachRanOnce(editor, ids, runsFile);
    const wrongOutputs = (): Array<{ cell: number; id: string; output: string | null; owner: unknown }> =>
      ids.flatMap((id, cell) => (editor.output(id) === `cell-${cell}\n` ? [] : [{ cell, id, output: editor.output(id), owner: editor.entry(id)?.claimedBy }]));
    await waitFor(wrongOutputs, (wrong) => wrong.length === 0, { timeoutMs: 30_000, what: 'each output block holding its own output once' }).catch((error: Error) => {
      const lost = wrongOutputs().map((wrong) => wrong.id);
      throw new Error(`${error.message}\nmonitor log lines about them:\n${monitorLines(lost).join('\n')}\ndocument:\n${editor.content()}`);
    });
  });

  it(`run each of ${CELLS} cells exactly once across a sync-server restart in the middle`, { timeout: 240_000 }, async () => {
    const { editor, bashUrl, restartSync } = await company();
    const runsFile = join(dir, 'runs.txt');
    const ids = requestCells(editor, bashUrl, runsFile);
    await waitFor(() => finished(editor, ids), (count) => count >= 5, { timeoutMs: 120_000, intervalMs: 50, what: 'a few cells over' });
    const before = finished(editor, ids);
    await restartSync();
    await waitFor(() => finished(editor, ids), (count) => count === CELLS, { timeoutMs: 180_000, intervalMs: 100, what: 'every cell over after the restart' });
    expect(before).toBeLessThan(CELLS);
    expectEachRanOnce(editor, ids, runsFile);
  });
});
