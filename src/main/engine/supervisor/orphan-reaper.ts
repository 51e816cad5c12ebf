// Cleans up after a supervisor of the same manifest that died without stopping its services
// (crash, SIGKILL, power-cut of the daemon only). Its state file names each service tree with
// start times and launch markers; a pid is only touched while its start time still matches,
// so a recycled pid that now belongs to someone else is left alone. Then every process still
// carrying a marker of the dead run (its instance key and session, compared exactly) goes
// too: helpers that double-forked into their own session, and launches it had no time to
// record. Async, and it reports what it killed through `say`, so a caller may run it in the
// background; the file is removed once cleaned up.
import { findMarkedProcesses, markedWith } from './marked-processes';
import { parseLaunchMarker } from './launch-marker';
import { collectTree, isSameProcess, readProcTable, type ProcRef } from './proc-table';
import type { StateFile, StateFileContent } from './state-file';
import { stopTree } from './stop-tree';

/** `forceNow` cuts the orphans' grace period short (the new supervisor is itself stopping). */
export async function reapOrphans(file: StateFile, say: (line: string) => void, forceNow?: Promise<unknown>): Promise<number> {
  const content = file.read();
  if (!content) return 0;
  const owner = content.supervisor;
  if (owner && owner.pid !== process.pid && isSameProcess(owner)) {
    say(`state file ${file.path} belongs to a supervisor still running (pid ${owner.pid}); its services are left alone`);
    return 0;
  }
  const stops = Object.entries(content.services).map(async ([name, record]) => {
    const table = readProcTable();
    const marked = markedWith(table, record.marker, record.root.startTime);
    const members = unique([record.root, ...record.members].filter((ref) => isSameProcess(ref, table)).concat(marked));
    if (members.length === 0) return 0;
    const tree = { signal: record.stopSignal, timeoutMs: record.stopTimeoutMs, known: members, marker: record.marker, since: record.root.startTime };
    if (isSameProcess(record.root, table)) {
      const count = collectTree(table, record.root.pid, members).length;
      await stopTree({ pid: record.root.pid, ...tree, forceNow });
      say(`killed orphan tree of ${name} (pid ${record.root.pid}, ${count} processes) left by a previous run`);
      return count;
    }
    // The root is gone: each survivor may lead a group of its own, so each is a tree root.
    for (const ref of members) await stopTree({ pid: ref.pid, ...tree, signal: 'SIGKILL', timeoutMs: 0 });
    say(`killed ${members.length} orphan processes of ${name} (pids ${pidList(members)}) left by a previous run`);
    return members.length;
  });
  const counts = await Promise.all(stops);
  const total = counts.reduce((sum, count) => sum + count, 0) + (await reapSession(content, say));
  file.remove();
  return total;
}

/** Whatever still carries a marker of the dead run: launched after its last write, or re-marked. */
async function reapSession(content: StateFileContent, say: (line: string) => void): Promise<number> {
  const { instance, session } = content;
  if (!instance || !session) return 0;
  const found = findMarkedProcesses(
    readProcTable(),
    (value) => {
      const marker = parseLaunchMarker(value);
      return marker?.instance === instance && marker.session === session;
    },
    { since: content.supervisor?.startTime },
  );
  const byService = new Map<string, ProcRef[]>();
  for (const { ref, marker } of found) {
    const service = parseLaunchMarker(marker)!.service;
    byService.set(service, [...(byService.get(service) ?? []), ref]);
  }
  let total = 0;
  for (const [service, refs] of byService) {
    for (const ref of refs) await stopTree({ pid: ref.pid, signal: 'SIGKILL', timeoutMs: 0, known: refs });
    say(`killed ${refs.length} orphan processes of ${service} (pids ${pidList(refs)}) marked by a previous run`);
    total += refs.length;
  }
  return total;
}

function unique(refs: ProcRef[]): ProcRef[] {
  const seen = new Set<number>();
  return refs.filter((ref) => !seen.has(ref.pid) && seen.add(ref.pid));
}

function pidList(refs: ProcRef[]): string {
  return refs.map((ref) => ref.pid).join(', ');
}
