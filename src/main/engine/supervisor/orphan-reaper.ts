// Cleans up after a supervisor that died without stopping its services (crash, SIGKILL,
// power-cut of the daemon only). Its state file names each service tree with start times;
// a pid is only touched while its start time still matches, so a recycled pid that now
// belongs to someone else is left alone.
import { collectTree, isSameProcess, readProcTable } from './proc-table';
import type { StateFile } from './state-file';
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
    const members = [record.root, ...record.members].filter((ref) => isSameProcess(ref, table));
    if (members.length === 0) return 0;
    if (isSameProcess(record.root, table)) {
      const count = collectTree(table, record.root.pid, members).length;
      await stopTree({ pid: record.root.pid, signal: record.stopSignal, timeoutMs: record.stopTimeoutMs, known: members, forceNow });
      say(`killed orphan tree of ${name} (pid ${record.root.pid}, ${count} processes) left by a previous run`);
      return count;
    }
    for (const ref of members) await stopTree({ pid: ref.pid, signal: 'SIGKILL', timeoutMs: 0, known: members });
    say(`killed ${members.length} orphan processes of ${name} (pids ${members.map((ref) => ref.pid).join(', ')}) left by a previous run`);
    return members.length;
  });
  const counts = await Promise.all(stops);
  return counts.reduce((sum, count) => sum + count, 0);
}
